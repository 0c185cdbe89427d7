"""The data steps of TRAIN_COEXPRESSION as file-to-file functions (the CLI calls these):
``pairs`` → ``normalise`` → ``vocabulary``. The split is made first because normalisation and
the vocabulary are fitted on the training genes only."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.coexpression import normalise as norm
from plantreg.coexpression import vocabulary as voc
from plantreg.coexpression.pairs import SPLITS, PairSettings, build_pairs, read_pairs
from plantreg.coexpression.signal import control_sum
from plantreg.coexpression.tables import (
    GENE_COLUMNS,
    PU_NOTE,
    TF_COLUMNS,
    check_rows,
    load_array,
    read_json,
    read_tsv,
    write_json,
    write_tsv,
)
from plantreg.errors import InputError
from plantreg.io import atomic_open, save_npy

log = logging.getLogger(__name__)


def run_pairs(pairs_path, genes_path, settings: PairSettings, outdir) -> dict:
    """Write ``pairs.tsv``, ``split.json``, ``pairs.report.tsv``, ``pairs.summary.json``."""
    outdir = Path(outdir)
    genes = read_tsv(genes_path, GENE_COLUMNS, "gene table")
    positives, dropped = read_pairs(pairs_path, genes["gene_id"], settings.unknown_genes)
    pairs, split, crossing = build_pairs(genes, positives, settings, pairs_path)
    train = pairs[pairs["split"] == "train"]
    if train["label"].sum() == 0:
        raise InputError(
            "no listed pair has both genes in the training split (too few pairs for a "
            "gene-disjoint split?)",
            pairs_path,
        )
    report = pd.concat([dropped, crossing], ignore_index=True)
    counts = pairs.groupby(["split", "label"]).size()
    summary = {
        "note": PU_NOTE,
        "listed_pairs_kept": int(len(positives)),
        "dropped": report["reason"].value_counts().to_dict(),
        "pairs": {
            s: {"listed": int(counts.get((s, 1), 0)), "unlabelled": int(counts.get((s, 0), 0))}
            for s in SPLITS
        },
        "genes": {s: int(len(split[s])) for s in SPLITS},
        "settings": settings.__dict__,
    }
    write_tsv(pairs, outdir / "pairs.tsv")
    write_tsv(report, outdir / "pairs.report.tsv")
    write_json(
        {**{s: split[s].tolist() for s in SPLITS}, "method": settings.method}, outdir / "split.json"
    )
    write_json(summary, outdir / "pairs.summary.json")
    for reason, n in summary["dropped"].items():
        log.warning("%s: %d listed pair(s) dropped: %s (see pairs.report.tsv)", pairs_path, n,
                    reason)
    return summary


def read_split(path) -> dict[str, list[str]]:
    split = read_json(path, "split file")
    if not all(isinstance(split.get(s), list) for s in SPLITS):
        raise InputError(f"split file needs lists {', '.join(SPLITS)}", path)
    return split


def run_normalise(signal_prefix, split_path, settings: norm.NormSettings, out_prefix) -> None:
    """Write ``PREFIX.signal.npy``, ``.genes.tsv``, ``.tfs.tsv``, ``.report.tsv``, ``.json``."""
    signal_prefix, out_prefix = str(signal_prefix), str(out_prefix)
    genes = read_tsv(f"{signal_prefix}.genes.tsv", GENE_COLUMNS, "gene table")
    tfs = read_tsv(f"{signal_prefix}.tfs.tsv", TF_COLUMNS, "TF table")
    signal = load_array(f"{signal_prefix}.signal.npy", "signal array", 3)
    check_rows(signal, len(genes), f"{signal_prefix}.signal.npy", f"{signal_prefix}.genes.tsv")
    control, control_sum = _control(signal_prefix, settings, len(genes))
    split = read_split(split_path)
    kept_genes, kept_tfs, params, report = norm.normalise(
        signal,
        control,
        genes,
        tfs,
        set(split["train"]),
        settings,
        control_sum,
        f"{out_prefix}.signal.npy",
    )
    write_tsv(kept_genes, f"{out_prefix}.genes.tsv")
    write_tsv(kept_tfs, f"{out_prefix}.tfs.tsv")
    write_tsv(report, f"{out_prefix}.report.tsv")
    write_json(params, f"{out_prefix}.json")


def _control(prefix: str, settings: norm.NormSettings, n_genes: int):
    path = Path(f"{prefix}.control.npy")
    if not settings.control or not path.exists():
        if settings.control:
            log.info("no control array beside %s; input subtraction skipped", prefix)
        settings.control = False
        return None, None
    control = load_array(path, "control array", 2)
    check_rows(control, n_genes, path, f"{prefix}.genes.tsv")
    report = read_tsv(f"{prefix}.report.tsv", ["track", "kind", "sum_data"], "extraction report")
    rows = report[report["kind"] == "control"]
    if rows.empty:
        raise InputError("no control row (its sumData is needed)", f"{prefix}.report.tsv")
    # one row per control file (per shard after gather): several files are one mean control
    return control, control_sum(rows.drop_duplicates("track")["sum_data"].tolist())


def run_vocabulary(
    norm_prefix, split_path, window: int, stride: int, aggregate: str, k: int, seed: int, outdir
) -> pd.DataFrame:
    """Window vectors, the fitted vocabulary, tokens, the token report and its heat-map."""
    outdir = Path(outdir)
    norm_prefix = str(norm_prefix)
    genes = read_tsv(f"{norm_prefix}.genes.tsv", GENE_COLUMNS, "gene table")
    tfs = read_tsv(f"{norm_prefix}.tfs.tsv", TF_COLUMNS, "TF table")
    signal = load_array(f"{norm_prefix}.signal.npy", "normalised signal", 3)
    check_rows(signal, len(genes), f"{norm_prefix}.signal.npy", f"{norm_prefix}.genes.tsv")
    try:
        vectors = voc.window_vectors(signal, window, stride, aggregate)
    except InputError as err:
        raise InputError(str(err), f"{norm_prefix}.signal.npy") from None
    split = read_split(split_path)
    train_rows = np.flatnonzero(genes["gene_id"].isin(split["train"]).to_numpy())
    vocab = voc.fit_vocabulary(
        vectors, train_rows, k, list(tfs["tf"]), window, stride, aggregate, seed, str(split_path)
    )
    tokens = voc.tokenize(vectors, vocab)
    report = voc.token_report(vocab, tokens)
    save_npy(outdir / "windows.npy", vectors)
    save_npy(outdir / "tokens.npy", tokens)
    save_npy(outdir / "centroids.npy", vocab.centroids)
    write_tsv(genes, outdir / "genes.tsv")
    write_tsv(report, outdir / "tokens.report.tsv")
    write_json(
        {
            **vocab.meta(),
            "n_train_windows_fitted": int(len(train_rows) * vectors.shape[1]),
            "seed": seed,
        },
        outdir / "vocabulary.json",
    )
    with atomic_open(outdir / "tfs.txt") as handle:  # one TF per line: the tag order
        handle.write("\n".join(vocab.tfs) + "\n")
    voc.plot_vocabulary(vocab, report, str(outdir / "vocabulary.png"))
    return report
