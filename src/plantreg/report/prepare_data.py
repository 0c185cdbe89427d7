"""PREPARE_DATA in the report: the chromosome split, the training windows dropped for N per
chromosome, and the promoters clipped at a chromosome end or left out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from plantreg.errors import InputError
from plantreg.report.content import table
from plantreg.report.results import Results, read_tsv

SETS = ("train", "valid", "test", "excluded")
WINDOW_COLUMNS = ["split", "length", "grid", "peak", "background", "dropped_n", "dropped_n_peak",
                  "status"]


def sections(results: Results, out: Path) -> list[str]:
    ids = []
    if split := results.one("prepare_data/split/split.json"):
        ids.append(_split(split, out))
    if windows := results.one("prepare_data/windows/windows.report.tsv"):
        frame = read_tsv(windows, ["chrom", *WINDOW_COLUMNS]).set_index("chrom")[WINDOW_COLUMNS]
        ids.append(table(out, "windows", "Training windows per chromosome",
                         "Windows of the grid, kept as peak or background windows, and dropped "
                         "because they hold N (dropped_n; dropped_n_peak of them overlapped a "
                         "peak).", frame))
    promoters = results.one("prepare_data/promoters/promoters.tsv")
    left_out = results.one("prepare_data/promoters/promoters.report.tsv")
    if promoters and left_out:
        ids.append(table(out, "promoters", "Promoters: clipped and left out",
                         "Promoters written, those clipped at a chromosome end (5′ or 3′ side), "
                         "and genes left out, by reason.", _promoters(promoters, left_out)))
    return ids


def _split(path: Path, out: Path) -> str:
    try:
        split = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read the split ({err})", path) from None
    frame = pd.DataFrame(
        {"chromosomes": [", ".join(split.get(s, [])) for s in SETS],
         "count": [len(split.get(s, [])) for s in SETS]},
        index=pd.Index(SETS, name="set"))
    return table(out, "split", "Chromosome split",
                 f"Chromosomes held out for validation and test. {split.get('method', '')}",
                 frame)


def _promoters(promoters: Path, left_out: Path) -> pd.DataFrame:
    kept = read_tsv(promoters, ["gene_id", "clipped_5p", "clipped_3p"])
    reasons = read_tsv(left_out, ["gene_id", "reason"])["reason"].value_counts(sort=False)
    counts = {"written": len(kept),
              "clipped at the 5′ side": int((kept["clipped_5p"] > 0).sum()),
              "clipped at the 3′ side": int((kept["clipped_3p"] > 0).sum()),
              **{f"left out: {reason}": int(n) for reason, n in reasons.items()}}
    return pd.DataFrame({"genes": list(counts.values())},
                        index=pd.Index(list(counts), name="promoters"))
