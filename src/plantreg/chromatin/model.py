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
``global_pool=False`` gives the original Sei head; ``spline_head=False`` (the ``small`` preset)
keeps only the position-invariant path, which generalised better across species on small data.

A third difference (``padding="valid"``, the default): the three convolution blocks are unpadded,
so a 1,024 bp window ends in 22 positions instead of 64, and their output at a position depends on
the sequence alone, never on where the window's edges fall. That makes inference on overlapping
windows exact and cheap: at a stride that is a multiple of 16 (the two pools), the blocks run once
over a strip of consecutive windows (:meth:`SeiNetwork.forward_strip`) instead of once per window,
so at stride 128 the blocks' work falls eightfold, and the result equals the per-window forward.
With Sei's zero padding (``padding="same"``) edge positions see the padding and windows must be
computed one by one.

A fourth (``motif_filters``, on in both presets): a motif scanner beside the trunk, one unpadded
convolution of ``motif_kernel`` bp on the one-hot sequence with an exponential activation, whose
window-wide maxima and means go to the head. Sei's trunk opens with two linear convolutions, and
on the bundled data it did not learn the pioneer motifs behind ATAC at all (validation AUPRC at
chance + 0.1) and lost to k-mer counts on the second species; the scanner learned them within
three epochs, and lifted mean AUPRC on the held-out chromosome and on species B by about 0.15
(docs/chromatin.md has the figures). It costs 2 × ``motif_filters`` head inputs and one cheap
convolution, and is exact under strip inference like the trunk.

A fifth (``grammar_filters``, on in both presets): pair detectors over the scanner, for marks set by
two motifs at a fixed spacing, order and orientation (cooperative binding), which neither k-mer
counts nor the scanner's window-wide maxima can see (a decoy with the two motifs 20 bp too far
apart has the same maxima). The scanner's scores, softplus-transformed and max-pooled by 2 bp, are
mixed down to ``grammar_channels`` and read by ``grammar_filters`` convolutions ``grammar_span``
bp wide (ReLU); each one can weigh motif A at one offset and motif B at another, i.e. detect "A,
then B 10-60 bp later on the same strand" at 2 bp resolution; their window-wide max and mean go to
the head. The trunk's dilated layers reach that far too, but behind two linear convolutions and
two pools of 4 they did not learn pairs on the ``grammar`` simulation, while these detectors did
(docs/chromatin.md). Exact under strip inference (the pool of 2 divides the strip step).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from plantreg.chromatin.spline import BSplinePool

