"""The ``plantreg conservation`` command group: LECIF-style conservation between two species.

Thin: parse, call ``plantreg.conservation``, write outputs. Species A is the reference.
Library modules (torch, scikit-learn, pandas) are imported inside the commands so that
``plantreg --help`` and every other group start without them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from plantreg.errors import InputError
from plantreg.genome.fasta import read_sizes
from plantreg.io import atomic_open
from plantreg.threads import set_threads, threads_option

if TYPE_CHECKING:
    from plantreg.conservation.train import TrainSettings

app = typer.Typer(no_args_is_help=True)
log = logging.getLogger(__name__)

_SIDE = {"A": ("chrom_a", "start_a"), "B": ("chrom_b", "start_b")}


@app.command("regions")
def regions_cmd(
    axt: Path = typer.Option(..., "--axt", help="axtNet (gzipped or not), A = reference."),
    sizes_a: Path = typer.Option(..., "--sizes-a"),
    sizes_b: Path = typer.Option(..., "--sizes-b"),
    out: Path = typer.Option(
        ...,
        "--out",
        help="Region-pair TSV: without --chrom the final indexed table (every A chromosome, "
        "in A sizes order); with --chrom that chromosome's part for merge-regions.",
    ),
    chrom: str = typer.Option(
        None,
        "--chrom",
        help="Only this A chromosome (the scatter form; each reads the whole axt). "
        "Default: every chromosome in one pass over the axt.",
    ),
    bin_size: int = typer.Option(50, "--bin-size"),
) -> None:
    """Region pairs: first base of every ≤ bin-size window of consecutive aligning A bases."""
    from plantreg.conservation import regions

    sa, sb = read_sizes(sizes_a), read_sizes(sizes_b)
    if chrom is None:
        regions.write_all_regions(axt, sa, sb, out, bin_size)
    else:
        regions.write_regions(axt, sa, sb, out, chrom, bin_size)


@app.command("merge-regions")
def merge_regions_cmd(
    parts: list[Path] = typer.Argument(..., help="Per-chromosome region TSVs (regions --chrom)."),
    sizes_a: Path = typer.Option(..., "--sizes-a"),
    out: Path = typer.Option(..., "--out"),
) -> None:
    """Concatenate per-chromosome pairs in A order and give each a stable index."""
    from plantreg.conservation import regions

    regions.merge_regions(list(parts), read_sizes(sizes_a), out)


@app.command("features")
def features_cmd(
    pairs: Path = typer.Option(..., "--pairs"),
    species: str = typer.Option(..., "--species", help="A or B: which side of the pairs."),
    sizes: Path = typer.Option(..., "--sizes"),
    outdir: Path = typer.Option(..., "--outdir"),
    peaks: list[Path] = typer.Option([], "--peaks", help="Peak BED/narrowPeak (repeat)."),
    states: list[Path] = typer.Option([], "--states", help="Segmentation BED (repeat)."),
    state_labels: str = typer.Option("", "--state-labels", help="Comma list; default: found."),
    cage: Path = typer.Option(None, "--cage", help="CAGE-like matrix TSV."),
    signal: list[Path] = typer.Option([], "--signal", help="Signal bigWig (repeat)."),
    fail_on_constant: bool = typer.Option(False, "--fail-on-constant"),
) -> None:
    """Feature store (bit-packed binary + float16 signal) for one species' side of the pairs."""
    from plantreg.conservation import features, regions

    if species not in _SIDE:
        raise InputError(f"--species must be A or B, got {species!r}")
    table = regions.read_regions(pairs, with_index=True)
    chrom_col, pos_col = _SIDE[species]
    points = features.Points.from_arrays(table[chrom_col].to_numpy(), table[pos_col].to_numpy())
    inputs = features.Inputs(
        peaks, states, cage, signal, state_labels.split(",") if state_labels else None
    )
    features.build_features(points, inputs, read_sizes(sizes), outdir, species, fail_on_constant)


