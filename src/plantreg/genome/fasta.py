"""Indexed FASTA access: validation, ``.fai`` building, staleness checks, sizes files.

Sequences are always read through a samtools ``.fai`` index (``pysam.FastaFile``), never loaded
whole. :func:`index_fasta` validates the file first (streamed, memory bounded by one read buffer)
so that a malformed FASTA fails with the file, line and record named instead of a samtools message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

# IUPAC nucleotide letters, both cases (soft-masking is legal and ignored downstream).
_IUPAC = b"ACGTURYSWKMBDHVNacgturyswkmbdhvn"
_LINE_ENDS = b"\r\n"
_BLOCK = 1 << 23  # bytes read at once: validation memory is bounded by a few blocks
_MAX_HEADER = 1 << 26


@dataclass
class _Record:
    name: str
    line: int
    length: int = 0


class _Validator:
    """Checks a FASTA block by block with C-speed bytes operations (no per-line Python loop).

    Blocks are whole lines, except that a sequence line longer than a block may be cut; then the
    next block starts ``mid_line`` and its first bytes cannot open a header.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: list[_Record] = []
        self.seen: dict[str, int] = {}
        self.lines_before = 0  # newlines in the blocks already fed
        self.mid_line = False

    def feed(self, data: bytes) -> None:
        self._data, self._cursor, self._cursor_lines = data, 0, 0
        last = 0
        for start in self._header_starts(data):
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            self._sequence(last, start)
            self._header(start, data[start:end])
            last = end
        self._sequence(last, len(data))
        self.lines_before += data.count(b"\n")
        self.mid_line = not data.endswith(b"\n")

    def _header_starts(self, data: bytes) -> Iterator[int]:
        # bytes.find runs at memory speed; a multi-line regex would test every position.
        if data.startswith(b">") and not self.mid_line:
            yield 0
        pos = data.find(b"\n>")
        while pos >= 0:
            yield pos + 1
            pos = data.find(b"\n>", pos + 1)

    def _line_at(self, pos: int) -> int:
        # Positions asked for only increase within a block, so counting is linear overall.
        self._cursor_lines += self._data.count(b"\n", self._cursor, pos)
        self._cursor = pos
        return self.lines_before + self._cursor_lines + 1

    def _fail(self, pos: int, problem: str) -> InputError:
        return InputError(f"line {self._line_at(pos)}: {problem}", self.path)

    def _sequence(self, start: int, end: int) -> None:
        segment = self._data[start:end]
        if not self.records:
            if segment.strip():
                offset = len(segment) - len(segment.lstrip())
                raise self._fail(start + offset, "sequence before the first '>' header")
            return
        bad = segment.translate(None, _IUPAC + _LINE_ENDS)
        if bad:
            record = self.records[-1].name
            raise self._fail(start + segment.index(bad[:1]),
                             f"record {record!r}: non-IUPAC character {chr(bad[0])!r}")
        self.records[-1].length += len(segment) - segment.count(b"\n") - segment.count(b"\r")

    def _header(self, start: int, text: bytes) -> None:
        line = self._line_at(start)
        self.close()
        fields = text[1:].split()
        if not fields:
            raise InputError(f"line {line}: header without a sequence name", self.path)
        name = fields[0].decode("ascii", errors="replace")
        if name in self.seen:
            raise InputError(f"line {line}: duplicate sequence name {name!r} (first at line "
                             f"{self.seen[name]})", self.path)
        self.seen[name] = line
        self.records.append(_Record(name, line))

    def close(self) -> None:
        if self.records and self.records[-1].length == 0:
            rec = self.records[-1]
            raise InputError(f"line {rec.line}: record {rec.name!r} has an empty sequence",
                             self.path)


def validate_fasta(fasta: str | Path) -> list[tuple[str, int]]:
    """Check FASTA structure and alphabet; return ``[(name, length), ...]`` in file order.

    Raises :class:`InputError` naming the file, the line and the record for: data before the first
    header, an empty name, a duplicate name, an empty sequence, a non-IUPAC character (blanks
    inside sequence lines included), or a gzip-compressed file.
    """
    fasta = Path(fasta)
    if not fasta.is_file():
        raise InputError("FASTA file not found", fasta)
    checker = _Validator(fasta)
    carry = b""
    with open(fasta, "rb") as handle:
        if handle.read(2) == b"\x1f\x8b":
            raise InputError("compressed FASTA is not supported: decompress it first", fasta)
        handle.seek(0)
        while block := handle.read(_BLOCK):
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0 and data.startswith(b">") and not checker.mid_line:
                if len(data) > _MAX_HEADER:
                    raise InputError("a header line is longer than 64 MB", fasta)
                carry = data  # a header line longer than a block: keep reading it
                continue
            cut = cut or len(data)  # an unwrapped sequence line longer than a block
            checker.feed(data[:cut])
            carry = data[cut:]
        if carry:
            checker.feed(carry)
    if not checker.records:
        raise InputError("no FASTA records (no '>' header line)", fasta)
    checker.close()
    return [(r.name, r.length) for r in checker.records]


def fai_path(fasta: str | Path) -> Path:
    return Path(f"{fasta}.fai")


