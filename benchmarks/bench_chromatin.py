#!/usr/bin/env python
"""TRAIN_CHROMATIN → CROSS_SPECIES_INFERENCE on the simulator's ``bench`` or ``grammar`` preset:
measures, never asserts.

Runs PREPARE_DATA, TRAIN_CHROMATIN and CROSS_SPECIES_INFERENCE through the one-machine runner on
species A (5 × 6 Mb), paints species B genome-wide and scores it against B's planted truth, then
prints, per mark, the AUROC/AUPRC of the model and of the k-mer baseline within species (A's test
chromosome, its peak labels) and across species (B, its truth), the wall time of each stage, and a
pyBigWig check of every exported track: chromosomes and lengths equal to the ``.size`` file, no
overlap between intervals, every gap a whole number of skipped windows, and every grid window
either predicted or counted as N in ``predict.report.tsv``. It also prints the time to beat the
baseline: the k-mer baseline is scored on the validation windows training validated on, and the
first epoch whose validation mean AUPRC exceeds it is read from ``metrics.tsv`` (wall seconds,
validation included); ``learning_curve.png`` in the work folder draws the curve with that line.

    .venv/bin/python benchmarks/bench_chromatin.py                     # bench, 20 epochs: ~25 min
    .venv/bin/python benchmarks/bench_chromatin.py --preset grammar    # ~5 min, 2 cores
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import yaml

from plantreg.cli.main import main as cli

STAGES = ("prepare_data", "train_chromatin", "cross_species_inference")
PRESETS = {  # simulator preset → (simulation folder, settings that differ from the options)
    "bench": (Path("bench_out/sim"), {}),
    "grammar": (Path("bench_out/sim_grammar"), {"valid_chroms": "Chr2", "test_chroms": "Chr1"}),
}
SIM = PRESETS["bench"][0]


def simulate(preset: str) -> None:
    if not (SIM / "speciesA" / "samplesheet.csv").exists():
        subprocess.run([sys.executable, "-m", "plantreg.cli.main", "simulate", "--preset", preset,
                        "--seed", "7", "--outdir", str(SIM)], check=True)


def write_params(work: Path, args: argparse.Namespace) -> Path:
    params = {
        **PRESETS[args.preset][1],
        "input": str(SIM / "speciesA" / "samplesheet.csv"),
        "fasta": str(SIM / "speciesA" / "genome.fa"),
        "gff": str(SIM / "speciesA" / "genes.gff3"),
        "outdir": str(work / "results"),
        "train_stride": args.train_stride,
        "seed": 0,
        "chromatin_epochs": args.epochs,
        "chromatin_patience": args.patience,
        "target_fasta": str(SIM / "speciesB" / "genome.fa"),
        "target_truth": str(SIM / "truth" / "speciesB" / "marks.tsv"),
        "predict_stride": args.predict_stride,
    }
    work.mkdir(parents=True, exist_ok=True)
    path = work / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def run_stages(params: Path) -> dict[str, float]:
    seconds = {}
    for stage in STAGES:
        started = time.perf_counter()
        try:
            cli(["run", str(params), "--stage", stage])
        except SystemExit as exc:
            if exc.code:
                raise RuntimeError(f"stage {stage} failed (exit {exc.code})") from exc
        seconds[stage] = time.perf_counter() - started
    return seconds


def check_tracks(cross: Path, stride: int, window: int) -> list[str]:
    """One line per track; raises when a track does not tile its genome as documented."""
    sizes = dict(pd.read_csv(cross / "genome" / "target.size", sep="\t", header=None).values)
    reports = sorted((cross / "predictions").glob("chunk_*/predict.report.tsv"))  # one per chunk
    report = pd.concat([pd.read_csv(path, sep="\t") for path in reports], ignore_index=True)
    dropped = int(report["dropped_n"].sum())
    grid = sum((n - window) // stride + 1 for n in sizes.values() if n >= window)
    if grid != int(report["grid"].sum()):
        raise AssertionError(f"the report's grid {report['grid'].sum()} is not {grid} windows")
    lines = []
    for path in sorted((cross / "tracks").glob("*.bw")):
        bw = pyBigWig.open(str(path))
        if bw.chroms() != sizes:
            raise AssertionError(f"{path}: chromosomes {bw.chroms()} differ from {sizes}")
        n_values = 0
        for chrom in sizes:
            entries = np.asarray(bw.intervals(chrom) or [], dtype=np.float64).reshape(-1, 3)
            gaps = entries[1:, 0] - entries[:-1, 1]
            if (gaps < 0).any() or (gaps % stride).any():
                raise AssertionError(f"{path}: {chrom} has overlapping or partial-window gaps")
            if ((entries[:, 2] < 0) | (entries[:, 2] > 1)).any():
                raise AssertionError(f"{path}: {chrom} has values outside [0, 1]")
            n_values += len(entries)
        bw.close()
        if n_values + dropped != grid:
            raise AssertionError(f"{path}: {n_values} windows + {dropped} N ≠ grid {grid}")
        lines.append(f"{path.name}: {len(sizes)} chromosomes, {n_values:,} windows "
                     f"(+ {dropped:,} skipped for N = the {grid:,}-window grid), no overlap")
    return lines


def per_mark(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, sep="\t")
    return table[["mark", "n_pos", "auroc", "auprc", "baseline_auroc", "baseline_auprc"]]


def time_to_beat_baseline(results: Path, work: Path) -> str:
    """Seconds of training until the validation mean AUPRC first beats the k-mer baseline's on
    the same validation windows; draws the learning curve with the baseline's line."""
    from sklearn.metrics import average_precision_score

    from plantreg.chromatin.baseline import KmerBaseline
    from plantreg.chromatin.curve import plot_learning_curve, read_history, seconds_to_reach
    from plantreg.chromatin.dataset import ChromatinDataset, read_tags
    from plantreg.chromatin.train import TrainSettings, validation_rows
    from plantreg.training.metrics import binarize

    dataset = results / "prepare_data" / "dataset"
    tags = read_tags(dataset / "tags.txt")
    valid = ChromatinDataset(dataset, "valid", tags)
    settings = TrainSettings()
    rows = validation_rows(valid, settings.valid_windows, settings.seed)
    codes, labels = (np.asarray(a)[rows] for a in valid.arrays())
    train_codes, train_labels = ChromatinDataset(dataset, "train", tags).arrays()
    probs = KmerBaseline().fit(train_codes, train_labels).predict_proba(codes)
    y = binarize(labels)
    baseline = float(np.mean([average_precision_score(y[:, j], probs[:, j])
                              for j in range(len(tags))]))
    metrics = results / "train_chromatin" / "model" / "metrics.tsv"
    history = read_history(metrics)
    plot_learning_curve(metrics, work / "learning_curve.png",
                        baselines={"k-mer baseline (validation)": baseline})
    reached = seconds_to_reach(history, baseline)
    epoch = history.loc[history["mean_auprc"] > baseline, "epoch"]
    return (f"time to beat the k-mer baseline on validation (mean AUPRC {baseline:.3f}): "
            f"{reached:.0f} s (epoch {int(epoch.iloc[0]) if len(epoch) else '-'}); best "
            f"{history['mean_auprc'].max():.3f} after {history['wall_seconds'].iloc[-1]:.0f} s "
            f"of training; curve: {work / 'learning_curve.png'}")


