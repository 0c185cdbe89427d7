#!/usr/bin/env python
"""Benchmark TRAIN_COEXPRESSION's two hot spots; measures, never asserts.

1. Promoter × TF extraction throughput (promoter-TF profiles of 2,501 bases per second) on the
   simulator's ``bench`` preset (species A: ~10,000 genes, 36 DAP-seq bigWigs):
   plantreg (each bigWig chromosome read once in chunks, all promoters gathered by fancy indexing,
   written to a memory-mapped .npy) against the naive loop (one pyBigWig ``values()`` call per gene
   per TF, the blueprint's approach), timed in the same run on a random subsample of genes
   (``--naive-genes``) and reported per profile; plantreg is timed on that subsample too and on all
   genes.
2. Network scoring: all pairs among ``--network-genes`` (5,000) genes with the default model size
   (encode each promoter once, then the pair head in blocks, running top-N), pairs per second.

Example: ``.venv/bin/python benchmarks/bench_coexpression.py``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from plantreg.coexpression.model import ModelConfig, SiameseTransformer
from plantreg.coexpression.network import encode_all, top_edges
from plantreg.coexpression.signal import extract_signal, extract_tracks, naive_signal
from plantreg.coexpression.tables import read_promoters
from plantreg.coexpression.train import DEFAULT_MODEL
from plantreg.genome.fasta import read_sizes
from plantreg.genome.gff import read_gff
from plantreg.genome.promoters import compute_promoters, write_promoters
from plantreg.tracks.bigwig import open_bigwig

SIM = Path("bench_out/sim")
OUT = Path("bench_out/coexpression")
PLANTREG = Path(sys.executable).with_name("plantreg")


def ensure_sim() -> Path:
    species = SIM / "speciesA"
    if not (species / "genes.gff3").exists():
        subprocess.run([str(PLANTREG), "simulate", "--preset", "bench", "--seed", "7",
                        "--outdir", str(SIM)], check=True)
    return species


def promoters(species: Path) -> Path:
    path = OUT / "promoters.tsv"
    if not path.exists():
        sizes = read_sizes(species / "genome.size")
        table, report = compute_promoters(read_gff(species / "genes.gff3"), sizes)
        write_promoters(table, report, species / "genome.fa", OUT / "promoters")
    return path


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _in_memory(genes, tfs, sizes) -> np.ndarray:
    """The same extraction into a numpy array (no file), like the naive loop."""
    out = np.empty((len(genes), len(tfs), int(genes["length"].iloc[0])), dtype=np.float32)
    bws = [open_bigwig(p, sizes) for p in tfs]
    extract_tracks(bws, genes, out)
    for bw in bws:
        bw.close()
    return out


def bench_extraction(species: Path, naive_genes: int, repeat: int) -> list[tuple]:
    genes = read_promoters(promoters(species))
    tfs = sorted(p for p in (species / "dapseq").glob("*.bw") if p.name != "input.bw")
    sizes = read_sizes(species / "genome.size")
    rng = np.random.default_rng(0)
    sub = genes.iloc[np.sort(rng.choice(len(genes), naive_genes, replace=False))]
    sub = sub.reset_index(drop=True)
    rows = []
    t = timed(lambda: naive_signal(sub, tfs), repeat)
    rows.append(("naive pyBigWig values() per gene per TF, in memory", len(sub), len(tfs), t))
    t = timed(lambda: _in_memory(sub, tfs, sizes), repeat)
    rows.append(("plantreg extraction in memory (same genes)", len(sub), len(tfs), t))
    t = timed(lambda: extract_signal(sub, tfs, OUT / "sub.signal.npy", sizes), repeat)
    rows.append(("plantreg extract to .npy (same genes)", len(sub), len(tfs), t))
    t = timed(lambda: extract_signal(genes, tfs, OUT / "all.signal.npy", sizes), repeat)
    rows.append(("plantreg extract to .npy (all genes)", len(genes), len(tfs), t))
    (OUT / "all.signal.npy").unlink()
    fast = np.load(OUT / "sub.signal.npy")
    naive = naive_signal(sub.iloc[:50], tfs[:4])
    assert np.allclose(fast[:50, :4], naive, equal_nan=True), "extraction disagrees"
    return rows


def bench_network(n_genes: int, n_windows: int, k: int, top: int) -> dict:
    torch.manual_seed(0)
    cfg = ModelConfig(**DEFAULT_MODEL, vocab_size=k + 1, n_windows=n_windows, dropout=0.0)
    model = SiameseTransformer(cfg).eval()
    tokens = torch.randint(0, k, (n_genes, n_windows))
    start = time.perf_counter()
    emb = encode_all(model, tokens)
    encode_s = time.perf_counter() - start
    _, _, _, stats = top_edges(model, emb, top)
    return {"genes": n_genes, "encode_s": encode_s, **stats,
            "total_pairs_per_s": stats["pairs_scored"] / (encode_s + stats["seconds"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--naive-genes", type=int, default=500)
    ap.add_argument("--network-genes", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-extraction", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"torch threads: {torch.get_num_threads()}")
    if not args.skip_extraction:
        rows = bench_extraction(ensure_sim(), args.naive_genes, args.repeat)
        naive_rate = rows[0][1] * rows[0][2] / rows[0][3]
        print("| method | genes | TFs | seconds | profiles/s | speed-up over naive |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, g, t, s in rows:
            rate = g * t / s
            print(f"| {name} | {g} | {t} | {s:.2f} | {rate:,.0f} | {rate / naive_rate:.1f}x |")
    net = bench_network(args.network_genes, 50, 32, 10000)
    print(
        f"network: {net['genes']} genes, {net['pairs_scored']:,} pairs; "
        f"encode {net['encode_s']:.2f} s, score {net['seconds']:.2f} s = "
        f"{net['pairs_per_second']:,.0f} pairs/s "
        f"({net['total_pairs_per_s']:,.0f} pairs/s including encoding)"
    )


if __name__ == "__main__":
    main()