@app.command("partition")
def partition_cmd(
    pairs: Path = typer.Option(..., "--pairs"),
    sizes_a: Path = typer.Option(..., "--sizes-a"),
    sizes_b: Path = typer.Option(..., "--sizes-b"),
    outdir: Path = typer.Option(..., "--outdir"),
    split_file: Path = typer.Option(None, "--split-file", help="LECIF splitData_args.txt."),
    held_out_a: str = typer.Option("", "--held-out-a"),
    held_out_b: str = typer.Option("", "--held-out-b"),
) -> None:
    """Mirror halves (odd/even) → outdir/partition.json and outdir/splitData_args.txt."""
    from plantreg.conservation import partition, regions

    sa, sb = read_sizes(sizes_a), read_sizes(sizes_b)
    if split_file is not None:
        part = partition.read_split_args(split_file)
        partition.check_names(part, sa, sb, split_file)
    else:
        table = regions.read_regions(pairs, with_index=True)
        part = partition.auto_partition(table, sa, sb, _list(held_out_a), _list(held_out_b))
    partition.write_partition_json(part, outdir / "partition.json")
    partition.write_split_args(part, outdir / "splitData_args.txt")


@app.command("negatives")
def negatives_cmd(
    pairs: Path = typer.Option(..., "--pairs"),
    partition_json: Path = typer.Option(..., "--partition"),
    outdir: Path = typer.Option(..., "--outdir"),
    seed: int = typer.Option(0, "--seed"),
    valid_size: int = typer.Option(0, "--valid-size", help="Validation positives; 0 = all."),
    test_size: int = typer.Option(0, "--test-size", help="Test positives; 0 = all."),
) -> None:
    """Examples per half and set: aligned pairs + shuffled-B negatives (own shuffle per set)."""
    from plantreg.conservation import negatives, partition, regions

    table = regions.read_regions(pairs, with_index=True)
    part = partition.read_partition_json(partition_json)
    negatives.write_examples(table, part, outdir, seed, valid_size, test_size)


@app.command("import-lecif")
def import_lecif_cmd(
    outdir: Path = typer.Option(..., "--outdir"),
    n_features_a: int = typer.Option(..., "--n-features-a", help="e.g. 8824 for human."),
    n_features_b: int = typer.Option(..., "--n-features-b", help="e.g. 3113 for mouse."),
    training: list[Path] = typer.Option(..., "--training", help="A, B, shuffled B (3 times)."),
    validation: list[Path] = typer.Option(..., "--validation", help="A, B, shuffled B."),
    test: list[Path] = typer.Option([], "--test", help="A, B, shuffled B (optional)."),
    signal_from_a: int = typer.Option(None, "--signal-from-a", help="First RNA-seq index."),
    signal_from_b: int = typer.Option(None, "--signal-from-b"),
) -> None:
    """LECIF's processed .h/.m files → feature stores + training/validation/test examples."""
    from plantreg.conservation import lecif_import

    sets = []
    for name, files in (("training", training), ("validation", validation), ("test", test)):
        if not files and name == "test":
            continue
        if len(files) != 3:
            raise InputError(f"--{name} needs exactly 3 files (A, B, shuffled B), got {len(files)}")
        sets.append(lecif_import.LecifSet(name, *files))
    lecif_import.import_lecif(
        sets, n_features_a, n_features_b, outdir, signal_from_a, signal_from_b
    )


def _settings(neg_ratio, max_epochs, patience, min_epochs, train_size, device) -> TrainSettings:
    from plantreg.conservation.train import TrainSettings

    return TrainSettings(neg_ratio, max_epochs, patience, min_epochs, train_size, device)


def _load_sets(features_a: Path, features_b: Path, train: Path, valid: Path):
    from plantreg.conservation import negatives
    from plantreg.conservation.store import FeatureStore

    return (
        FeatureStore(features_a),
        FeatureStore(features_b),
        negatives.read_examples(train),
        negatives.read_examples(valid),
    )


