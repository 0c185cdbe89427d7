"""SeiPlant's training interchange format: read and write.

Each record is ``>MARK_SCORE,MARK_SCORE,...::chrom:start-end`` followed by the window sequence on
one line; only marks with a non-zero score are listed, so a background window has the header
``>::chrom:start-end``. A tag file (one mark per line) gives the output channel order. The mark is
the text before the LAST underscore, so mark names may themselves contain underscores.
Sequences are exported in upper case (soft-masking is ignored everywhere).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.encode import npy_row_writer
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.windows import read_windows_bed
from plantreg.io import atomic_open, save_npy

log = logging.getLogger(__name__)

_IUPAC = b"ACGTURYSWKMBDHVNacgturyswkmbdhvn"
_FORBIDDEN_IN_MARK = (",", ":", ">", " ", "\t")


def read_tags(path: str | Path) -> list[str]:
    """Tag file: one mark per line, unique, without characters that break SeiPlant headers."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as err:
        raise InputError(f"cannot read tag file ({err})", path) from err
    tags: list[str] = []
    for line_no, line in enumerate(lines, start=1):
        tag = line.strip()
        if not tag:
            continue
        if any(ch in tag for ch in _FORBIDDEN_IN_MARK):
            raise InputError(f"line {line_no}: mark {tag!r} contains one of , : > or blanks",
                             path)
        if tag in tags:
            raise InputError(f"line {line_no}: mark {tag!r} listed twice", path)
        tags.append(tag)
    if not tags:
        raise InputError("tag file lists no mark", path)
    return tags


def write_tags(path: str | Path, tags: list[str]) -> None:
    with atomic_open(path) as out:
        out.writelines(f"{t}\n" for t in tags)


def _score_text(value: np.generic) -> str:
    if np.issubdtype(value.dtype, np.floating):
        # Shortest text that reads back to the same float32: export→import is exact.
        return np.format_float_positional(np.float32(value), unique=True, trim="-")
    return str(int(value))


def format_header(tags: list[str], scores: np.ndarray, chrom: str, start: int, end: int) -> str:
    marks = ",".join(f"{tags[j]}_{_score_text(scores[j])}" for j in np.flatnonzero(scores))
    return f">{marks}::{chrom}:{start}-{end}"


def export_seiplant(fasta: str | Path, windows: str | Path, labels: str | Path,
                    tags_path: str | Path, out: str | Path,
                    out_tags: str | Path | None = None) -> int:
    """Write the SeiPlant training FASTA for ``windows`` (BED order) and its tag file."""
    tags = read_tags(tags_path)
    with open_fasta(fasta) as handle:
        frame, _ = read_windows_bed(windows, dict(read_fai(fasta)))
        matrix = _load_labels(labels, len(frame), len(tags))
        with atomic_open(out) as fa:
            for row, (chrom, start, end) in enumerate(
                    frame[["chrom", "start", "end"]].itertuples(index=False, name=None)):
                fa.write(format_header(tags, matrix[row], chrom, start, end) + "\n")
                fa.write(handle.fetch(chrom, start, end).upper() + "\n")
    write_tags(out_tags or Path(out).parent / "tag.txt", tags)
    log.info("exported %d windows with %d marks to %s", len(frame), len(tags), out)
    return len(frame)


def _load_labels(path: str | Path, n_rows: int, n_tags: int) -> np.ndarray:
    try:
        matrix = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read label array ({err})", path) from err
    if matrix.ndim != 2 or matrix.shape != (n_rows, n_tags):
        raise InputError(f"label array has shape {matrix.shape}; expected ({n_rows}, {n_tags}) "
                         "= (windows in the BED, marks in the tag file)", path)
    return matrix


def _parse_header(text: str, tag_index: dict[str, int], line_no: int,
                  path: Path) -> tuple[str, int, int, list[tuple[int, float]]]:
    def fail(problem: str) -> InputError:
        return InputError(f"line {line_no}: {problem} in header {text!r}", path)

    marks, sep, coord = text[1:].rpartition("::")
    chrom, _, span = coord.rpartition(":")
    start_txt, _, end_txt = span.partition("-")
    if not sep or not chrom or not start_txt.isdigit() or not end_txt.isdigit():
        raise fail("expected MARK_SCORE,...::chrom:start-end")
    start, end = int(start_txt), int(end_txt)
    if start >= end:
        raise fail("empty or reversed interval")
    entries: dict[int, float] = {}
    for item in filter(None, marks.split(",")):
        mark, _, score_txt = item.rpartition("_")
        if mark not in tag_index:
            raise fail(f"mark {mark!r} is not in the tag file")
        try:
            score = float(score_txt)
        except ValueError:
            raise fail(f"score {score_txt!r} of {mark!r} is not a number") from None
        if tag_index[mark] in entries or not math.isfinite(score):
            raise fail(f"mark {mark!r} repeated or with a non-finite score")
        entries[tag_index[mark]] = score
    return chrom, start, end, list(entries.items())


