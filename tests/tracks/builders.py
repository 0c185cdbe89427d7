"""Small real input files for the tracks/annotation tests (FASTA + .fai, BED, bigWig)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyBigWig
import pysam


def random_seq(rng: np.random.Generator, n: int) -> str:
    return "".join(rng.choice(list("ACGT"), size=n))


def write_fasta(path: Path, seqs: dict[str, str], width: int = 60) -> Path:
    """FASTA with wrapped lines, indexed with pysam (a real .fai)."""
    with open(path, "w") as out:
        for name, seq in seqs.items():
            out.write(f">{name}\n")
            out.writelines(seq[i : i + width] + "\n" for i in range(0, len(seq), width))
    pysam.faidx(str(path))
    return path


def write_sizes(path: Path, sizes: dict[str, int]) -> Path:
    path.write_text("".join(f"{c}\t{n}\n" for c, n in sizes.items()))
    return path


def write_bed(path: Path, rows: list[tuple], header: bool = False) -> Path:
    lines = ["track name=test", "# comment"] if header else []
    lines += ["\t".join(str(x) for x in row) for row in rows]
    path.write_text("\n".join(lines) + ("\n" if lines else ""))
    return path


def write_bigwig(path: Path, sizes: dict[str, int], entries: dict[str, list[tuple]]) -> Path:
    """bigWig from (start, end, value) intervals per chromosome (sorted, non-overlapping)."""
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(sizes.items()))
    for chrom, rows in entries.items():
        if rows:
            bw.addEntries(
                [chrom] * len(rows),
                [int(r[0]) for r in rows],
                ends=[int(r[1]) for r in rows],
                values=[float(r[2]) for r in rows],
            )
    bw.close()
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The real CLI in a child process (exit code and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "plantreg.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]