_THREADS = threads_option()  # --threads, declared once in plantreg.threads
_FA = typer.Option(..., "--features-a", help="Feature store folder of A.")
_FB = typer.Option(..., "--features-b", help="Feature store folder of B.")
# Options shared by `search` and `train`: one network trained with the shared loop.
_SEED = typer.Option(0, "--seed", help="Seed of the network's initialisation and data order.")
_NEG_RATIO = typer.Option(50.0, "--neg-ratio", help="Weight of a negative relative to a positive.")
_MAX_EPOCHS = typer.Option(30, "--max-epochs", help="Maximum epochs.")
_PATIENCE = typer.Option(3, "--patience", help="Epochs without a better validation AUROC.")
_MIN_EPOCHS = typer.Option(5, "--min-epochs", help="Warm-up epochs before early stopping.")
_DEVICE = typer.Option("auto", "--device", help="auto, cpu or cuda.")
_OUTDIR = typer.Option(..., "--outdir", help="Output folder of this network.")


@app.command("search")
def search_cmd(
    features_a: Path = _FA,
    features_b: Path = _FB,
    train: Path = typer.Option(..., "--train", help="Training examples .npy."),
    valid: Path = typer.Option(..., "--valid", help="Validation examples .npy."),
    trial: int = typer.Option(..., "--trial", help="Trial number (draws the settings)."),
    outdir: Path = _OUTDIR,
    seed: int = _SEED,
    neg_ratio: float = _NEG_RATIO,
    max_epochs: int = _MAX_EPOCHS,
    patience: int = _PATIENCE,
    min_epochs: int = _MIN_EPOCHS,
    train_size: int = typer.Option(0, "--train-size", help="Positives used; 0 = all."),
    threads: int = _THREADS,
    device: str = _DEVICE,
) -> None:
    """One random-search trial: random settings, the same data as every trial."""
    from plantreg.conservation import search
    from plantreg.conservation.train import train_network

    set_threads(threads)
    hp = search.sample_hyper_params(seed, trial)
    sa, sb, tr, va = _load_sets(features_a, features_b, train, valid)
    settings = _settings(neg_ratio, max_epochs, patience, min_epochs, train_size, device)
    # every trial uses the same subset: the subset seed is fixed, the init seed is the trial's
    summary = train_network(
        sa, sb, tr, va, hp, seed, outdir, settings, {"train": str(train), "valid": str(valid)}
    )
    summary["trial"] = trial
    with atomic_open(outdir / "summary.json") as handle:
        json.dump(summary, handle, indent=2)


@app.command("select")
def select_cmd(
    summaries: list[Path] = typer.Argument(..., help="summary.json of every trial."),
    out_table: Path = typer.Option(..., "--out-table"),
    out_best: Path = typer.Option(..., "--out-best"),
) -> None:
    """Table of all trials and the best settings by validation AUROC."""
    from plantreg.conservation import search

    search.collect_trials(list(summaries), out_table, out_best)


@app.command("train")
def train_cmd(
    features_a: Path = _FA,
    features_b: Path = _FB,
    train: Path = typer.Option(..., "--train"),
    valid: Path = typer.Option(..., "--valid"),
    best: Path = typer.Option(..., "--best", help="best.json from `select`."),
    member: int = typer.Option(..., "--member", help="Ensemble member (0-based)."),
    outdir: Path = _OUTDIR,
    seed: int = _SEED,
    neg_ratio: float = _NEG_RATIO,
    max_epochs: int = _MAX_EPOCHS,
    patience: int = _PATIENCE,
    min_epochs: int = _MIN_EPOCHS,
    train_size: int = typer.Option(0, "--train-size", help="Random positives per member; 0 = all."),
    threads: int = _THREADS,
    device: str = _DEVICE,
) -> None:
    """One ensemble member: best settings, its own seed and random training subset."""
    from plantreg.conservation import ensemble, search
    from plantreg.conservation.train import train_network

    set_threads(threads)
    sa, sb, tr, va = _load_sets(features_a, features_b, train, valid)
    settings = _settings(neg_ratio, max_epochs, patience, min_epochs, train_size, device)
    train_network(
        sa,
        sb,
        tr,
        va,
        search.read_best(best),
        ensemble.member_seed(seed, member),
        outdir,
        settings,
        {"train": str(train), "valid": str(valid), "member": member},
    )


