#!/usr/bin/env python
"""TRAIN_CHROMATIN's cost per epoch, before and after sampled epochs: measures, never asserts.

On one prepared dataset (the simulator's ``grammar`` or ``bench`` preset, species A, PREPARE_DATA
through the one-machine runner), one epoch of the ``small`` model is trained twice, in the same
process, with the same seed:

* before (issue 12): an epoch is a full pass over every training window of the overlapping grid
  on both strands, validated on every validation window, without pair detectors or seeding
  (``grammar_filters=0``, ``motif_seeds=0``);
* after: the defaults (an epoch samples about one sight of each training base, validation on a
  fixed sample of 4,096 windows, consecutive ones scored as strips, pair detectors, seeded
  scanner);
* after, validation window by window: the same epoch with the validation windows scored one by
  one (what strips save).

It prints windows per epoch, wall seconds per epoch (validation included) and training windows per
second, and the ratios. With ``--device cuda`` it adds the ``full`` preset with mixed precision.

    .venv/bin/python benchmarks/bench_chromatin_training.py --preset grammar   # ~6 min, 2 cores
    .venv/bin/python benchmarks/bench_chromatin_training.py --preset bench     # ~12 min
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

from plantreg.chromatin.dataset import ChromatinDataset
from plantreg.chromatin.train import TrainSettings, epoch_size, train_chromatin
from plantreg.cli.main import main as cli
from plantreg.training.checkpoint import load_model_checkpoint

PRESETS = {  # simulator preset → PREPARE_DATA settings
    "grammar": {"train_stride": 64, "valid_chroms": "Chr2", "test_chroms": "Chr1"},
    "bench": {"train_stride": 256},
}


def prepare(preset: str, work: Path) -> Path:
    """Simulate (once) and run PREPARE_DATA; returns the dataset folder."""
    sim = work / "sim"
    if not (sim / "speciesA" / "samplesheet.csv").exists():
        subprocess.run([sys.executable, "-m", "plantreg.cli.main", "simulate", "--preset", preset,
                        "--seed", "7", "--outdir", str(sim)], check=True)
    params = {"input": str(sim / "speciesA" / "samplesheet.csv"),
              "fasta": str(sim / "speciesA" / "genome.fa"),
              "gff": str(sim / "speciesA" / "genes.gff3"),
              "outdir": str(work / "results"), "seed": 0, **PRESETS[preset]}
    (work / "params.yaml").write_text(yaml.safe_dump(params))
    try:
        cli(["run", str(work / "params.yaml"), "--stage", "prepare_data",
             "--work-dir", str(work / "work")])
    except SystemExit as exc:
        if exc.code:
            raise RuntimeError(f"PREPARE_DATA failed (exit {exc.code})") from exc
    return work / "results" / "prepare_data" / "dataset"


def one_epoch(dataset: Path, outdir: Path, settings: TrainSettings) -> dict[str, float]:
    shutil.rmtree(outdir, ignore_errors=True)  # a fresh epoch, never a resumed one
    started = time.perf_counter()
    train_chromatin(dataset, outdir, settings, None)
    total = time.perf_counter() - started
    row = pd.read_csv(outdir / "metrics.tsv", sep="\t").iloc[0]
    windows = int(load_model_checkpoint(outdir / "model.pt").split["training"]["epoch_windows"])
    return {"windows": windows, "epoch_s": float(row["seconds"]), "call_s": total,
            "windows_per_s": windows / float(row["seconds"]), "valid_auprc": row["mean_auprc"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="grammar")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    work = Path(args.workdir or f"bench_out/training_{args.preset}")
    dataset = prepare(args.preset, work)
    stride = PRESETS[args.preset]["train_stride"]
    train = ChromatinDataset(dataset, "train", rc_augment=True)
    runs = {
        # no grid_stride: validation window by window, as before strips
        "before: full grid pass": TrainSettings(
            epochs=1, device=args.device, epoch_windows=10**12,
            valid_windows=None, motif_seeds=0, model_overrides={"grammar_filters": 0}),
        "after: sampled epoch (defaults)": TrainSettings(
            epochs=1, device=args.device, grid_stride=stride),
        "after, validation window by window": TrainSettings(
            epochs=1, device=args.device, epoch_windows=epoch_size(train, TrainSettings(
                grid_stride=stride))),
    }
    if args.device.startswith("cuda"):
        runs["after, full preset, mixed precision"] = TrainSettings(
            preset="full", epochs=1, device=args.device, grid_stride=stride)
    rows = {}
    for i, (name, settings) in enumerate(runs.items()):
        rows[name] = one_epoch(dataset, work / f"epoch_{i}", settings)
        print(f"{name}: {rows[name]}", flush=True)
    table = pd.DataFrame(rows).T
    print(f"\n{args.preset} preset, device {args.device}, {torch.get_num_threads()} threads")
    print(table.to_string(float_format="%.1f"))
    before, after = table.iloc[0], table.iloc[1]
    print(f"\nwall time per epoch: after/before = {after.epoch_s / before.epoch_s:.3f}; "
          f"training windows/s: after/before = {after.windows_per_s / before.windows_per_s:.2f}")


if __name__ == "__main__":
    main()
