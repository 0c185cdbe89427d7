"""The hybrid network in the spirit of Mix_cre: a convolution stem that scans for motifs,
transformer blocks over the pooled positions (which sites co-occur, and where relative to the
anchor), a long depthwise-convolution tail (a state-space-like mixer over the whole window),
attention pooling, and two heads: expression level (one or several outputs) and species.

``small`` trains on a CPU in minutes; ``full`` (≈ 21 M parameters) is for a GPU.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from plantreg.tfbs.cnn import one_hot_codes, reverse_complement_one_hot


@dataclass(frozen=True)
class ExpressionModelConfig:
    n_outputs: int = 1
    n_species: int = 2
    length: int = 3001
    channels: int = 64
    stem_kernel: int = 15
    pool: int = 4  # after the stem and after the second convolution: positions = length / pool²
    layers: int = 2
    heads: int = 4
    ff_mult: int = 2
    tail_kernel: int = 31
    dropout: float = 0.2  # a few hundred genes per species: 0.1 overfitted (validation)
    rc_pool: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS = {
    "small": {},
    "full": {"channels": 512, "layers": 6, "heads": 8, "ff_mult": 4, "stem_kernel": 17},
}


def preset_config(name: str, **fixed: object) -> ExpressionModelConfig:
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}")
    return ExpressionModelConfig(**{**PRESETS[name], **fixed})


class _ConvBlock(nn.Module):
    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.BatchNorm1d(channels), nn.GELU(),
            nn.Conv1d(channels, channels, kernel, padding=dilation * (kernel // 2),
                      dilation=dilation), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.net(x)


class _LongConvTail(nn.Module):
    """Depthwise long convolution + pointwise mixing, residual (the Mamba-like tail's role: a
    cheap mixer over every position)."""

    def __init__(self, channels: int, kernel: int, dropout: float) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.depthwise = nn.Conv1d(channels, channels, kernel, padding=kernel // 2, groups=channels)
        self.pointwise = nn.Linear(channels, channels)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (n, P, C)
        h = self.depthwise(self.norm(x).transpose(1, 2)).transpose(1, 2)
        return x + self.drop(self.pointwise(nn.functional.gelu(h)))


class ExpressionModel(nn.Module):
    def __init__(self, config: ExpressionModelConfig) -> None:
        super().__init__()
        self.config = c = config
        self.stem = nn.Sequential(nn.Conv1d(4, c.channels, c.stem_kernel,
                                            padding=c.stem_kernel // 2), nn.MaxPool1d(c.pool))
        self.conv = nn.Sequential(_ConvBlock(c.channels, 5, 2, c.dropout), nn.MaxPool1d(c.pool))
        positions = c.length // c.pool // c.pool
        self.position = nn.Parameter(torch.zeros(1, positions, c.channels))
        layer = nn.TransformerEncoderLayer(c.channels, c.heads, c.ff_mult * c.channels,
                                           c.dropout, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, c.layers, enable_nested_tensor=False)
        self.tail = _LongConvTail(c.channels, c.tail_kernel, c.dropout)
        self.norm = nn.LayerNorm(c.channels)
        self.attend = nn.Linear(c.channels, 1)
        # motif presence (each stem filter's best match in the window) straight to the expression
        # head: the additive part of the promoter code, learnable from a few hundred genes
        self.presence = nn.Sequential(nn.LayerNorm(c.channels), nn.Dropout(c.dropout))
        self.expression_head = nn.Linear(2 * c.channels, c.n_outputs)
        self.species_head = nn.Linear(c.channels, c.n_species)

    def embed(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(n, 4, L)`` one-hot → pooled embedding ``(n, C)`` and motif presence ``(n, C)``."""
        scan = self.stem(x)
        h = self.conv(scan).transpose(1, 2)
        h = self.encoder(h + self.position)
        h = self.norm(self.tail(h))
        weights = torch.softmax(self.attend(h), dim=1)
        return (weights * h).sum(dim=1), self.presence(scan.amax(dim=2))

    def forward_one_hot(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z, present = self.embed(x)
        if self.config.rc_pool:
            z_rc, present_rc = self.embed(reverse_complement_one_hot(x))
            z, present = (z + z_rc) / 2, (present + present_rc) / 2
        return self.expression_head(torch.cat([z, present], dim=1)), self.species_head(z)

    def expression_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        """Scaled expression ``(n,)`` (mean over outputs): what explanations attribute."""
        return self.forward_one_hot(x)[0].mean(dim=1)

    def forward(self, codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(n, L)`` codes → (expression ``(n, k)``, species logits ``(n, S)``)."""
        return self.forward_one_hot(one_hot_codes(codes))