@app.command("predict")
def predict_cmd(
    checkpoint: Path = typer.Option(..., "--checkpoint"),
    features_a: Path = _FA,
    features_b: Path = _FB,
    examples: list[Path] = typer.Option(..., "--examples", help="Examples .npy (repeat)."),
    out: list[Path] = typer.Option(..., "--out", help="Scores .npy, one per --examples."),
    threads: int = _THREADS,
) -> None:
    """Probabilities of one network for each examples file."""
    from plantreg.conservation import negatives
    from plantreg.conservation.predict import predict_examples
    from plantreg.conservation.store import FeatureStore
    from plantreg.io import save_npy

    if len(examples) != len(out):
        raise InputError(f"{len(examples)} --examples but {len(out)} --out")
    set_threads(threads)
    sa, sb = FeatureStore(features_a), FeatureStore(features_b)
    for ex_path, out_path in zip(examples, out, strict=True):
        save_npy(out_path, predict_examples(checkpoint, sa, sb, negatives.read_examples(ex_path)))


@app.command("average")
def average_cmd(
    pairs: Path = typer.Option(..., "--pairs"),
    examples: Path = typer.Option(..., "--examples", help="The prediction examples scored."),
    scores: list[Path] = typer.Argument(..., help="One scores .npy per network."),
    out: Path = typer.Option(..., "--out", help="Pair scores TSV."),
) -> None:
    """Mean of the ensemble's probabilities per pair → TSV."""
    from plantreg.conservation import ensemble, negatives, regions

    ex = negatives.read_examples(examples)
    table = regions.read_regions(pairs, with_index=True)
    ensemble.write_pair_scores(table, ex, ensemble.load_scores(scores, len(ex)), out)


@app.command("track")
def track_cmd(
    scores: list[Path] = typer.Argument(..., help="Pair score TSVs (both halves)."),
    sizes_a: Path = typer.Option(..., "--sizes-a"),
    out_prefix: Path = typer.Option(..., "--out-prefix"),
) -> None:
    """Genome-wide score on A: prefix.scores.tsv, prefix.bedGraph, prefix.bw."""
    from plantreg.conservation import track

    sizes = read_sizes(sizes_a)
    track.write_track(track.merge_scores(list(scores), sizes), sizes, out_prefix)


@app.command("evaluate")
def evaluate_cmd(
    examples: list[Path] = typer.Option(..., "--examples", help="Test examples (per half)."),
    scores: list[str] = typer.Option(
        ..., "--scores", help="Comma list of network score .npy, one per --examples."
    ),
    halves: str = typer.Option("odd,even", "--halves", help="Names, one per --examples."),
    out: Path = typer.Option(..., "--out", help="Metrics TSV."),
    truth: Path = typer.Option(None, "--truth", help="Simulator conservation.tsv."),
    pair_scores: Path = typer.Option(None, "--pair-scores", help="Merged scores TSV (truth)."),
    out_truth: Path = typer.Option(None, "--out-truth", help="Per-element scores TSV."),
) -> None:
    """Test AUROC/AUPRC of each network and the ensemble; optional kept-vs-lost separation."""
    names = _list(halves)
    if not len(examples) == len(scores) == len(names):
        raise InputError("give one --scores list and one half name per --examples")
    import pandas as pd

    from plantreg.conservation import ensemble, evaluate, negatives, track

    tables = []
    for name, ex_path, files in zip(names, examples, scores, strict=True):
        ex = negatives.read_examples(ex_path)
        arr = ensemble.load_scores(_list(files), len(ex))
        tables.append(evaluate.test_metrics(ex, arr, name))
    evaluate.write_metrics(pd.concat(tables, ignore_index=True), out)
    if truth is not None:
        if pair_scores is None or out_truth is None:
            raise InputError("--truth needs --pair-scores and --out-truth")
        elements = evaluate.element_scores(
            track.read_scores(pair_scores), evaluate.read_truth(truth)
        )
        sep = evaluate.separation(elements)
        evaluate.write_metrics(elements, out_truth)
        with atomic_open(out_truth.with_suffix(".summary.json")) as handle:
            json.dump(sep, handle, indent=2)
        log.info(
            "kept vs lost: AUROC %.3f (mean %.3f vs %.3f)",
            sep["kept_vs_lost_auroc"],
            sep["mean_kept"],
            sep["mean_lost"],
        )


def _list(text: str) -> list[str]:
    return [t for t in (text or "").split(",") if t]
