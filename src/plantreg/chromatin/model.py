"""Sei-style sequence → chromatin-mark network (outputs logits, one per mark).

Architecture of Sei (Chen et al. 2022) as used by SeiPlant: three conv blocks (480 → 640 → 960
channels, kernel 9) with residual sums and two max-pools of 4, five dilated convolutions with
residual sums, a fixed cubic B-spline basis over positions, and a two-layer head. Differences from
SeiPlant, on purpose: no sigmoid inside (the loss and the evaluation apply it once), the head's
hidden layer is ``max(32, 4 × n_marks)`` wide instead of ``n_marks``, and (``global_pool``, on in
both presets) a position-invariant path beside the spline: the global max and mean of every channel
are concatenated to the spline features before the head.

Why the global path: the spline + flatten head must learn one weight per (channel, spline position),
so a motif that may sit anywhere in the window is learned once per position. With the few thousand
windows of a small genome (and in CI) the pure Sei network learned only one of three planted motifs
and lost to k-mer counts, while a global max-pool learns "motif present" from every position at
once. The spline features are kept, so positional effects can still be learned where data allow.
``global_pool=False`` gives the original Sei head.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import torch
from torch import nn

from plantreg.chromatin.spline import BSplinePool

POOL = 4


@dataclass(frozen=True)
class SeiConfig:
    n_marks: int
    input_length: int = 1024
    channels: tuple[int, int, int] = (480, 640, 960)
    kernel_size: int = 9
    dilations: tuple[int, ...] = (2, 4, 8, 16, 25)
    dilated_kernel_size: int = 5
    spline_df: int = 16
    hidden: int | None = None  # None: max(32, 4 × n_marks)
    dropout_conv: float = 0.2
    dropout_dilated: float = 0.1
    dropout_spline: float = 0.5
    rc_average: bool = False  # average logits of a sequence and its reverse complement in eval
    global_pool: bool = True  # global max + mean per channel beside the spline (see module doc)
    batch_norm: bool = False  # BatchNorm after each convolution block (not in Sei)
    preset: str = "custom"

    def __post_init__(self) -> None:
        if self.n_marks < 1:
            raise ValueError("n_marks must be at least 1")
        if self.kernel_size % 2 == 0 or self.dilated_kernel_size % 2 == 0:
            raise ValueError("kernel sizes must be odd (same-length convolutions)")
        if self.n_positions < 2:
            raise ValueError(f"input_length {self.input_length} is too short for two pools of 4")

    @property
    def n_positions(self) -> int:
        return self.input_length // POOL // POOL

    @property
    def head_inputs(self) -> int:
        c3 = self.channels[-1]
        return c3 * self.spline_df + (self.channels[0] + 2 * c3 if self.global_pool else 0)

    @property
    def hidden_width(self) -> int:
        return self.hidden if self.hidden is not None else max(32, 4 * self.n_marks)

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["channels"] = list(self.channels)
        values["dilations"] = list(self.dilations)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SeiConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown model settings: {', '.join(unknown)}")
        values = dict(values)
        for key in ("channels", "dilations"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)


PRESETS: dict[str, dict[str, Any]] = {
    # the Sei/SeiPlant network: ≈ 74 M parameters at 1,024 bp and ~20 marks
    "full": {},
    # a few hundred thousand parameters: trains on a CPU in seconds (tests, demos, small genomes)
    "small": {
        "channels": (32, 48, 64),
        "dropout_conv": 0.1,
        "dropout_dilated": 0.05,
        "dropout_spline": 0.2,
        "batch_norm": True,
    },
}


def preset_config(preset: str, n_marks: int, **overrides: Any) -> SeiConfig:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    return replace(SeiConfig(n_marks=n_marks, preset=preset, **PRESETS[preset]), **overrides)


def _conv(c_in: int, c_out: int, k: int, dilation: int = 1) -> nn.Conv1d:
    return nn.Conv1d(c_in, c_out, k, padding=dilation * (k // 2), dilation=dilation)


def _norm(c: int, on: bool) -> list[nn.Module]:
    return [nn.BatchNorm1d(c)] if on else []


def _linear_block(
    c_in: int, c_out: int, k: int, pool: bool, dropout: float, norm: bool
) -> nn.Sequential:
    """Sei's 'lconv': (pool, dropout,) two convolutions without activation (optionally normed)."""
    layers: list[nn.Module] = [nn.MaxPool1d(POOL, POOL), nn.Dropout(dropout)] if pool else []
    return nn.Sequential(
        *layers, _conv(c_in, c_out, k), _conv(c_out, c_out, k), *_norm(c_out, norm)
    )


