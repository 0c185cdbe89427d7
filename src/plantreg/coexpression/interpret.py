"""Interpretation: attention over promoter windows for one pair, and the tokens that drive
positive predictions (occlusion: the drop in the pair logit when every window holding the token
is masked in both promoters, averaged over the top-scored pairs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from plantreg.coexpression.model import SiameseTransformer
from plantreg.io import atomic_path


@torch.no_grad()
def pair_attention(
    model: SiameseTransformer,
    inputs: torch.Tensor,
    rows: tuple[int, int],
    genes: list[str],
    window: int,
    stride: int,
    upstream: int,
    tokens: np.ndarray | None,
) -> tuple[pd.DataFrame, float]:
    """Per window of both promoters: offset to the start codon, token, pooling attention."""
    model.eval()
    x = inputs[list(rows)]
    _, weights = model.encoder(x)
    logit = float(model.pair_logits(x[:1], x[1:]).item())
    frames = []
    for i, row in enumerate(rows):
        n_w = weights.shape[1]
        start = np.arange(n_w) * stride - upstream
        frames.append(
            pd.DataFrame(
                {
                    "gene_id": genes[row],
                    "window": np.arange(n_w),
                    "start_rel_atg": start,
                    "end_rel_atg": start + window,
                    "token": tokens[row] if tokens is not None else -1,
                    "attention": weights[i].numpy().round(6),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), 1.0 / (1.0 + np.exp(-logit))


def plot_attention(table: pd.DataFrame, score: float, path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    genes = list(dict.fromkeys(table["gene_id"]))
    fig, axes = plt.subplots(len(genes), 1, figsize=(10, 2.2 * len(genes)), sharex=True)
    for ax, gene in zip(np.atleast_1d(axes), genes, strict=True):
        part = table[table["gene_id"] == gene]
        centres = (part["start_rel_atg"] + part["end_rel_atg"]) / 2
        widths = part["end_rel_atg"] - part["start_rel_atg"]
        ax.bar(centres, part["attention"], width=widths * 0.9, color="tab:blue")
        ax.axvline(0, color="black", lw=0.8, ls="--")
        ax.set_ylabel(f"{gene}\nattention", fontsize=8)
    np.atleast_1d(axes)[-1].set_xlabel("position relative to the start codon (bp, 5'→3')")
    fig.suptitle(f"attention over promoter windows; predicted co-expression {score:.3f}")
    fig.tight_layout()
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


@torch.no_grad()
def token_occlusion(
    model: SiameseTransformer, tokens: torch.Tensor, ia: np.ndarray, ib: np.ndarray, pad: int
) -> pd.DataFrame:
    """Mean logit drop per token over the given pairs (token-input models only)."""
    model.eval()
    xa, xb = tokens[torch.tensor(ia)], tokens[torch.tensor(ib)]
    base = model.pair_logits(xa, xb)
    present = torch.unique(torch.cat([xa, xb]))
    rows = []
    for tok in present.tolist():
        if tok == pad:
            continue
        has = ((xa == tok).any(1) | (xb == tok).any(1)).numpy()
        ma = xa.masked_fill(xa == tok, pad)
        mb = xb.masked_fill(xb == tok, pad)
        drop = (base - model.pair_logits(ma, mb)).numpy()
        rows.append(
            {
                "token": tok,
                "n_pairs_with_token": int(has.sum()),
                "mean_logit_drop": float(drop[has].mean()) if has.any() else 0.0,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("mean_logit_drop", ascending=False, kind="stable").reset_index(
        drop=True
    )