POOL = 4
GRAMMAR_POOL = 2  # the scanner's map is max-pooled by 2 bp before the pair detectors
MOTIF_CLAMP = 10.0  # exp(10) ≈ 22,026: finite in fp16 and bf16


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
    early_mean: bool = True  # with global_pool: also the full-resolution map's channel means
    spline_head: bool = True  # False: the head reads only the global features (position-blind)
    batch_norm: bool = False  # BatchNorm after each convolution block (not in Sei)
    padding: str = "valid"  # "valid": unpadded conv blocks, exact strip inference; "same": Sei
    motif_filters: int = 64  # motif scanner beside the trunk (exponential activation); 0: none
    motif_kernel: int = 17  # its width in bp: the longest motif it can see whole
    grammar_filters: int = 32  # pair detectors over the scanner's map (see module doc); 0: none
    grammar_channels: int = 16  # the scanner's map is mixed down to this many channels first
    grammar_span: int = 96  # bp between the first and the last scanner position one detector sees
    preset: str = "custom"

    def __post_init__(self) -> None:
        if self.n_marks < 1:
            raise ValueError("n_marks must be at least 1")
        if self.kernel_size % 2 == 0 or self.dilated_kernel_size % 2 == 0:
            raise ValueError("kernel sizes must be odd (same-length convolutions)")
        if self.padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {self.padding!r}")
        if self.motif_filters < 0 or self.motif_kernel % 2 == 0:
            raise ValueError("motif_filters must be >= 0 and motif_kernel odd")
        if self.motif_filters and self.motif_kernel > self.input_length:
            raise ValueError(f"motif_kernel {self.motif_kernel} exceeds the window")
        if self.grammar_filters < 0 or (self.grammar_filters and not self.motif_filters):
            raise ValueError("grammar_filters must be >= 0, and > 0 needs the motif scanner "
                             "(with motif_filters=0 set grammar_filters=0 too)")
        if self.grammar_filters and (self.grammar_channels < 1 or self.grammar_span < 2
                                     or self.grammar_span % GRAMMAR_POOL):
            raise ValueError(f"grammar_channels must be >= 1 and grammar_span a multiple of "
                             f"{GRAMMAR_POOL}, at least {GRAMMAR_POOL}")
        if self.grammar_filters and self.grammar_positions < 1:
            raise ValueError(f"grammar_span {self.grammar_span} does not fit the window")
        if not (self.spline_head or self.global_pool):
            raise ValueError("the head needs spline_head or global_pool (or both)")
        if self.n_positions < 2:
            raise ValueError(
                f"input_length {self.input_length} is too short for the convolution blocks "
                f"({self.padding} padding, kernel {self.kernel_size}, two pools of 4)"
            )

    @property
    def block_trim(self) -> int:
        """Positions one two-convolution layer removes from each end (0 with padding)."""
        return self.kernel_size - 1 if self.padding == "valid" else 0

    @property
    def n_positions(self) -> int:
        """Positions after the three convolution blocks (what the dilated layers and spline see)."""
        trim = 2 * 2 * self.block_trim  # two layers of two convolutions per block, both ends
        length = self.input_length - trim
        for _ in range(2):
            length = length // POOL - trim
        return length

    @property
    def grammar_kernel(self) -> int:
        """Width of a pair detector in pooled scanner positions (odd; covers ``grammar_span``)."""
        return self.grammar_span // GRAMMAR_POOL + 1

    @property
    def grammar_positions(self) -> int:
        """Pair-detector positions in one window."""
        scanner = self.input_length - self.motif_kernel + 1
        return scanner // GRAMMAR_POOL - self.grammar_kernel + 1

    @property
    def strip_step(self) -> int:
        """Strides at which windows can share one strip forward pass are multiples of this."""
        return POOL * POOL

    @property
    def head_inputs(self) -> int:
        c3 = self.channels[-1]
        early = self.channels[0] * (2 if self.early_mean else 1)
        spline = c3 * self.spline_df if self.spline_head else 0
        scanner = 2 * self.motif_filters + 2 * self.grammar_filters
        return spline + (early + 2 * c3 if self.global_pool else 0) + scanner

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
    # ≈ 0.3 M parameters: trains on a CPU in minutes (tests, demos, small genomes). Its head reads
    # only the position-blind global features: with a few thousand windows the spline's one weight
    # per (channel, position) overfits, and generalised worse to another species. A narrow trunk:
    # with the motif scanner beside it, 64 channels everywhere was 4× slower and no better
    # (docs/chromatin.md)
    "small": {
        "channels": (16, 32, 64),
        "dropout_conv": 0.2,
        "dropout_dilated": 0.05,
        "dropout_spline": 0.5,
        "spline_head": False,
    },
}


def preset_config(preset: str, n_marks: int, **overrides: Any) -> SeiConfig:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    return replace(SeiConfig(n_marks=n_marks, preset=preset, **PRESETS[preset]), **overrides)


