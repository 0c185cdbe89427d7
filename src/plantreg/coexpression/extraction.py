"""The ``extract`` and ``gather`` steps: promoter signal arrays with their gene and TF tables.

``extract`` writes, for one chromosome (a Nextflow shard) or all of them:
``PREFIX.signal.npy`` (genes × TFs × L), ``PREFIX.control.npy`` (genes × L, only with a control;
with several control bigWigs their per-base mean, see :mod:`plantreg.coexpression.signal`),
``PREFIX.genes.tsv`` (the gene rows, promoter-table order), ``PREFIX.tfs.tsv`` (TF order, file,
bigWig ``sumData`` for depth scaling) and ``PREFIX.report.tsv`` (per track, one row per control
file too: bases without data, chromosomes missing). ``gather`` joins shards back into
promoter-table order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.coexpression.signal import TrackStats, extract_control, extract_signal, track_name
from plantreg.coexpression.tables import (
    GENE_COLUMNS,
    TF_COLUMNS,
    load_array,
    read_promoters,
    read_tsv,
    write_tsv,
)
from plantreg.errors import InputError
from plantreg.io import atomic_path

log = logging.getLogger(__name__)

CONTROL_NAME = "control"


def select_chroms(promoters: pd.DataFrame, chroms: Sequence[str], path: str | Path):
    if not chroms:
        return promoters
    unknown = sorted(set(chroms) - set(promoters["chrom"]))
    if unknown:
        raise InputError(f"no promoter on chromosome(s) {', '.join(unknown)}", path)
    return promoters[promoters["chrom"].isin(chroms)].reset_index(drop=True)


def _tf_table(stats: list[TrackStats]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tf": [s.name for s in stats],
            "file": [Path(s.path).name for s in stats],
            "sum_data": [s.sum_data for s in stats],
            "covered_bases": [s.covered_bases for s in stats],
        }
    )


def _report(stats: list[TrackStats], controls: list[TrackStats]) -> pd.DataFrame:
    rows = [(s, "tf") for s in stats] + [(c, CONTROL_NAME) for c in controls]
    return pd.DataFrame(
        {
            "track": [s.name for s, _ in rows],
            "kind": [kind for _, kind in rows],
            "sum_data": [s.sum_data for s, _ in rows],
            "no_data_bases": [s.no_data_bases for s, _ in rows],
            "missing_chroms": [",".join(s.missing_chroms) or "." for s, _ in rows],
        }
    )


def run_extract(
    promoters_path: str | Path,
    bigwigs: Sequence[str | Path],
    sizes: Mapping[str, int],
    prefix: str | Path,
    control: str | Path | Sequence[str | Path] | None = None,
    name_map: Mapping[str, str] | None = None,
    chroms: Sequence[str] = (),
    no_data: str = "zero",
) -> pd.DataFrame:
    """Extract every TF (and the control) for the selected promoters; return the gene table.

    ``control``: one input-control bigWig or several; several give their per-base mean.
    """
    if not bigwigs:
        raise InputError("no DAP-seq bigWig given", promoters_path)
    controls = _as_list(control)
    tf_names = {track_name(b) for b in bigwigs}
    for path in controls:
        if track_name(path) in tf_names:
            raise InputError("the control has the same name as a TF bigWig", path)
    genes = select_chroms(read_promoters(promoters_path), chroms, promoters_path)
    prefix = str(prefix)
    stats = extract_signal(genes, bigwigs, f"{prefix}.signal.npy", sizes, name_map, no_data)
    ctrl: list[TrackStats] = []
    if controls:
        ctrl = extract_control(genes, controls, f"{prefix}.control.npy", sizes, name_map, no_data)
        if len(controls) > 1:
            log.info("control: per-base mean of %d bigWigs", len(controls))
    write_tsv(_tf_table(stats), f"{prefix}.tfs.tsv")
    write_tsv(_report(stats, ctrl), f"{prefix}.report.tsv")
    write_tsv(genes[GENE_COLUMNS], f"{prefix}.genes.tsv")
    n_masked = sum(len(s.missing_chroms) for s in stats)
    log.info(
        "extracted %d promoters x %d TFs x %d bp (%d TF/chromosome pairs masked)",
        len(genes),
        len(bigwigs),
        int(genes["length"].iloc[0]),
        n_masked,
    )
    return genes


def _as_list(control) -> list[str | Path]:
    if control is None:
        return []
    if isinstance(control, (str, Path)):
        return [control]
    return list(control)


def _shard(prefix: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray | None]:
    genes = read_tsv(f"{prefix}.genes.tsv", GENE_COLUMNS, "gene table")
    tfs = read_tsv(f"{prefix}.tfs.tsv", TF_COLUMNS, "TF table")
    signal = load_array(f"{prefix}.signal.npy", "signal array", 3)
    if signal.shape[:2] != (len(genes), len(tfs)):
        raise InputError(
            f"shape {signal.shape} does not match {len(genes)} genes x {len(tfs)} TFs",
            f"{prefix}.signal.npy",
        )
    ctrl_path = Path(f"{prefix}.control.npy")
    control = load_array(ctrl_path, "control array", 2) if ctrl_path.exists() else None
    return genes, tfs, signal, control


def run_gather(shard_prefixes: Sequence[str], promoters_path: str | Path, prefix: str) -> None:
    """Join per-chromosome shards into one set of arrays, in promoter-table order."""
    promoters = read_promoters(promoters_path)
    shards = [_shard(str(p)) for p in shard_prefixes]
    if not shards:
        raise InputError("no shard to gather", promoters_path)
    tfs = shards[0][1]
    for p, shard in zip(shard_prefixes, shards, strict=True):
        if list(shard[1]["tf"]) != list(tfs["tf"]):
            raise InputError("TF order differs from the first shard's", f"{p}.tfs.tsv")
    genes = pd.concat([s[0] for s in shards], ignore_index=True)
    where = pd.Series(np.arange(len(genes)), index=genes["gene_id"])
    if where.index.duplicated().any():
        raise InputError("a gene appears in two shards", f"{shard_prefixes[0]}.genes.tsv")
    absent = sorted(set(promoters["gene_id"]) - set(where.index))
    if absent:
        raise InputError(
            f"{len(absent)} promoter(s) in no shard, e.g. {absent[0]} (a chromosome shard is "
            "missing)",
            promoters_path,
        )
    order = where.loc[promoters["gene_id"]].to_numpy()
    _concat_rows([s[2] for s in shards], order, f"{prefix}.signal.npy")
    if all(s[3] is not None for s in shards):
        _concat_rows([s[3] for s in shards], order, f"{prefix}.control.npy")
    write_tsv(genes.iloc[order][GENE_COLUMNS], f"{prefix}.genes.tsv")
    write_tsv(tfs, f"{prefix}.tfs.tsv")
    reports = [read_tsv(f"{p}.report.tsv", ["track"], "report") for p in shard_prefixes]
    write_tsv(pd.concat(reports, ignore_index=True), f"{prefix}.report.tsv")


def _concat_rows(parts: list[np.ndarray], order: np.ndarray, path: str) -> None:
    """Rows of the concatenated parts, reordered by ``order``, written gene by gene block."""
    offsets = np.cumsum([0] + [len(p) for p in parts])
    shape = (int(offsets[-1]), *parts[0].shape[1:])
    with atomic_path(path) as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=shape)
        for i, src in enumerate(order):
            part = int(np.searchsorted(offsets, src, side="right") - 1)
            out[i] = parts[part][src - offsets[part]]
        out.flush()
        del out