def index_fasta(fasta: str | Path) -> list[tuple[str, int]]:
    """Validate ``fasta`` and (re)build ``fasta.fai`` atomically; return names and lengths."""
    fasta = Path(fasta)
    records = validate_fasta(fasta)
    try:
        with atomic_path(fai_path(fasta)) as tmp:
            pysam.faidx(str(fasta), "--fai-idx", str(tmp))
    except pysam.SamtoolsError as err:
        raise InputError(f"samtools faidx failed: {str(err).strip()}", fasta) from err
    except OSError as err:
        raise InputError(f"cannot write the index {fai_path(fasta).name} ({err})", fasta) from err
    indexed = read_fai(fasta)
    if indexed != records:
        raise InputError("index does not match the parsed records (irregular line lengths?)", fasta)
    log.info("indexed %s: %d sequences, %d bp", fasta, len(records), sum(n for _, n in records))
    return records


def read_fai(fasta: str | Path) -> list[tuple[str, int]]:
    return [(row[0], int(row[1])) for row in _fai_rows(fasta)]


def _fai_rows(fasta: str | Path) -> list[list[str]]:
    fai = fai_path(fasta)
    rows = [line.rstrip("\n").split("\t") for line in fai.read_text().splitlines() if line]
    if any(len(r) < 5 or not all(f.isdigit() for f in r[1:5]) or r[3] == "0" for r in rows):
        raise InputError("malformed .fai index: re-index with `plantreg prep index`", fai)
    return rows


def check_index_fresh(fasta: str | Path) -> None:
    """Raise :class:`InputError` when ``fasta.fai`` is older than, or disagrees with, the FASTA.

    Disagreement is detected without reading sequence: every record's expected end (from its
    offset, length and line layout) must be followed by the next record's header with the indexed
    name, and the last record must end at the end of the file.
    """
    fasta, fai = Path(fasta), fai_path(fasta)
    hint = "re-index it with `plantreg prep index --fasta ...`"
    if fai.stat().st_mtime < fasta.stat().st_mtime:
        raise InputError(f"index {fai.name} is older than the FASTA (stale): {hint}", fasta)
    rows = _fai_rows(fasta)
    size = fasta.stat().st_size
    with open(fasta, "rb") as handle:
        for i, (name, length, offset, bases, width) in enumerate(r[:5] for r in rows):
            length, offset, bases, width = int(length), int(offset), int(bases), int(width)
            end = offset + (length // bases) * width + length % bases
            nxt = rows[i + 1][0] if i + 1 < len(rows) else None
            if end > size or not _header_follows(handle, end, nxt):
                raise InputError(
                    f"index {fai.name} disagrees with the FASTA at record {name!r} "
                    f"(lengths or layout changed): {hint}",
                    fasta,
                )


def _header_follows(handle, pos: int, name: str | None) -> bool:
    handle.seek(pos)
    tail = handle.read(4096 if name is not None else 1 << 16)
    rest = tail.lstrip(b"\r\n")
    if name is None:
        return not rest.strip() and len(tail) < (1 << 16)
    if not rest.startswith(b">"):
        return False
    fields = rest[1:].split(b"\n", 1)[0].split()
    return bool(fields) and fields[0].decode("ascii", errors="replace") == name


def open_fasta(fasta: str | Path) -> pysam.FastaFile:
    """Open an indexed FASTA; build the index when missing, refuse a stale one."""
    fasta = Path(fasta)
    if not fasta.is_file():
        raise InputError("FASTA file not found", fasta)
    if not fai_path(fasta).exists():
        log.info("no index for %s: building %s", fasta, fai_path(fasta).name)
        index_fasta(fasta)
    check_index_fresh(fasta)
    try:
        return pysam.FastaFile(str(fasta))
    except (OSError, ValueError) as err:
        raise InputError(f"cannot open indexed FASTA: {err}", fasta) from err


def fetch_codes(handle: pysam.FastaFile, chrom: str, start: int, end: int) -> np.ndarray:
    """Sequence ``[start, end)`` of ``chrom`` as uint8 codes."""
    from plantreg.genome.encode import encode

    return encode(handle.fetch(chrom, start, end))


def write_sizes(path: str | Path, sizes: list[tuple[str, int]]) -> None:
    """Sizes TSV ``chrom<TAB>length``, no header, in the given (FASTA) order."""
    with atomic_open(path) as out:
        out.writelines(f"{name}\t{length}\n" for name, length in sizes)


def read_sizes(path: str | Path) -> dict[str, int]:
    """Read a sizes TSV into an ordered ``{chrom: length}``; validated line by line."""
    path = Path(path)
    if not path.is_file():
        raise InputError("sizes file not found", path)
    sizes: dict[str, int] = {}
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[1].strip().isdigit() or int(fields[1]) <= 0:
            raise InputError(f"line {line_no}: expected 'chrom<TAB>positive length'", path)
        if fields[0] in sizes:
            raise InputError(f"line {line_no}: duplicate chromosome {fields[0]!r}", path)
        sizes[fields[0]] = int(fields[1])
    if not sizes:
        raise InputError("sizes file is empty", path)
    return sizes


def check_sizes_match(fasta: str | Path, sizes: dict[str, int], sizes_path: str | Path) -> None:
    """The sizes file must describe the FASTA: same names, same lengths."""
    indexed = dict(read_fai(fasta))
    for chrom, length in sizes.items():
        if indexed.get(chrom) != length:
            found = "absent from" if chrom not in indexed else f"{indexed[chrom]} bp in"
            raise InputError(
                f"chromosome {chrom!r} is {length} bp in the sizes file but {found} {fasta}",
                sizes_path,
            )


__all__ = [
    "check_index_fresh", "check_sizes_match", "fai_path", "fetch_codes", "index_fasta",
    "open_fasta", "read_fai", "read_sizes", "validate_fasta", "write_sizes",
]