def main() -> None:
    global SIM
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="bench")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--epochs", type=int, default=None, help="default: 20 bench, 14 grammar")
    parser.add_argument("--patience", type=int, default=4)
    parser.add_argument("--train-stride", type=int, default=None, help="default: 256 / 64")
    parser.add_argument("--predict-stride", type=int, default=128)
    args = parser.parse_args()
    grammar = args.preset == "grammar"
    args.epochs = args.epochs or (14 if grammar else 20)
    args.train_stride = args.train_stride or (64 if grammar else 256)
    SIM = PRESETS[args.preset][0]
    simulate(args.preset)
    work = Path(args.workdir or f"bench_out/chromatin_{args.preset}")
    seconds = run_stages(write_params(work, args))
    results = work / "results"
    for name, path in (("species A, test chromosome (peaks)",
                        results / "train_chromatin" / "evaluate" / "evaluation.tsv"),
                       ("species B, genome-wide (planted truth)",
                        results / "cross_species_inference" / "score" / "evaluation.tsv")):
        table = per_mark(path)
        print(f"\n{name}\n{table.to_string(index=False, float_format='%.3f')}")
        print(f"mean: model AUROC {table.auroc.mean():.3f} AUPRC {table.auprc.mean():.3f}; "
              f"k-mer baseline AUROC {table.baseline_auroc.mean():.3f} "
              f"AUPRC {table.baseline_auprc.mean():.3f}")
    print("\nstage wall time: " + ", ".join(f"{s} {t:.0f} s" for s, t in seconds.items()))
    print(time_to_beat_baseline(results, work))
    window = int(np.load(results / "prepare_data" / "dataset" / "train.seq.npy",
                         mmap_mode="r").shape[1])
    print("\n".join(check_tracks(results / "cross_species_inference", args.predict_stride,
                                 window)))


if __name__ == "__main__":
    main()
