"""Render planned chromosomes as sequence: AT-rich background, soft-masked repeats, N runs, motifs,
genes. Arrays are uint8 ASCII (b'ACGTacgtN'); lower case marks repeats (soft-masking)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pysam

from plantreg.simulate.genes import write_gene_sequence
from plantreg.simulate.layout import ChromPlan
from plantreg.simulate.motifs import Motif, reverse_complement_codes, sample_site

ASCII = np.frombuffer(b"ACGTN", dtype=np.uint8)
_CODE = np.full(256, 4, dtype=np.uint8)
for _i, _b in enumerate(b"ACGT"):
    _CODE[_b] = _i
    _CODE[_b + 32] = _i  # soft-masked bases encode like upper case (contract)


def to_codes(seq: np.ndarray) -> np.ndarray:
    """uint8 ASCII -> contract codes A=0 C=1 G=2 T=3 other=4."""
    return _CODE[seq]


def random_bases(rng: np.random.Generator, n: int, at: float = 0.64) -> np.ndarray:
    p = np.array([at / 2, (1 - at) / 2, (1 - at) / 2, at / 2])
    idx = np.searchsorted(np.cumsum(p), rng.random(n), side="right").clip(0, 3)
    return ASCII[idx]


def repeat_families(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    return [random_bases(rng, int(rng.integers(300, 2500)), at=0.6) for _ in range(n)]


def _repeat_copy(fams: list[np.ndarray], n: int, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.25:  # simple sequence repeat, e.g. (AT)n or (AAT)n
        unit = np.frombuffer(rng.choice([b"AT", b"TA", b"AAT", b"TTC", b"AG"]), dtype=np.uint8)
        return np.resize(unit, n)
    fam = fams[int(rng.integers(len(fams)))]
    copy = np.resize(fam, n) if rng.random() < 0.5 else np.resize(fam[::-1], n)
    mutated = rng.random(n) < 0.08
    copy = copy.copy()
    copy[mutated] = random_bases(rng, int(mutated.sum()))
    return copy


def render(plan: ChromPlan, motifs: dict[str, Motif], fams: list[np.ndarray],
           rng: np.random.Generator) -> np.ndarray:
    seq = random_bases(rng, plan.length)
    for s, e in plan.repeats:
        seq[s:e] = _repeat_copy(fams, e - s, rng) + 32  # lower case = soft-masked
    for s, e in plan.nruns:
        seq[s:e] = ord("N")
    for el in plan.elements:
        for site in el.sites:
            codes = sample_site(motifs[site.tf], rng)
            if site.strand == "-":
                codes = reverse_complement_codes(codes)
            seq[site.start : site.start + codes.size] = ASCII[codes]
    for gene in plan.genes:
        write_gene_sequence(seq, gene, rng)
    return seq


def write_fasta(path: Path, genome: dict[str, np.ndarray], width: int = 60) -> None:
    """FASTA (60 columns), its pysam .fai, and ``genome.size`` beside it."""
    with open(path, "wb") as fh:
        for name, seq in genome.items():
            fh.write(f">{name}\n".encode())
            n = seq.size
            full = n // width * width
            if full:
                block = np.hstack(
                    [seq[:full].reshape(-1, width), np.full((full // width, 1), 10, np.uint8)]
                )
                fh.write(block.tobytes())
            if n > full:
                fh.write(seq[full:].tobytes() + b"\n")
    pysam.faidx(str(path))
    sizes = "".join(f"{name}\t{seq.size}\n" for name, seq in genome.items())
    path.with_name("genome.size").write_text(sizes)
