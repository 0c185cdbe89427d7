"""Chromosome names across the inputs: FASTA (the reference), peaks, bigWigs and the GFF3.

Names are compared as strings (never ``int()``). A name map TSV (``from<TAB>to``, no header)
renames chromosomes of every non-FASTA file; names it does not list are kept. ``check_names``
writes one report row per (file, chromosome) and raises one error that lists, per file, the
chromosomes the FASTA lacks, so a user fixes every file in one go.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyBigWig

from plantreg.errors import InputError
from plantreg.genome.fasta import open_fasta
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

_HEADER_PREFIXES = ("#", "track", "browser")
_SHOWN = 5  # names listed per file in an error message


def fasta_sizes(path: str | Path) -> dict[str, int]:
    """Chromosome lengths of an indexed FASTA (index built when missing), in FASTA order."""
    with open_fasta(path) as fasta:
        return dict(zip(fasta.references, fasta.lengths, strict=True))


def read_name_map(path: str | Path | None) -> dict[str, str]:
    """Read ``from<TAB>to`` lines; ``None`` gives an empty map."""
    if path is None:
        return {}
    mapping: dict[str, str] = {}
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise InputError(f"line {number}: expected 'from<TAB>to', got {line!r}", path)
        if fields[0] in mapping and mapping[fields[0]] != fields[1]:
            raise InputError(f"line {number}: {fields[0]!r} is mapped twice", path)
        mapping[fields[0]] = fields[1]
    if not mapping:
        raise InputError("the name map is empty", path)
    return mapping


def apply_name_map(frame: pd.DataFrame, mapping: Mapping[str, str], column: str = "chrom"):
    """Return a copy of ``frame`` with ``column`` renamed through ``mapping`` (others kept)."""
    if not mapping:
        return frame
    out = frame.copy()
    out[column] = out[column].map(lambda name: mapping.get(name, name))
    return out


def _lines(path: str | Path) -> Iterable[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt") as handle:
            yield from handle
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"cannot read the file ({err})", path) from err


def text_chroms(path: str | Path) -> list[str]:
    """First-column names of a BED/narrowPeak/GFF3 file, in order of first appearance."""
    seen: dict[str, None] = {}
    for line in _lines(path):
        if line.startswith("##FASTA"):
            break
        if not line.strip() or line.startswith(_HEADER_PREFIXES):
            continue
        seen.setdefault(line.split("\t", 1)[0].strip(), None)
    return list(seen)


def bigwig_chroms(path: str | Path) -> list[str]:
    """Chromosome names in a bigWig header."""
    try:
        bw = pyBigWig.open(str(path))
    except RuntimeError as err:
        raise InputError("cannot open the bigWig (not a bigWig file?)", path) from err
    if bw is None or not bw.isBigWig():
        raise InputError("not a bigWig file", path)
    try:
        return list(bw.chroms())
    finally:
        bw.close()


@dataclass
class NameCheck:
    """Outcome of :func:`check_names`: report rows and the names missing per file."""

    rows: list[tuple[str, str, str, str]]
    missing: dict[str, list[str]]


def compare_names(
    fasta: str | Path,
    files: Iterable[tuple[str | Path, str]],
    mapping: Mapping[str, str],
) -> NameCheck:
    """Compare each (file, kind) against the FASTA; kinds are peaks, bigwig, gff."""
    reference = fasta_sizes(fasta)
    rows = [(str(fasta), "fasta", name, "ok") for name in reference]
    missing: dict[str, list[str]] = {}
    for path, kind in files:
        names = bigwig_chroms(path) if kind == "bigwig" else text_chroms(path)
        for name in names:
            target = mapping.get(name, name)
            status = "ok" if target in reference else "missing"
            if status == "ok" and target != name:
                status = f"mapped:{target}"
            rows.append((str(path), kind, name, status))
            if status == "missing":
                missing.setdefault(f"{path} ({kind})", []).append(name)
    return NameCheck(rows, missing)


def check_names(
    fasta: str | Path,
    files: Iterable[tuple[str | Path, str]],
    report: str | Path,
    name_map: str | Path | None = None,
) -> NameCheck:
    """Write the report TSV, then raise one :class:`InputError` if any name is unknown."""
    result = compare_names(fasta, list(files), read_name_map(name_map))
    with atomic_open(report) as handle:
        handle.write("file\tkind\tchrom\tstatus\n")
        handle.writelines("\t".join(row) + "\n" for row in result.rows)
    n_checked = sum(1 for row in result.rows if row[1] != "fasta")
    log.info("checked %d chromosome names against %s; report %s", n_checked, fasta, report)
    if result.missing:
        raise InputError(_mismatch_message(result.missing, name_map), fasta)
    return result


def _mismatch_message(missing: dict[str, list[str]], name_map: str | Path | None) -> str:
    parts = []
    for label, names in missing.items():
        shown = ", ".join(names[:_SHOWN]) + (
            f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
        )
        parts.append(f"{label}: {shown}")
    hint = f"add them to {name_map}" if name_map else "pass --name-map with a 'from<TAB>to' TSV"
    return "chromosomes not in this FASTA: " + "; ".join(parts) + f" ({hint})"