def _conv(c_in: int, c_out: int, k: int, dilation: int = 1, pad: bool = True) -> nn.Conv1d:
    return nn.Conv1d(c_in, c_out, k, padding=dilation * (k // 2) if pad else 0, dilation=dilation)


def _crop(x: torch.Tensor, n: int) -> torch.Tensor:
    return x[..., n : x.shape[-1] - n] if n else x


def _norm(c: int, on: bool) -> list[nn.Module]:
    return [nn.BatchNorm1d(c)] if on else []


def _linear_block(
    c_in: int, c_out: int, k: int, pool: bool, dropout: float, norm: bool, pad: bool
) -> nn.Sequential:
    """Sei's 'lconv': (pool, dropout,) two convolutions without activation (optionally normed)."""
    layers: list[nn.Module] = [nn.MaxPool1d(POOL, POOL), nn.Dropout(dropout)] if pool else []
    return nn.Sequential(
        *layers, _conv(c_in, c_out, k, pad=pad), _conv(c_out, c_out, k, pad=pad),
        *_norm(c_out, norm),
    )


def _relu_block(c: int, k: int, dropout: float, norm: bool, pad: bool) -> nn.Sequential:
    """Sei's 'conv': two convolutions with ReLU, added back to their input by the caller."""
    layers: list[nn.Module] = [nn.Dropout(dropout)] if dropout > 0 else []
    return nn.Sequential(
        *layers,
        _conv(c, c, k, pad=pad),
        *_norm(c, norm),
        nn.ReLU(),
        _conv(c, c, k, pad=pad),
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
        bn, drop, pad = config.batch_norm, config.dropout_conv, config.padding == "same"
        self.lconv1 = _linear_block(4, c1, k, pool=False, dropout=0.0, norm=bn, pad=pad)
        self.conv1 = _relu_block(c1, k, 0.0, bn, pad)
        self.lconv2 = _linear_block(c1, c2, k, pool=True, dropout=drop, norm=bn, pad=pad)
        self.conv2 = _relu_block(c2, k, drop, bn, pad)
        self.lconv3 = _linear_block(c2, c3, k, pool=True, dropout=drop, norm=bn, pad=pad)
        self.conv3 = _relu_block(c3, k, drop, bn, pad)
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

        self.motifs = (nn.Conv1d(4, config.motif_filters, config.motif_kernel)
                       if config.motif_filters else None)
        self.grammar = (nn.Sequential(
            nn.MaxPool1d(GRAMMAR_POOL, GRAMMAR_POOL),
            nn.Conv1d(config.motif_filters, config.grammar_channels, 1),
            nn.Conv1d(config.grammar_channels, config.grammar_filters, config.grammar_kernel),
            nn.ReLU(),
        ) if config.grammar_filters else None)

        self.apply(_init_weights)
        if self.motifs is not None:
            # torch's default (smaller) init: He init puts exp(·) of a random 17-mer far from 1
            self.motifs.reset_parameters()
        # start from logits ≈ 0 (prevalence is learned by the bias within a few steps)
        nn.init.normal_(self.head[-1].weight, std=1e-3)

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 3 or x.shape[1] != 4 or x.shape[2] != self.config.input_length:
            raise ValueError(
                f"expected one-hot input (batch, 4, {self.config.input_length}), "
                f"got {tuple(x.shape)}"
            )

    def _blocks(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The three convolution blocks: full-resolution map, out3 and out3 + lout3."""
        trim = self.config.block_trim
        lout1 = self.lconv1(x)
        full = self.conv1(lout1) + _crop(lout1, trim)
        lout2 = self.lconv2(full)
        lout3 = self.lconv3(self.conv2(lout2) + _crop(lout2, trim))
        out3 = self.conv3(lout3)
        return full, out3, out3 + _crop(lout3, trim)

    def _scanner_maps(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The scanner's map and, with ``grammar_filters``, the pair detectors' map.

        Exponential activation (Koo & Ploenzke 2021): a filter's response is sharply peaked on
        its motif, which is what lets the scanner learn whole motifs from a small genome; clamped
        so that exp stays finite in fp16. The pair detectors read softplus of the same scores (a
        log-scale copy of the peaks: exp's range would swamp their weights)."""
        scores = self.motifs(x)
        motif = torch.exp(scores.clamp(max=MOTIF_CLAMP))
        pairs = self.grammar(F.softplus(scores)) if self.grammar is not None else None
        return motif, pairs

    def _head(self, early: torch.Tensor, out3: torch.Tensor, mixed3: torch.Tensor) -> torch.Tensor:
        """Dilated layers, spline and head; ``early``: the window-wide pooled features (the
        full-resolution map's channel maxima and means, then the motif scanner's)."""
        # as in Sei: the first dilated block sees out3 + lout3, but its output is added to out3
        # alone; from there on out_k = out_{k-1} + dilated_k(out_{k-1})
        out = out3 + self.dilated[0](mixed3)
        for block in self.dilated[1:]:
            out = out + block(out)
        parts = [self.spline(out).flatten(1)] if self.config.spline_head else []
        if self.config.global_pool:
            # early = motif scanner: max (and mean: how many sites) over the full-resolution map
            parts += [early, out.amax(dim=-1), out.mean(dim=-1)]
        return self.head(torch.cat(parts, dim=1))

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        full, out3, mixed3 = self._blocks(x)
        early = [full.amax(dim=-1)] + ([full.mean(dim=-1)] if self.config.early_mean else [])
        if self.motifs is not None:
            for scan in self._scanner_maps(x):
                if scan is not None:
                    early += [scan.amax(dim=-1), scan.mean(dim=-1)]
        return self._head(torch.cat(early, dim=1), out3, mixed3)

    def _strip_logits(self, strip: torch.Tensor, n_windows: int, step: int) -> torch.Tensor:
        full, out3, mixed3 = self._blocks(strip)
        length = self.config.input_length

        def pooled(x: torch.Tensor, width: int, how: str) -> torch.Tensor:  # (n, C)
            return _sliding(x, width, step, how)[0, :, :n_windows].T

        width = length - 4 * self.config.block_trim
        hows = ("max", "mean") if self.config.early_mean else ("max",)
        early = [pooled(full, width, how) for how in hows]
        if self.motifs is not None:
            motif, pairs = self._scanner_maps(strip)
            early += [pooled(motif, length - self.config.motif_kernel + 1, how)
                      for how in ("max", "mean")]
            if pairs is not None:
                early += [_sliding(pairs, self.config.grammar_positions, step // GRAMMAR_POOL,
                                   how)[0, :, :n_windows].T for how in ("max", "mean")]
        positions, fine = self.config.n_positions, step // self.config.strip_step

        def windows(x: torch.Tensor) -> torch.Tensor:  # (1, C, P + (n−1)·fine) → (n, C, P)
            return x[0].unfold(-1, positions, fine)[:, :n_windows].transpose(0, 1).contiguous()

        return self._head(torch.cat(early, dim=1), windows(out3), windows(mixed3))

    def forward(self, x: torch.Tensor, strip_step: int | None = None) -> torch.Tensor:
        """Logits ``(B, n_marks)`` of one-hot windows ``(B, 4, L)``; with ``strip_step``, of the
        windows of one strip (:meth:`forward_strip`)."""
        if strip_step is not None:
            return self.forward_strip(x, strip_step)
        self._check_input(x)
        logits = self._logits(x)
        if self.rc_average and not self.training:
            logits = 0.5 * (logits + self._logits(reverse_complement(x)))
        return logits

    def supports_strip(self, step: int) -> bool:
        return (
            self.config.padding == "valid" and step > 0 and step % self.config.strip_step == 0
            and not self.training
        )

    def forward_strip(self, strip: torch.Tensor, step: int) -> torch.Tensor:
        """Logits ``(n, n_marks)`` of the windows at offsets 0, step, 2·step, … of one strip
        ``(1, 4, L + (n − 1)·step)``: the same numbers as :meth:`forward` on each window (up to
        float rounding), with the convolution blocks run once over the strip."""
        length = self.config.input_length
        if not self.supports_strip(step):
            raise ValueError(f"strip inference needs eval mode, valid padding and a step that is a "
                             f"multiple of {self.config.strip_step}, got step {step}")
        if strip.dim() != 3 or strip.shape[:2] != (1, 4) or (strip.shape[2] - length) % step:
            raise ValueError(f"expected a strip (1, 4, {length} + k·{step}), got "
                             f"{tuple(strip.shape)}")
        n = (strip.shape[2] - length) // step + 1
        logits = self._strip_logits(strip, n, step)
        if self.rc_average:
            # windows of the reverse-complement strip come in reverse order
            logits = 0.5 * (logits + self._strip_logits(reverse_complement(strip), n, step).flip(0))
        return logits


def _sliding(x: torch.Tensor, width: int, step: int, how: str) -> torch.Tensor:
    """``max_pool1d``/``avg_pool1d(x, width, step)`` in two passes: blocks of gcd(width, step),
    then a sliding max/mean over blocks (one pass over a wide kernel is many times slower)."""
    block = math.gcd(width, step)
    usable = x.shape[-1] // block * block
    blocks = x[..., :usable].unflatten(-1, (-1, block))
    if how == "max":
        return F.max_pool1d(blocks.amax(dim=-1), width // block, step // block)
    return F.avg_pool1d(blocks.mean(dim=-1), width // block, step // block)


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