def import_seiplant(seiplant_fasta: str | Path, tags_path: str | Path,
                    out_prefix: str | Path) -> int:
    """Read a SeiPlant training FASTA into ``<prefix>.bed``, ``.seq.npy``, ``.labels.npy``."""
    path = Path(seiplant_fasta)
    tags = read_tags(tags_path)
    tag_index = {t: i for i, t in enumerate(tags)}
    coords: list[tuple[str, int, int]] = []
    scores: list[tuple[int, int, float]] = []
    prefix = str(out_prefix)
    try:
        with open(path, "rb") as handle, _SeqSink(f"{prefix}.seq.npy", path) as sink:
            for line_no, header, seq in _records(handle, path):
                chrom, start, end, entries = _parse_header(header, tag_index, line_no, path)
                if len(seq) != end - start:
                    raise InputError(f"line {line_no}: sequence of {len(seq)} bp for a window of "
                                     f"{end - start} bp ({chrom}:{start}-{end})", path)
                sink.add(seq, line_no)
                scores.extend((len(coords), col, value) for col, value in entries)
                coords.append((chrom, start, end))
    except OSError as err:
        raise InputError(f"cannot read SeiPlant FASTA ({err})", path) from err
    labels = np.zeros((len(coords), len(tags)), dtype=np.float32)
    for row, col, value in scores:
        labels[row, col] = value
    save_npy(f"{prefix}.labels.npy", labels)
    with atomic_open(f"{prefix}.bed") as bed:
        pd.DataFrame(coords).to_csv(bed, sep="\t", header=False, index=False)
    write_tags(Path(prefix).parent / "tags.txt", tags)
    log.info("imported %d windows, %d marks from %s", len(coords), len(tags), path)
    return len(coords)


def _records(handle, path: Path):
    """Yield ``(header_line_no, header, sequence_bytes)``; multi-line sequences are joined."""
    header, header_line, parts = None, 0, []
    for line_no, raw in enumerate(handle, start=1):
        line = raw.rstrip(b"\r\n")
        if line.startswith(b">"):
            if header is not None:
                yield header_line, header, b"".join(parts)
            header, header_line, parts = line.decode("ascii", errors="replace"), line_no, []
        elif line.strip():
            if header is None:
                raise InputError(f"line {line_no}: sequence before the first '>' header", path)
            if line.translate(None, _IUPAC):
                raise InputError(f"line {line_no}: non-IUPAC character in the sequence", path)
            parts.append(line)
    if header is None:
        raise InputError("no records in the SeiPlant FASTA", path)
    yield header_line, header, b"".join(parts)


class _SeqSink:
    """Streams encoded sequences into ``.npy``; all windows must share one length."""

    def __init__(self, out: str, source: Path) -> None:
        self._out, self._source = out, source
        self._ctx = None
        self._writer = None
        self._width = 0

    def __enter__(self) -> _SeqSink:
        return self

    def add(self, seq: bytes, line_no: int) -> None:
        from plantreg.genome.encode import encode

        if self._writer is None:
            self._width = len(seq)
            # Upper bound on rows for the header: every record needs more than one byte.
            bound = self._source.stat().st_size
            self._ctx = npy_row_writer(self._out, self._width, bound)
            self._writer = self._ctx.__enter__()
        elif len(seq) != self._width:
            raise InputError(f"line {line_no}: window of {len(seq)} bp, but the first window has "
                             f"{self._width} bp; all windows must have one length", self._source)
        self._writer.write(encode(seq)[None, :])

    def __exit__(self, *exc) -> bool:
        if self._ctx is not None:
            return bool(self._ctx.__exit__(*exc))
        return False


__all__ = ["export_seiplant", "format_header", "import_seiplant", "read_tags", "write_tags"]
