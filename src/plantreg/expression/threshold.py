"""One CRE threshold for a whole EXPLAIN run (EXPR_CRE_THRESHOLD).

EXPLAIN scores its genes in chunks (``explain_chunks``, a speed setting). If each chunk took the
quantile of its own scores, the CREs called for a gene would depend on which genes shared its
chunk. Here the quantile is taken once over every real base (N excluded) of every chunk, and every
chunk's ``scan-cre`` reads it from ``threshold.json``, so the calls do not depend on the chunking.

The quantile is exact (numpy's ``linear`` method on the concatenated ``|scores|``) but streamed in
two passes over the chunk files, so memory does not grow with the number of genes explained:
pass 1 counts values per bin of the float32 bit pattern (monotone in the value for non-negative
floats: 2^20 bins, order-independent), pass 2 keeps only the values in the bins that hold the two
order statistics the quantile interpolates between.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

_SHIFT = 12  # float32 bits >> 12: 2^20 bins of at most 4,096 distinct values each


def _bins(values: np.ndarray) -> np.ndarray:
    return values.astype(np.float32).view(np.uint32) >> _SHIFT


def streamed_quantile(chunks: Callable[[], Iterable[np.ndarray]], quantile: float) -> tuple[
        float, int]:
    """The ``quantile`` of the non-negative finite values that ``chunks()`` yields (called
    twice: one pass each), and how many values there were; ``inf`` when there are none."""
    counts = np.zeros(1 << (32 - _SHIFT), dtype=np.int64)
    for values in chunks():
        counts += np.bincount(_bins(values), minlength=len(counts))
    total = int(counts.sum())
    if not total:
        return float("inf"), 0
    position = quantile * (total - 1)  # numpy's "linear" method
    low = int(np.floor(position))
    ranks = (low, min(low + 1, total - 1))
    cumulative = np.cumsum(counts)
    wanted = np.searchsorted(cumulative, np.asarray(ranks), side="right")  # bin of each rank
    below = cumulative[wanted[0]] - counts[wanted[0]]  # values in bins before the first one
    kept = [v[np.isin(_bins(v), wanted)] for v in chunks()]
    candidates = np.sort(np.concatenate(kept).astype(np.float64))
    pair = candidates[[ranks[0] - below, ranks[1] - below]]
    return float(np.quantile(pair, position - low)), total


def _abs_scores(paths: Sequence[Path], method: str) -> Callable[[], Iterable[np.ndarray]]:
    from plantreg.expression.explain import read_scores

    def chunks() -> Iterable[np.ndarray]:
        for path in paths:
            data = read_scores(path, method)
            values = np.abs(data.methods[method][data.codes < N_CODE])
            yield values[np.isfinite(values)]

    return chunks


def run_threshold(paths: Sequence[str | Path], method: str, quantile: float) -> dict:
    """The threshold over every chunk's ``scores.npz``, with what it was computed from."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no scores .npz file given")
    threshold, bases = streamed_quantile(_abs_scores(paths, method), quantile)
    log.info("CRE threshold |%s score| ≥ %.4g: quantile %g of %d bases in %d chunk(s)", method,
             threshold, quantile, bases, len(paths))
    return {"method": method, "quantile": quantile, "threshold": threshold, "bases": bases,
            "chunks": len(paths)}


def write_threshold(record: dict, path: str | Path) -> None:
    with atomic_open(path) as handle:
        json.dump(record, handle, indent=2)
        handle.write("\n")


def load_threshold(path: str | Path) -> dict:
    """A ``threshold.json`` as written: ``method`` and a float ``threshold`` at least."""
    path = Path(path)
    try:
        record = json.loads(path.read_text())
        return {**record, "method": str(record["method"]),
                "threshold": float(record["threshold"])}
    except FileNotFoundError:
        raise InputError("threshold file not found", path) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"not a threshold file of `cre-threshold` ({err})", path) from err


def read_threshold(path: str | Path, method: str) -> float:
    """The threshold of a ``threshold.json``; it must be for ``method``."""
    record = load_threshold(path)
    if record["method"] != method:
        raise InputError(f"the threshold was computed on {record['method']!r} scores, not "
                         f"{method!r}", path)
    return record["threshold"]
