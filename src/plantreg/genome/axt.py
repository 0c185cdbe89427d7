"""Streaming reader for UCSC axt / axtNet pairwise alignments (A = reference, B = query).

Record layout (records separated by a blank line; ``#`` lines are comments)::

    N chrA startA endA chrB startB endB strand score
    <A bases with '-' for gaps>
    <B bases with '-' for gaps>

Header coordinates are 1-based inclusive; for strand '-' the B coordinates count on the reverse
complement of B's chromosome and the B line is reverse-complemented. :func:`read_axt` converts both
to 0-based half-open, with B on its forward strand (which needs B's chromosome sizes).
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from plantreg.errors import InputError

_GAP = ord("-")
_SEQ_OK = re.compile(r"[A-Za-z\-]+")


@dataclass(frozen=True)
class AxtRecord:
    """One alignment; coordinates 0-based half-open, B on its forward strand."""

    number: int
    chrom_a: str
    start_a: int
    end_a: int
    chrom_b: str
    start_b: int
    end_b: int
    strand: str
    score: int
    seq_a: str
    seq_b: str  # as in the file: reverse-complemented B for strand '-'


def _open_text(path: Path) -> IO[str]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="ascii", newline=None)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without newline); decompression and decoding errors become InputError."""
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(f"truncated gzip or corrupt compressed data ({exc})", path) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not an axt text file ({exc.reason})", path) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", path) from exc


def _parse_header(text: str, path: Path, line: int) -> tuple:
    fields = text.split()
    if len(fields) != 9:
        raise InputError(
            f"line {line}: axt header needs 9 fields, got {len(fields)}: {text[:80]!r}", path)
    try:
        number, sa, ea, sb, eb, score = (int(fields[i]) for i in (0, 2, 3, 5, 6, 8))
    except ValueError as exc:
        raise InputError(
            f"line {line}: non-integer field in axt header {text[:80]!r}", path) from exc
    if fields[7] not in ("+", "-"):
        raise InputError(f"line {line}: strand must be '+' or '-', got {fields[7]!r}", path)
    if sa < 1 or sb < 1 or ea < sa or eb < sb:
        raise InputError(f"line {line}: bad coordinates in axt header {text[:80]!r}", path)
    return number, fields[1], sa, ea, fields[4], sb, eb, fields[7], score


def _check_seqs(seq_a: str, seq_b: str, head: tuple, path: Path, line: int) -> None:
    _, _, sa, ea, _, sb, eb, _, _ = head
    for seq, at in ((seq_a, line + 1), (seq_b, line + 2)):
        if not _SEQ_OK.fullmatch(seq):
            raise InputError(f"line {at}: sequence line missing or has characters other than "
                             "letters and '-'", path)
    if len(seq_a) != len(seq_b):
        raise InputError(f"line {line}: sequence lengths differ ({len(seq_a)} vs {len(seq_b)})",
                         path)
    gap_a = len(seq_a) - seq_a.count("-")
    gap_b = len(seq_b) - seq_b.count("-")
    if gap_a != ea - sa + 1 or gap_b != eb - sb + 1:
        raise InputError(f"line {line}: header spans {ea - sa + 1} (A) and {eb - sb + 1} (B) bases "
                         f"but the sequences hold {gap_a} and {gap_b}", path)


def _make_record(
    head: tuple, seq_a: str, seq_b: str, sizes_b: Mapping[str, int], path: Path, line: int
) -> AxtRecord:
    number, ca, sa, ea, cb, sb, eb, strand, score = head
    if cb not in sizes_b:
        raise InputError(f"line {line}: B chromosome {cb!r} not in the B chromosome sizes", path)
    size = sizes_b[cb]
    if eb > size:
        raise InputError(f"line {line}: B end {eb} beyond {cb} length {size}", path)
    start_b, end_b = (sb - 1, eb) if strand == "+" else (size - eb, size - sb + 1)
    return AxtRecord(number, ca, sa - 1, ea, cb, start_b, end_b, strand, score, seq_a, seq_b)


def read_axt(path: str | Path, sizes_b: Mapping[str, int]) -> Iterator[AxtRecord]:
    """Yield records one at a time from an axt/axtNet file, gzipped or not (magic bytes).

    ``sizes_b`` (B chromosome → length) converts '-' strand B coordinates to the forward strand.
    Any malformed record raises :class:`InputError` naming the file and line.
    """
    path = Path(path)
    lines = _lines(path)
    for number, text in lines:
        if not text.strip() or text.startswith("#"):
            continue
        head = _parse_header(text, path, number)
        seq_a = next(lines, (0, ""))[1].strip()
        seq_b = next(lines, (0, ""))[1].strip()
        _check_seqs(seq_a, seq_b, head, path, number)
        nxt = next(lines, None)
        if nxt is not None and nxt[1].strip():
            raise InputError(f"line {nxt[0]}: expected a blank line after the record", path)
        yield _make_record(head, seq_a, seq_b, sizes_b, path, number)


def aligned_pairs(record: AxtRecord) -> tuple[np.ndarray, np.ndarray]:
    """Arrays (posA, posB) of the aligned (non-gap) base pairs, 0-based, B on its forward strand."""
    a = np.frombuffer(record.seq_a.encode("ascii"), dtype=np.uint8)
    b = np.frombuffer(record.seq_b.encode("ascii"), dtype=np.uint8)
    base_a, base_b = a != _GAP, b != _GAP
    idx_a = np.cumsum(base_a, dtype=np.int64) - 1
    idx_b = np.cumsum(base_b, dtype=np.int64) - 1
    both = base_a & base_b
    pos_a = record.start_a + idx_a[both]
    if record.strand == "+":
        pos_b = record.start_b + idx_b[both]
    else:
        pos_b = record.end_b - 1 - idx_b[both]
    return pos_a, pos_b
