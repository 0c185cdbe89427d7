"""Siamese transformer over promoter window sequences; a head symmetric in the two genes.

One shared encoder turns a promoter (token ids, or raw window vectors through a linear
projection) plus learned positional embeddings into contextual window states, pooled by a learned
attention over the windows (those weights are what ``interpret`` reports). The pair head sees
``[vA, vB, |vA − vB|, vA ⊙ vB]`` and is evaluated for both orders and averaged, so
``f(A, B) == f(B, A)`` exactly. Its first layer is linear in each block, so all-pairs scoring
computes the ``vA``/``vB`` parts once per gene (:meth:`SiameseTransformer.score_pairs`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass
class ModelConfig:
    input_mode: str = "tokens"  # "tokens" or "vectors"
    vocab_size: int = 33  # k + 1 (the padding token is the last id)
    n_tfs: int = 12
    n_windows: int = 99
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    ff_dim: int = 128
    dropout: float = 0.1
    head_hidden: int = 64

    def __post_init__(self) -> None:
        if self.input_mode not in ("tokens", "vectors"):
            raise ValueError("input_mode must be 'tokens' or 'vectors'")
        if self.d_model % self.n_heads:
            raise ValueError("d_model must be a multiple of n_heads")

    def as_dict(self) -> dict:
        return asdict(self)


class PromoterEncoder(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.pad = cfg.vocab_size - 1
        if cfg.input_mode == "tokens":
            self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=self.pad)
        else:
            self.embed = nn.Linear(cfg.n_tfs, cfg.d_model)
        self.position = nn.Embedding(cfg.n_windows, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model,
            cfg.n_heads,
            cfg.ff_dim,
            cfg.dropout,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.pool_proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.pool_score = nn.Linear(cfg.d_model, 1, bias=False)

    def _inputs(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.cfg.input_mode == "tokens":
            return self.embed(x), x == self.pad
        missing = torch.isnan(x).any(dim=-1)
        return self.embed(torch.nan_to_num(x, nan=0.0)), missing

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(embedding (B, d), attention over windows (B, W))."""
        h, mask = self._inputs(x)
        # a promoter with every window masked would give NaN; let it attend to all instead
        mask = mask & ~mask.all(dim=1, keepdim=True)
        positions = torch.arange(h.shape[1], device=h.device)
        h = self.encoder(h + self.position(positions)[None], src_key_padding_mask=mask)
        h = self.norm(h)
        score = self.pool_score(torch.tanh(self.pool_proj(h))).squeeze(-1)
        weights = torch.softmax(score.masked_fill(mask, float("-inf")), dim=1)
        return torch.einsum("bw,bwd->bd", weights, h), weights


class SiameseTransformer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = PromoterEncoder(cfg)
        self.hidden = nn.Linear(4 * cfg.d_model, cfg.head_hidden)
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(cfg.head_hidden, 1)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)[0]

    def _blocks(self) -> tuple[torch.Tensor, ...]:
        return tuple(self.hidden.weight.split(self.cfg.d_model, dim=1))

    def _logit(self, ua, va, ub, vb, shared) -> torch.Tensor:
        ab = self.drop(torch.relu(ua + vb + shared))
        ba = self.drop(torch.relu(ub + va + shared))
        return 0.5 * (self.out(ab) + self.out(ba)).squeeze(-1)

    def head(self, ea: torch.Tensor, eb: torch.Tensor) -> torch.Tensor:
        """Logits for embedded pairs; the same numbers as the concatenated-feature layer."""
        wa, wb, wd, wp = self._blocks()
        shared = (ea - eb).abs() @ wd.T + (ea * eb) @ wp.T + self.hidden.bias
        return self._logit(ea @ wa.T, ea @ wb.T, eb @ wa.T, eb @ wb.T, shared)

    def forward(self, x: torch.Tensor, ia: torch.Tensor, ib: torch.Tensor) -> torch.Tensor:
        """Logits of pairs ``(ia, ib)`` of the promoters ``x`` (each gene encoded once)."""
        emb = self.encode(x)
        return self.head(emb[ia], emb[ib])

    def pair_logits(self, xa: torch.Tensor, xb: torch.Tensor) -> torch.Tensor:
        return self.head(self.encode(xa), self.encode(xb))

    @torch.no_grad()
    def score_pairs(
        self, emb: torch.Tensor, ia: torch.Tensor, ib: torch.Tensor, parts=None
    ) -> torch.Tensor:
        """Logits of pairs ``(ia, ib)`` of already encoded genes ``emb`` (eval mode)."""
        wa, wb, wd, wp = self._blocks()
        if parts is None:
            parts = (emb @ wa.T, emb @ wb.T)
        u, v = parts
        ea, eb = emb[ia], emb[ib]
        shared = (ea - eb).abs() @ wd.T + (ea * eb) @ wp.T + self.hidden.bias
        return self._logit(u[ia], v[ia], u[ib], v[ib], shared)
