"""FASTA, index and sizes of both species; base composition, N runs, soft-masking, names."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pysam
import pytest


@pytest.mark.parametrize("species,pattern", [("speciesA", r"Chr\d+"), ("speciesB", r"chr\d\d")])
def test_fasta_index_and_sizes(sim: Path, species: str, pattern: str) -> None:
    d = sim / species
    fa = pysam.FastaFile(str(d / "genome.fa"))
    sizes = [line.split("\t") for line in (d / "genome.size").read_text().splitlines()]
    assert [c for c, _ in sizes] == list(fa.references)
    assert [int(n) for _, n in sizes] == list(fa.lengths)
    fai = [line.split("\t")[:2] for line in (d / "genome.fa.fai").read_text().splitlines()]
    assert fai == sizes
    assert len(sizes) >= 4 and all(re.fullmatch(pattern, c) for c, _ in sizes)
    seq = "".join(fa.fetch(c) for c in fa.references)
    arr = np.frombuffer(seq.upper().encode(), dtype=np.uint8)
    acgt = np.isin(arr, np.frombuffer(b"ACGT", np.uint8))
    at = np.isin(arr, np.frombuffer(b"AT", np.uint8)).sum() / acgt.sum()
    assert 0.60 <= at <= 0.68
    assert re.search("N{100,}", seq)
    lower = sum(ch.islower() for ch in seq)
    assert 0.02 < lower / len(seq) < 0.5
