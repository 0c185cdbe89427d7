#!/usr/bin/env python
"""TRAIN_TFBS's costs: measures, never asserts.

On one TF of the bundled data (its NyxBind folder and the pretrained base model of a TRAIN_TFBS
run, by default those of ``plantreg run assets/test_params.yaml``), in one process and with one
seed, it trains and times:

* the language model with LoRA, and the same model fully fine-tuned (the baseline): parameters
  trained, fine-tuning sequences/s, peak memory of training (each method in a fresh process;
  CPU: the peak RSS growth over the process after its imports; GPU: the CUDA peak), and
  inference sequences/s (both strands, as the models score);
* the CNN beside them;
* motif extraction (integrated gradients, TF-MoDISco, refinement, TomTom) from the LoRA model
  and from the CNN, in seconds per TF (TF-MoDISco's one-off numba compilation excluded).

It prints one table and the ratios LoRA / full and LM / CNN. With ``--device cuda`` it adds the
LoRA run with mixed precision (bf16 where the GPU has it).

    .venv/bin/python benchmarks/bench_tfbs.py --run results/test --tf MYB118   # ~3 min, 2 cores
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from plantreg.tfbs.lm.finetune import LmTrainSettings, LoraSettings, load_lm, train_lm
from plantreg.tfbs.motifs.attribution import one_hot
from plantreg.tfbs.motifs.discover import discover
from plantreg.tfbs.motifs.extract import MotifSettings, extract_motifs
from plantreg.tfbs.motifs.tomtom import jaspar_plants
from plantreg.tfbs.nyxcsv import read_tf_folder
from plantreg.tfbs.train import CnnTrainSettings, load_cnn, model_scores, train_cnn


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _inference(model, codes: np.ndarray, repeats: int = 3) -> float:
    model_scores(model, codes[:64])  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        model_scores(model, codes, batch=256)
    return repeats * len(codes) / (time.perf_counter() - started)


def _warm_up_modisco() -> None:
    """TF-MoDISco compiles its numba kernels on first use in a process; not part of a TF's cost."""
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(60, 101)).astype(np.uint8)
    hyp = rng.normal(size=(60, 4, 101)).astype(np.float32)
    hyp[:, :, 40:50] += 3.0
    discover(one_hot(codes), hyp - hyp.mean(axis=1, keepdims=True))


def measure(method: str, tf: str, folder: Path, base: Path, epochs: int, device: str,
            work: Path) -> dict:
    """One method in this (fresh) process: train, infer, and for lm_lora and cnn, motifs."""
    splits = read_tf_folder(folder)
    codes = np.concatenate([x for x, _ in splits.values()])
    before = 0.0 if device.startswith("cuda") else _rss_mb()
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    if method == "cnn":
        path = train_cnn(tf, folder, work / method, CnnTrainSettings(
            epochs=epochs, patience=epochs, device=device, amp=False))
        model, _ = load_cnn(path, tf)
        trainable = total = sum(p.numel() for p in model.parameters())
    else:
        path = train_lm(tf, folder, base, work / method, LmTrainSettings(
            epochs=epochs, patience=epochs, device=device, amp=method.endswith("amp"),
            lora=LoraSettings(enabled=method.startswith("lm_lora"))))
        counts = torch.load(path, weights_only=False)["config"]["parameters"]
        trainable, total = counts["trainable"], counts["total"]
        model = load_lm(path, tf)
    seconds = time.perf_counter() - started
    peak = (torch.cuda.max_memory_allocated() / 2**20 if device.startswith("cuda")
            else _rss_mb() - before)
    row = {"method": method, "trainable": trainable, "total": total,
           "train_seq_per_s": len(splits["train"][1]) * epochs / seconds, "train_s": seconds,
           "peak_mb": peak, "infer_seq_per_s": _inference(model, codes)}
    if method in ("lm_lora", "cnn"):
        _warm_up_modisco()
        summary = extract_motifs(tf, model, folder, work / f"motifs_{method}", jaspar_plants(),
                                 MotifSettings(), method=method)
        row.update(motif_s_per_tf=summary["seconds"], motif_best_match=summary["best_match_name"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("results/test"),
                        help="results folder of a run with TRAIN_TFBS")
    parser.add_argument("--tf", default="MYB118")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    folder = args.run / "train_tfbs" / "datasets" / args.tf
    base = args.run / "train_tfbs" / "base_model"
    read_tf_folder(folder)  # a bad folder fails here, before any process starts
    work = Path(tempfile.mkdtemp(prefix="bench_tfbs."))
    methods = ["lm_full", "lm_lora", "cnn"]
    if args.device.startswith("cuda"):
        methods.append("lm_lora_amp")
    rows = []
    spawn = multiprocessing.get_context("spawn")  # a fresh process each: own peak memory
    for method in methods:
        with spawn.Pool(1) as pool:
            rows.append(pool.apply(measure, (method, args.tf, folder, base, args.epochs,
                                             args.device, work)))
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    by = table.set_index("method")

    def ratio(column: str, top: str, bottom: str) -> float:
        return float(by.loc[top, column] / by.loc[bottom, column])

    print(f"\nLoRA / full: trainable {ratio('trainable', 'lm_lora', 'lm_full'):.3f}x, "
          f"fine-tuning {ratio('train_seq_per_s', 'lm_lora', 'lm_full'):.2f}x sequences/s, "
          f"inference {ratio('infer_seq_per_s', 'lm_lora', 'lm_full'):.2f}x, "
          f"peak memory {ratio('peak_mb', 'lm_lora', 'lm_full'):.2f}x")
    print(f"LM (LoRA) / CNN: fine-tuning {ratio('train_seq_per_s', 'lm_lora', 'cnn'):.3f}x, "
          f"inference {ratio('infer_seq_per_s', 'lm_lora', 'cnn'):.3f}x sequences/s, "
          f"motif extraction {ratio('motif_s_per_tf', 'lm_lora', 'cnn'):.2f}x the time")


if __name__ == "__main__":
    main()
