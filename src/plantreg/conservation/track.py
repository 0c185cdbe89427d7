"""The genome-wide conservation score on the reference (A): bedGraph + bigWig + merged TSV.

Each pair's score covers its window ``[start_a, window_end_a)`` (the ≤ 50 bp of consecutive
aligning bases it stands for); windows never overlap. Raw probabilities, never rescaled.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path

from .ensemble import SCORE_COLUMNS

log = logging.getLogger(__name__)


def read_scores(path: str | Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, sep="\t", dtype={"chrom_a": str, "chrom_b": str})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read the score table ({err})", path) from err
    if list(table.columns) != SCORE_COLUMNS:
        raise InputError(f"header must be {' '.join(SCORE_COLUMNS)}", path)
    return table


def merge_scores(paths: Sequence[str | Path], sizes_a: Mapping[str, int]) -> pd.DataFrame:
    tables = [read_scores(p) for p in paths]
    table = pd.concat(tables, ignore_index=True)
    dup = table["index"].duplicated()
    if dup.any():
        raise InputError(
            f"pair {int(table['index'][dup].iloc[0])} is scored in two tables (the halves overlap)",
            paths[0],
        )
    unknown = sorted(set(table["chrom_a"]) - set(sizes_a))
    if unknown:
        raise InputError(f"chromosome(s) not in the A sizes: {', '.join(unknown[:5])}", paths[0])
    rank = {c: i for i, c in enumerate(sizes_a)}
    table = table.assign(_r=table["chrom_a"].map(rank)).sort_values(["_r", "start_a"])
    return table.drop(columns="_r").reset_index(drop=True)


def write_track(table: pd.DataFrame, sizes_a: Mapping[str, int], prefix: str | Path) -> None:
    """``prefix.scores.tsv``, ``prefix.bedGraph`` and ``prefix.bw``."""
    prefix = Path(prefix)
    with atomic_open(f"{prefix}.scores.tsv") as handle:
        table.to_csv(handle, sep="\t", index=False)
    bed = table[["chrom_a", "start_a", "window_end_a", "score"]]
    with atomic_open(f"{prefix}.bedGraph") as handle:
        bed.to_csv(handle, sep="\t", header=False, index=False)
    with atomic_path(f"{prefix}.bw") as tmp:
        bw = pyBigWig.open(str(tmp), "w")
        try:
            bw.addHeader([(c, int(n)) for c, n in sizes_a.items()])
            for chrom, sub in bed.groupby("chrom_a", sort=False):
                bw.addEntries(
                    [str(chrom)] * len(sub),
                    sub["start_a"].to_numpy(np.int64).tolist(),
                    ends=sub["window_end_a"].to_numpy(np.int64).tolist(),
                    values=sub["score"].to_numpy(np.float64).tolist(),
                )
        finally:
            bw.close()
    log.info("conservation track: %d windows → %s.{bedGraph,bw}", len(table), prefix)
