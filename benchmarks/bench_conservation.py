#!/usr/bin/env python
"""Benchmark TRAIN_CONSERVATION (LECIF-style): measures, never asserts.

1. Training examples/second of one pairwise network: plantreg's batched path (memory-mapped
   bit-packed store, one vectorised gather + unpack per batch) against a naive per-example loop in
   the same run (LECIF's way: each example parsed from its text feature line and the batch built in
   Python), same network, same batch size, same number of optimiser steps.
2. Ensemble wall time for M members per half (default 10) on the ``bench`` preset, through the
   same steps as the one-machine runner.
3. Peak memory (ru_maxrss of a child process) of feature building for 1 M regions × 2,000
   features (1,990 peak files + 10 bigWigs), against the 8 GB a dense float32 matrix would take.

Example: ``.venv/bin/python benchmarks/bench_conservation.py --members 10``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from plantreg.cli.main import main as cli
from plantreg.conservation.dataset import PairBatches
from plantreg.conservation.model import HyperParams, PairNet
from plantreg.conservation.negatives import read_examples
from plantreg.conservation.store import FeatureStore, fit_scale
from plantreg.run.conservation import conservation_steps
from plantreg.run.params import DEFAULTS as STAGE_DEFAULTS

SIM = Path("bench_out/sim")
WORK = Path("bench_out/conservation")


def run_stage(members: int, trials: int, epochs: int) -> tuple[Path, dict[str, float]]:
    """All steps on the bench preset; seconds per process name."""
    if not SIM.exists():
        subprocess.run([sys.executable.replace("python", "plantreg"), "simulate", "--preset",
                        "bench", "--seed", "7", "--outdir", str(SIM)], check=True)
    out = WORK / f"m{members}"
    sizes = out / "prepare_data" / "genome" / "genome.size"
    sizes.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SIM / "speciesA" / "genome.size", sizes)
    params = {**STAGE_DEFAULTS, "input": str(SIM / "speciesA" / "samplesheet.csv"),
              "fasta": str(SIM / "speciesA" / "genome.fa"), "outdir": str(out), "seed": 0,
              "conservation_axt": str(SIM / "alignment" / "speciesA.speciesB.net.axt.gz"),
              "conservation_fasta_b": str(SIM / "speciesB" / "genome.fa"),
              "conservation_input_b": str(SIM / "speciesB" / "samplesheet.csv"),
              "conservation_trials": trials, "conservation_ensemble": members,
              "conservation_max_epochs": epochs, "conservation_train_size": 20000}
    seconds: dict[str, float] = {}
    for step in conservation_steps(params):
        if step.done():
            continue
        started = time.perf_counter()
        try:
            cli(["--log-level", "WARNING", *step.command()])
        except SystemExit as exc:
            if exc.code:
                raise RuntimeError(f"{step.label} failed") from exc
        seconds[step.process] = seconds.get(step.process, 0.0) + time.perf_counter() - started
    return out / "train_conservation", seconds


def _lecif_lines(store: FeatureStore, rows: np.ndarray) -> list[str]:
    """The feature rows as LECIF text lines (what its train.py re-parses every epoch)."""
    dense = store.dense(rows, fit_scale(store, rows))
    lines = []
    for r, vec in zip(rows, dense, strict=True):
        active = np.flatnonzero(vec)
        real = [f"{vec[i]:.5f}" for i in active if i >= store.n_binary]
        lines.append(f"c\t{r}\t{r + 1}\t{r}\t|" + "\t".join(map(str, active)) + "\t|"
                     + "\t".join(real))
    return lines


def _naive_batch(lines_a, lines_b, n_a, n_b, n_bin_a, n_bin_b, idx):
    """Per example: split the text, fill a Python list row, stack (as LECIF's readBatch)."""
    xa, xb = [], []
    for i in idx:
        for lines, n, out in ((lines_a, n_a, xa), (lines_b, n_b, xb)):
            parts = lines[i].split("|")
            row = [0.0] * n
            ind = [int(s) for s in parts[1].split()]
            vals = [float(s) for s in parts[2].split()]
            for j in ind[: len(ind) - len(vals)]:
                row[j] = 1.0
            for j, v in zip(ind[len(ind) - len(vals):], vals, strict=True):
                row[j] = v
            out.append(row)
    return torch.tensor(xa), torch.tensor(xb)


def throughput(stage: Path, steps: int, batch: int) -> dict[str, float]:
    sa, sb = FeatureStore(stage / "features" / "A"), FeatureStore(stage / "features" / "B")
    ex = read_examples(stage / "examples" / "odd.training.examples.npy")
    rng = np.random.default_rng(0)
    hp = HyperParams(batch_size=batch)
    scales = (fit_scale(sa, ex[:, 0]), fit_scale(sb, ex[:, 1]))
    data = PairBatches(sa, sb, ex, scales)
    batches = [rng.integers(0, len(ex), batch) for _ in range(steps)]
    results = {}
    for name in ("batched", "naive"):
        torch.manual_seed(0)
        model = PairNet(sa.n_features, sb.n_features, hp, -np.log(50))
        opt = torch.optim.AdamW(model.parameters(), 1e-3)
        if name == "naive":
            needed = np.unique(np.concatenate(batches))
            ra, rb = ex[needed, 0], ex[needed, 1]
            la = dict(zip(needed.tolist(), _lecif_lines(sa, ra), strict=True))
            lb = dict(zip(needed.tolist(), _lecif_lines(sb, rb), strict=True))
        started = time.perf_counter()
        for idx in batches:
            if name == "batched":
                (xa, xb), (y, w) = data[idx]
            else:
                xa, xb = _naive_batch(la, lb, sa.n_features, sb.n_features, sa.n_binary,
                                      sb.n_binary, idx.tolist())
                y = torch.from_numpy(ex[idx, 2].astype(np.float32))
                w = torch.where(y > 0.5, 1 / 50, 1.0)
            loss = F.binary_cross_entropy_with_logits(model(xa, xb), y, weight=w)
            opt.zero_grad()
            loss.backward()
            opt.step()
        results[name] = steps * batch / (time.perf_counter() - started)
    return results


MEMORY_CHILD = r"""
import resource, sys, time, numpy as np, pyBigWig
from pathlib import Path
from plantreg.conservation.features import Inputs, Points, build_features
work, n, n_peaks, n_sig = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sizes = {f"c{i}": 10_000_000 for i in range(1, 6)}
rng = np.random.default_rng(0)
chrom = np.repeat(list(sizes), n // 5)
pos = np.concatenate([np.sort(rng.choice(10_000_000, n // 5, replace=False)) for _ in sizes])
peaks = []
for k in range(n_peaks):
    path = work / f"p{k}.bed"
    if not path.exists():
        s = rng.integers(0, 9_999_000, 400)
        c = rng.integers(1, 6, 400)
        path.write_text("".join(f"c{ci}\t{si}\t{si + 500}\n" for ci, si in zip(c, s)))
    peaks.append(path)
sig = []
for k in range(n_sig):
    path = work / f"s{k}.bw"
    if not path.exists():
        bw = pyBigWig.open(str(path), "w"); bw.addHeader(list(sizes.items()))
        for c in sizes:
            starts = np.arange(0, 10_000_000, 1000)
            values = rng.gamma(1, 2, starts.size).tolist()
            bw.addEntries(c, 0, values=values, span=1000, step=1000)
        bw.close()
    sig.append(path)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
points = Points.from_arrays(chrom, pos)
build_features(points, Inputs(peaks, signal=sig), sizes, work / "store", "A")
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)
"""


def memory(n: int, n_peaks: int, n_sig: int) -> dict[str, float]:
    work = WORK / "memory"
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(work), str(n), str(n_peaks),
                           str(n_sig)], check=True, capture_output=True, text=True)
    before, peak, seconds = proc.stdout.split()[-3:]
    disk = sum(p.stat().st_size for p in (work / "store").iterdir())
    return {"regions": n, "features": n_peaks + n_sig, "peak_rss_mb": int(peak) / 1024,
            "rss_before_build_mb": int(before) / 1024, "build_seconds": float(seconds),
            "store_mb": disk / 2**20, "dense_float32_mb": n * (n_peaks + n_sig) * 4 / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=10)
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--regions", type=int, default=1_000_000)
    ap.add_argument("--peak-files", type=int, default=1990)
    ap.add_argument("--bigwigs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    stage, seconds = run_stage(args.members, args.trials, args.epochs)
    total = time.perf_counter() - started
    report = {"stage_seconds": round(total, 1),
              "step_seconds": {k: round(v, 1) for k, v in seconds.items()},
              "ensemble_train_seconds_both_halves": round(seconds.get("CONSERVATION_TRAIN", 0), 1)}
    report["throughput_examples_per_s"] = {k: round(v) for k, v in
                                           throughput(stage, args.steps, args.batch).items()}
    metrics = (stage / "evaluate" / "test_metrics.tsv").read_text()
    if not args.skip_memory:
        report["memory"] = memory(args.regions, args.peak_files, args.bigwigs)
    print(json.dumps(report, indent=2))
    print(metrics)


if __name__ == "__main__":
    main()
