"""Chromosome sizes for the tracks/annotation steps: a sizes TSV or an indexed FASTA.

Kept local to this package until ``plantreg.genome.fasta`` offers the same readers; both return
``{chrom: length}`` in file order (dicts keep insertion order, which is the FASTA order).
"""

from __future__ import annotations

from pathlib import Path

import pysam

from plantreg.errors import InputError


def read_sizes(path: str | Path) -> dict[str, int]:
    """Read a ``chrom<TAB>length`` file (no header); every problem names the line."""
    sizes: dict[str, int] = {}
    try:
        lines = Path(path).read_text().splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read chromosome sizes ({err})", path) from err
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[1].strip().isdigit():
            raise InputError(f"line {number}: expected 'chrom<TAB>length', got {line!r}", path)
        if fields[0] in sizes:
            raise InputError(f"line {number}: chromosome {fields[0]!r} listed twice", path)
        sizes[fields[0]] = int(fields[1])
    if not sizes:
        raise InputError("no chromosomes in the sizes file", path)
    return sizes


def open_fasta(path: str | Path) -> pysam.FastaFile:
    """Open an indexed FASTA (pysam builds the ``.fai`` when it is missing)."""
    try:
        return pysam.FastaFile(str(path))
    except (OSError, ValueError) as err:
        raise InputError(f"cannot open the FASTA or its index ({err})", path) from err


def fasta_sizes(path: str | Path) -> dict[str, int]:
    """Chromosome lengths of an indexed FASTA, in FASTA order."""
    with open_fasta(path) as fasta:
        return dict(zip(fasta.references, fasta.lengths, strict=True))