def _relu_block(c: int, k: int, dropout: float, norm: bool) -> nn.Sequential:
    """Sei's 'conv': two convolutions with ReLU, added back to their input by the caller."""
    layers: list[nn.Module] = [nn.Dropout(dropout)] if dropout > 0 else []
    return nn.Sequential(
        *layers,
        _conv(c, c, k),
        *_norm(c, norm),
        nn.ReLU(),
        _conv(c, c, k),
        *_norm(c, norm),
        nn.ReLU(),
    )


class SeiNetwork(nn.Module):
    """One-hot ``(B, 4, L)`` → logits ``(B, n_marks)``."""

    def __init__(self, config: SeiConfig) -> None:
        super().__init__()
        self.config = config
        self.rc_average = config.rc_average
        c1, c2, c3 = config.channels
        k = config.kernel_size
        bn, drop = config.batch_norm, config.dropout_conv
        self.lconv1 = _linear_block(4, c1, k, pool=False, dropout=0.0, norm=bn)
        self.conv1 = _relu_block(c1, k, 0.0, bn)
        self.lconv2 = _linear_block(c1, c2, k, pool=True, dropout=drop, norm=bn)
        self.conv2 = _relu_block(c2, k, drop, bn)
        self.lconv3 = _linear_block(c2, c3, k, pool=True, dropout=drop, norm=bn)
        self.conv3 = _relu_block(c3, k, drop, bn)
        self.dilated = nn.ModuleList(
            nn.Sequential(
                nn.Dropout(config.dropout_dilated),
                _conv(c3, c3, config.dilated_kernel_size, d),
                *_norm(c3, bn),
                nn.ReLU(),
            )
            for d in config.dilations
        )
        self.spline = nn.Sequential(
            nn.Dropout(config.dropout_spline), BSplinePool(config.n_positions, config.spline_df)
        )
        self.head = nn.Sequential(
            nn.Linear(config.head_inputs, config.hidden_width),
            nn.ReLU(),
            nn.Linear(config.hidden_width, config.n_marks),
        )

        self.apply(_init_weights)
        # start from logits ≈ 0 (prevalence is learned by the bias within a few steps)
        nn.init.normal_(self.head[-1].weight, std=1e-3)

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 3 or x.shape[1] != 4 or x.shape[2] != self.config.input_length:
            raise ValueError(
                f"expected one-hot input (batch, 4, {self.config.input_length}), "
                f"got {tuple(x.shape)}"
            )

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        lout1 = self.lconv1(x)
        out1 = self.conv1(lout1)
        lout2 = self.lconv2(out1 + lout1)
        out2 = self.conv2(lout2)
        lout3 = self.lconv3(out2 + lout2)
        out3 = self.conv3(lout3)
        # as in Sei: the first dilated block sees out3 + lout3, but its output is added to out3
        # alone; from there on out_k = out_{k-1} + dilated_k(out_{k-1})
        out = out3 + self.dilated[0](out3 + lout3)
        for block in self.dilated[1:]:
            out = out + block(out)
        pooled = self.spline(out).flatten(1)
        if self.config.global_pool:
            early = (out1 + lout1).amax(dim=-1)  # motif scanner: max over full resolution
            pooled = torch.cat([pooled, early, out.amax(dim=-1), out.mean(dim=-1)], dim=1)
        return self.head(pooled)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        logits = self._logits(x)
        if self.rc_average and not self.training:
            logits = 0.5 * (logits + self._logits(reverse_complement(x)))
        return logits


def reverse_complement(onehot: torch.Tensor) -> torch.Tensor:
    """RC of one-hot ``(B, 4, L)`` in A, C, G, T order: complement = channel flip; N stays zero."""
    return onehot.flip(dims=(1, 2))


def _init_weights(module: nn.Module) -> None:
    # He init, zero bias: torch's default shrinks the signal ~3x per layer, and a planted motif
    # is then buried under the bias terms for many epochs
    if isinstance(module, (nn.Conv1d, nn.Linear)):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


def build_model(config: SeiConfig) -> SeiNetwork:
    return SeiNetwork(config)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
