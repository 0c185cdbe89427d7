#!/usr/bin/env python
"""TRAIN_TFBS's costs: measures, never asserts.

On one TF of the bundled data (its NyxBind folder and the pretrained base model of a TRAIN_TFBS
run, by default those of ``plantreg run assets/test_params.yaml``), in one process and with one
seed, it trains and times:

* the language model with LoRA, and the same model fully fine-tuned (the baseline): parameters
  trained, fine-tuning sequences/s, peak memory (CPU: the process's peak RSS growth; GPU: the
  CUDA peak), and inference sequences/s (both strands, as the models score);
* the CNN beside them;
* motif extraction (ISM attributions, TF-MoDISco, TomTom) from the LoRA model and from the CNN,
  in seconds per TF.

It prints one table and the ratios LoRA / full and LM / CNN. With ``--device cuda`` it adds the
LoRA run with mixed precision (bf16 where the GPU has it).

    .venv/bin/python benchmarks/bench_tfbs.py --run results/test --tf MYB118   # ~3 min, 2 cores
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from plantreg.tfbs.lm.finetune import LmTrainSettings, LoraSettings, load_lm, train_lm
from plantreg.tfbs.motifs.extract import MotifSettings, extract_motifs
from plantreg.tfbs.motifs.tomtom import jaspar_plants
from plantreg.tfbs.nyxcsv import read_tf_folder
from plantreg.tfbs.train import CnnTrainSettings, load_cnn, model_scores, train_cnn


def _peak_mb(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset(device: str) -> float:
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
        return 0.0
    return _peak_mb(device)


def _timed_training(name: str, train, n_train: int, epochs: int, device: str) -> dict:
    before = _reset(device)
    started = time.perf_counter()
    model, trainable, total = train()
    seconds = time.perf_counter() - started
    return {"method": name, "trainable": trainable, "total": total,
            "train_seq_per_s": n_train * epochs / seconds, "train_s": seconds,
            "peak_mb": _peak_mb(device) - before, "model": model}


def _inference(model, codes: np.ndarray, repeats: int = 3) -> float:
    model_scores(model, codes[:64])  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        model_scores(model, codes, batch=256)
    return repeats * len(codes) / (time.perf_counter() - started)


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
    splits = read_tf_folder(folder)
    n_train = len(splits["train"][1])
    codes = np.concatenate([x for x, _ in splits.values()])
    work = Path(tempfile.mkdtemp(prefix="bench_tfbs."))
    rows = []

    def lm(lora: bool, amp: bool = False, tag: str = ""):
        def train():
            out = work / f"lm_{'lora' if lora else 'full'}{tag}"
            path = train_lm(args.tf, folder, base, out, LmTrainSettings(
                epochs=args.epochs, patience=args.epochs, device=args.device, amp=amp,
                lora=LoraSettings(enabled=lora)))
            params = torch.load(path, weights_only=False)["config"]["parameters"]
            return load_lm(path, args.tf), params["trainable"], params["total"]
        return train

    def cnn():
        path = train_cnn(args.tf, folder, work / "cnn", CnnTrainSettings(
            epochs=args.epochs, patience=args.epochs, device=args.device, amp=False))
        model, _ = load_cnn(path, args.tf)
        n = sum(p.numel() for p in model.parameters())
        return model, n, n

    runs = [("lm_full", lm(False)), ("lm_lora", lm(True)), ("cnn", cnn)]
    if args.device.startswith("cuda"):
        runs.append(("lm_lora_amp", lm(True, amp=True, tag="_amp")))
    for name, train in runs:
        row = _timed_training(name, train, n_train, args.epochs, args.device)
        row["infer_seq_per_s"] = _inference(row["model"], codes)
        rows.append(row)
    db = jaspar_plants()
    for row in rows:
        if row["method"] in ("lm_lora", "cnn"):
            summary = extract_motifs(args.tf, row["model"], folder,
                                     work / f"motifs_{row['method']}", db, MotifSettings(),
                                     method=row["method"])
            row["motif_s_per_tf"] = summary["seconds"]
            row["motif_best_match"] = summary["best_match_name"]
    table = pd.DataFrame([{k: v for k, v in r.items() if k != "model"} for r in rows])
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
