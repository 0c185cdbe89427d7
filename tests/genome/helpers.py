"""Small genome fixtures for the genome tests: random FASTA written with numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np

BASES = np.frombuffer(b"ACGTacgt", dtype=np.uint8)


def random_seq(rng: np.random.Generator, length: int, n_runs: int = 0,
               max_run: int = 300) -> bytes:
    """Random ACGT (mixed case) with ``n_runs`` runs of N at random places."""
    seq = BASES[rng.integers(0, len(BASES), length)].copy()
    for _ in range(n_runs):
        start = int(rng.integers(0, max(1, length - 1)))
        seq[start:start + int(rng.integers(1, max_run))] = ord("N")
    return seq.tobytes()


def write_fasta(path: Path, records: dict[str, bytes], width: int = 60) -> Path:
    with open(path, "wb") as out:
        for name, seq in records.items():
            out.write(b">" + name.encode() + b" some description\n")
            for i in range(0, len(seq), width):
                out.write(seq[i:i + width] + b"\n")
    return path


def genome(tmp_path: Path, lengths: dict[str, int], seed: int = 0, n_runs: int = 0,
           name: str = "genome.fa") -> tuple[Path, dict[str, bytes]]:
    rng = np.random.default_rng(seed)
    records = {c: random_seq(rng, n, n_runs) for c, n in lengths.items()}
    return write_fasta(tmp_path / name, records), records
