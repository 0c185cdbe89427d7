"""Predicted co-expression network: score every pair of a gene set, keep the top edges.

Each promoter is encoded once; pairs are scored in blocks of rows of the upper triangle with the
per-gene halves of the head's first layer precomputed (:meth:`SiameseTransformer.score_pairs`).
A running top-N (``torch.topk`` over the kept edges plus the new block) bounds memory by N.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd
import torch

from plantreg.coexpression.model import SiameseTransformer
from plantreg.coexpression.tables import PU_NOTE
from plantreg.io import atomic_open

log = logging.getLogger(__name__)


@torch.no_grad()
def encode_all(model: SiameseTransformer, inputs: torch.Tensor, block: int = 512) -> torch.Tensor:
    model.eval()
    return torch.cat([model.encode(inputs[i : i + block]) for i in range(0, len(inputs), block)])


@torch.no_grad()
def top_edges(
    model: SiameseTransformer, emb: torch.Tensor, top_n: int, block_pairs: int = 1 << 20
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """(a, b, logit) of the ``top_n`` best pairs a < b, and timing stats."""
    n = emb.shape[0]
    wa, wb, _, _ = model._blocks()
    parts = (emb @ wa.T, emb @ wb.T)
    best_s = torch.empty(0)
    best_a = torch.empty(0, dtype=torch.long)
    best_b = torch.empty(0, dtype=torch.long)
    started, scored = time.perf_counter(), 0
    rows_per_block = max(1, block_pairs // max(n, 1))
    for lo in range(0, n - 1, rows_per_block):
        a, b = _upper_block(lo, min(n - 1, lo + rows_per_block), n)
        logits = model.score_pairs(emb, a, b, parts)
        scored += len(a)
        cat_s = torch.cat([best_s, logits])
        keep = torch.topk(cat_s, min(top_n, len(cat_s))).indices
        best_s = cat_s[keep]
        best_a = torch.cat([best_a, a])[keep]
        best_b = torch.cat([best_b, b])[keep]
    seconds = time.perf_counter() - started
    order = torch.argsort(best_s, descending=True)
    stats = {
        "pairs_scored": scored,
        "seconds": seconds,
        "pairs_per_second": scored / max(seconds, 1e-9),
    }
    return best_a[order].numpy(), best_b[order].numpy(), best_s[order].numpy(), stats


def _upper_block(lo: int, hi: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """All pairs (i, j), lo ≤ i < hi, i < j < n."""
    rows = torch.arange(lo, hi)
    counts = n - 1 - rows
    a = torch.repeat_interleave(rows, counts)
    offsets = torch.cumsum(counts, 0) - counts
    b = torch.arange(len(a)) - torch.repeat_interleave(offsets, counts) + a + 1
    return a, b


def edges_frame(genes: list[str], a, b, logits) -> pd.DataFrame:
    g = np.asarray(genes)
    return pd.DataFrame(
        {
            "gene_a": g[a],
            "gene_b": g[b],
            "score": np.round(1.0 / (1.0 + np.exp(-logits.astype(np.float64))), 6),
            "rank": np.arange(1, len(a) + 1),
        }
    )


def write_graphml(edges: pd.DataFrame, path: str | Path) -> None:
    """Undirected GraphML with a ``score`` and ``rank`` on every edge."""
    nodes = sorted(set(edges["gene_a"]) | set(edges["gene_b"]))
    with atomic_open(path) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        out.write(f"  <!-- {escape(PU_NOTE)} -->\n")
        out.write('  <key id="score" for="edge" attr.name="score" attr.type="double"/>\n')
        out.write('  <key id="rank" for="edge" attr.name="rank" attr.type="int"/>\n')
        out.write('  <graph id="coexpression" edgedefault="undirected">\n')
        out.writelines(f"    <node id={quoteattr(n)}/>\n" for n in nodes)
        for row in edges.itertuples(index=False):
            out.write(
                f"    <edge source={quoteattr(row.gene_a)} target={quoteattr(row.gene_b)}>"
                f'<data key="score">{row.score}</data><data key="rank">{row.rank}</data>'
                "</edge>\n"
            )
        out.write("  </graph>\n</graphml>\n")
