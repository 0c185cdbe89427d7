"""The pairwise (pseudo-Siamese) network of LECIF and its hyper-parameters.

A-specific and B-specific sub-networks (1–2 hidden layers each: Linear → Dropout → ReLU, the first
layer without bias as in LECIF) are concatenated and passed through a final sub-network (1–2
layers) to one logit (the sigmoid lives in the loss and in prediction).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
from torch import nn


@dataclass(frozen=True)
class HyperParams:
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.1
    layers_species: int = 1
    layers_final: int = 1
    neurons_a: tuple[int, int] = (64, 0)
    neurons_b: tuple[int, int] = (64, 0)
    neurons_final: tuple[int, int] = (64, 0)

    def __post_init__(self) -> None:
        if self.layers_species not in (1, 2) or self.layers_final not in (1, 2):
            raise ValueError("layers must be 1 or 2")
        for name in ("neurons_a", "neurons_b", "neurons_final"):
            sizes = getattr(self, name)
            layers = self.layers_final if name == "neurons_final" else self.layers_species
            if any(int(s) < 1 for s in sizes[:layers]):
                raise ValueError(f"{name} needs {layers} positive sizes, got {sizes}")

    def to_dict(self) -> dict:
        out = asdict(self)
        for key in ("neurons_a", "neurons_b", "neurons_final"):
            out[key] = list(out[key])
        return out

    @classmethod
    def from_dict(cls, data: dict) -> HyperParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown hyper-parameters: {', '.join(unknown)}")
        values = dict(data)
        for key in ("neurons_a", "neurons_b", "neurons_final"):
            if key in values:
                values[key] = tuple(int(v) for v in values[key])
        return cls(**values)


def _stack(n_in: int, sizes: tuple[int, int], layers: int, dropout: float, bias_first: bool):
    mods: list[nn.Module] = []
    width = n_in
    for i in range(layers):
        mods += [
            nn.Linear(width, int(sizes[i]), bias=bias_first or i > 0),
            nn.Dropout(dropout),
            nn.ReLU(),
        ]
        width = int(sizes[i])
    return nn.Sequential(*mods), width


class PairNet(nn.Module):
    """``prior_logit`` starts the output bias at the weighted class log-odds (−log ratio): with
    negatives weighing 50× positives, a zero start first drives every unit towards dead ReLUs to
    lower all outputs, and the network then learns nothing for many epochs."""

    def __init__(self, n_a: int, n_b: int, hp: HyperParams, prior_logit: float = 0.0) -> None:
        super().__init__()
        self.n_a, self.n_b = n_a, n_b
        self.net_a, wa = _stack(n_a, hp.neurons_a, hp.layers_species, hp.dropout, False)
        self.net_b, wb = _stack(n_b, hp.neurons_b, hp.layers_species, hp.dropout, False)
        self.final, wf = _stack(wa + wb, hp.neurons_final, hp.layers_final, hp.dropout, True)
        self.out = nn.Linear(wf, 1)
        nn.init.constant_(self.out.bias, prior_logit)

    def forward(self, xa: torch.Tensor, xb: torch.Tensor) -> torch.Tensor:
        h = torch.cat([self.net_a(xa), self.net_b(xb)], dim=1)
        return self.out(self.final(h)).squeeze(1)
