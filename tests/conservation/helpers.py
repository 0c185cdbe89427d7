"""Shared helpers for the conservation tests: CLI runner and hand-made axt records."""

from __future__ import annotations

import gzip
from pathlib import Path

from plantreg.cli.main import main

_COMP = str.maketrans("ACGTacgt-", "TGCAtgca-")


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    """Run ``plantreg`` in-process; return (exit code, stderr)."""
    try:
        main(["--log-level", "WARNING", *map(str, args)])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def revcomp(seq: str) -> str:
    return seq.translate(_COMP)[::-1]


def axt_record(n, chrom_a, start_a, chrom_b, start_b, strand, seq_a, seq_b, size_b) -> str:
    """An axt record from gapped sequences; ``start_b`` is 0-based on B's forward strand and
    ``seq_b`` is read in the record's strand (reverse-complemented for '-'), as axt stores it."""
    n_a = len(seq_a) - seq_a.count("-")
    n_b = len(seq_b) - seq_b.count("-")
    if strand == "+":
        b1, b2 = start_b + 1, start_b + n_b
    else:  # coordinates on the reverse-complemented B chromosome
        b1, b2 = size_b - (start_b + n_b) + 1, size_b - start_b
    head = f"{n} {chrom_a} {start_a + 1} {start_a + n_a} {chrom_b} {b1} {b2} {strand} 100"
    return f"{head}\n{seq_a}\n{seq_b}\n\n"


def write_axt(path: Path, records: list[str], gz: bool = False) -> Path:
    text = "".join(records)
    if gz:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def write_sizes(path: Path, sizes: dict[str, int]) -> Path:
    path.write_text("".join(f"{c}\t{n}\n" for c, n in sizes.items()))
    return path
