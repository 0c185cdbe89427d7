"""Aligned region pairs from an axtNet: the first base of every ≤ ``bin_size`` bp window of
consecutive aligning reference (A) bases, with the B base it aligns to (LECIF's samplePairs).

Streaming: records are read one at a time and only the window that may still grow into the next
record is held back (one per A chromosome), so memory does not grow with chromosome length.
Records must be sorted by A position within a chromosome (UCSC axtNet files are; ``axtSort``
otherwise). A run of consecutive aligning A bases may continue from one record into the next.

Two ways to the same pair table:

- :func:`write_all_regions` (``plantreg conservation regions`` without ``--chrom``): ONE pass over
  the alignment for every A chromosome. Finished windows are spooled to a temporary file beside the
  output as they come, then copied out in the order of the A sizes file with their ``index``, so
  memory stays bounded whatever the file's chromosome order.
- :func:`write_regions` per chromosome (``--chrom``, each a full read of the file) and
  :func:`merge_regions`: the scatter form; it gives the identical table.

Per-chromosome table (TSV, header): ``chrom_a start_a end_a chrom_b start_b end_b strand
window_end_a``; the merged table puts ``index`` (0, 1, ... in A sizes order) first.
``[start, end)`` is the 1 bp region (features are measured there, as LECIF does) and
``[start_a, window_end_a)`` the window it stands for (used for the browser track).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.axt import AxtRecord, aligned_pairs, read_axt
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

_COPY_BYTES = 16 * 2**20  # spool bytes copied to the output per read
COLUMNS = ["chrom_a", "start_a", "end_a", "chrom_b", "start_b", "end_b", "strand", "window_end_a"]


@dataclass
class _Pending:
    """The last window seen: its end is unknown while its run may continue in the next record."""

    start_a: int
    start_b: int
    chrom_b: str
    strand: str


@dataclass
class WindowBlock:
    """Finished windows of one record (arrays of equal length)."""

    start_a: np.ndarray
    start_b: np.ndarray
    end_a: np.ndarray  # window end (exclusive) on A
    chrom_b: list[str]
    strand: list[str]


class WindowSampler:
    """Feeds on the records of one A chromosome, in A order; yields finished windows."""

    def __init__(self, bin_size: int, path: Path) -> None:
        if bin_size < 1:
            raise InputError(f"bin size must be at least 1, got {bin_size}")
        self.bin = bin_size
        self.path = path
        self.last_a = -2  # last aligned A position seen
        self.run_len = 0  # bases of the current run so far
        self.pending: _Pending | None = None

    def _close_pending(self, end: int) -> WindowBlock:
        p = self.pending
        assert p is not None
        self.pending = None
        return WindowBlock(
            np.array([p.start_a]), np.array([p.start_b]), np.array([end]), [p.chrom_b], [p.strand]
        )

    def feed(self, rec: AxtRecord, line_hint: int) -> Iterator[WindowBlock]:
        pos_a, pos_b = aligned_pairs(rec)
        if pos_a.size == 0:
            return
        if pos_a[0] <= self.last_a:
            raise InputError(
                f"record {line_hint} ({rec.chrom_a}:{rec.start_a}) overlaps or precedes the "
                "previous one: records must be sorted by reference position (run axtSort)",
                self.path,
            )
        continuing = bool(pos_a[0] == self.last_a + 1)
        n = pos_a.size
        brk = np.flatnonzero(np.diff(pos_a) != 1) + 1
        run_first = np.r_[0, brk]
        run_stop = np.r_[brk, n]
        run_id = np.repeat(np.arange(run_first.size), run_stop - run_first)
        off = np.arange(n) - run_first[run_id]
        if continuing:
            off[run_id == 0] += self.run_len
        starts = np.flatnonzero(off % self.bin == 0)
        run_end_pos = pos_a[run_stop - 1] + 1  # exclusive end of each run on A
        if self.pending is not None:
            if not continuing:
                yield self._close_pending(min(self.pending.start_a + self.bin, self.last_a + 1))
            elif starts.size and run_id[starts[0]] == 0:
                yield self._close_pending(self.pending.start_a + self.bin)
            elif run_first.size > 1:
                yield self._close_pending(min(self.pending.start_a + self.bin, int(run_end_pos[0])))
        self.last_a = int(pos_a[-1])
        self.run_len = int(off[-1]) + 1
        if starts.size == 0:
            return
        s_a, s_b = pos_a[starts], pos_b[starts]
        ends = np.minimum(s_a + self.bin, run_end_pos[run_id[starts]])
        k = starts.size - 1
        if k:
            yield WindowBlock(s_a[:k], s_b[:k], ends[:k], [rec.chrom_b] * k, [rec.strand] * k)
        self.pending = _Pending(int(s_a[k]), int(s_b[k]), rec.chrom_b, rec.strand)

    def finish(self) -> Iterator[WindowBlock]:
        if self.pending is not None:
            yield self._close_pending(min(self.pending.start_a + self.bin, self.last_a + 1))


def _check_a(rec: AxtRecord, sizes_a: Mapping[str, int], path: Path) -> None:
    if rec.chrom_a not in sizes_a:
        raise InputError(
            f"record {rec.number}: reference chromosome {rec.chrom_a!r} not in the A chromosome "
            "sizes (check names or the sizes file)",
            path,
        )
    if rec.end_a > sizes_a[rec.chrom_a]:
        raise InputError(
            f"record {rec.number}: A end {rec.end_a} beyond {rec.chrom_a} length "
            f"{sizes_a[rec.chrom_a]}",
            path,
        )


def iter_windows(
    axt: str | Path,
    sizes_a: Mapping[str, int],
    sizes_b: Mapping[str, int],
    chrom: str | None = None,
    bin_size: int = 50,
) -> Iterator[tuple[str, WindowBlock]]:
    """(A chromosome, finished windows) over the file, or over one A chromosome with ``chrom``.

    Every record is checked against both size tables, also those of other chromosomes.
    """
    path = Path(axt)
    if chrom is not None and chrom not in sizes_a:
        raise InputError(f"chromosome {chrom!r} is not in the A chromosome sizes", path)
    sampler: WindowSampler | None = None
    current: str | None = None
    done: set[str] = set()
    for rec in read_axt(path, sizes_b):
        _check_a(rec, sizes_a, path)
        if chrom is not None and rec.chrom_a != chrom:
            continue
        if rec.chrom_a != current:
            if sampler is not None and current is not None:
                yield from ((current, b) for b in sampler.finish())
                done.add(current)
            if rec.chrom_a in done:
                raise InputError(
                    f"record {rec.number}: records of {rec.chrom_a!r} are not contiguous "
                    "(sort the file by reference chromosome and position)",
                    path,
                )
            current, sampler = rec.chrom_a, WindowSampler(bin_size, path)
        assert sampler is not None
        yield from ((current, b) for b in sampler.feed(rec, rec.number))
    if sampler is not None and current is not None:
        yield from ((current, b) for b in sampler.finish())


def write_regions(
    axt: str | Path,
    sizes_a: Mapping[str, int],
    sizes_b: Mapping[str, int],
    out: str | Path,
    chrom: str | None = None,
    bin_size: int = 50,
) -> int:
    """Write the region pairs of ``chrom`` (or all) as TSV; return how many were written."""
    count = 0
    with atomic_open(out) as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for chrom_a, block in iter_windows(axt, sizes_a, sizes_b, chrom, bin_size):
            handle.write(_block_text(chrom_a, block))
            count += len(block.start_a)
    log.info(
        "%s: %d region pairs (bin %d bp)%s", axt, count, bin_size, f" on {chrom}" if chrom else ""
    )
    return count


def _block_text(chrom_a: str, block: WindowBlock) -> str:
    """The TSV rows (without index) of one block of windows."""
    return "".join(
        f"{chrom_a}\t{a}\t{a + 1}\t{cb}\t{b}\t{b + 1}\t{strand}\t{end}\n"
        for a, b, end, cb, strand in zip(
            block.start_a.tolist(),
            block.start_b.tolist(),
            block.end_a.tolist(),
            block.chrom_b,
            block.strand,
            strict=True,
        )
    )


def iter_windows_one_pass(
    axt: str | Path, sizes_a: Mapping[str, int], sizes_b: Mapping[str, int], bin_size: int = 50
) -> Iterator[tuple[str, WindowBlock]]:
    """(A chromosome, finished windows) of every A chromosome in one read of the file.

    One sampler per A chromosome, so the file's records need not keep a chromosome together
    (exactly what one ``--chrom`` pass per chromosome accepts); the windows of a chromosome come
    in A order, those of different chromosomes interleaved as the file has them.
    """
    path = Path(axt)
    WindowSampler(bin_size, path)  # checks the bin size even for an empty file
    samplers: dict[str, WindowSampler] = {}
    for rec in read_axt(path, sizes_b):
        _check_a(rec, sizes_a, path)
        sampler = samplers.get(rec.chrom_a)
        if sampler is None:
            sampler = samplers[rec.chrom_a] = WindowSampler(bin_size, path)
        yield from ((rec.chrom_a, b) for b in sampler.feed(rec, rec.number))
    for chrom, sampler in samplers.items():
        yield from ((chrom, b) for b in sampler.finish())


def write_all_regions(
    axt: str | Path,
    sizes_a: Mapping[str, int],
    sizes_b: Mapping[str, int],
    out: str | Path,
    bin_size: int = 50,
) -> int:
    """Read the axt once and write the indexed pair table of every A chromosome, in A sizes order.

    The same table as :func:`write_regions` per chromosome followed by :func:`merge_regions`.
    Windows go to a spool file beside ``out`` as they are found; each chromosome's byte ranges in
    the spool are then copied out in A sizes order with a running ``index``.
    """
    out = Path(out)
    ranges: dict[str, list[list[int]]] = {}
    count = 0
    with atomic_path(out) as final:
        with tempfile.TemporaryFile(dir=final.parent, prefix=f".{out.name}.spool.") as spool:
            for chrom_a, block in iter_windows_one_pass(axt, sizes_a, sizes_b, bin_size):
                data = _block_text(chrom_a, block).encode()
                at = spool.tell()
                spans = ranges.setdefault(chrom_a, [])
                if spans and spans[-1][1] == at:
                    spans[-1][1] += len(data)  # contiguous with its last block: extend
                else:
                    spans.append([at, at + len(data)])
                spool.write(data)
            with open(final, "wb") as handle:
                handle.write(("\t".join(["index", *COLUMNS]) + "\n").encode())
                for chrom in sizes_a:
                    for start, end in ranges.get(chrom, []):
                        count = _copy_indexed(spool, start, end, handle, count)
    log.info(
        "%s: %d region pairs (bin %d bp), one pass over %d A chromosome(s)",
        axt,
        count,
        bin_size,
        len(ranges),
    )
    return count


def _copy_indexed(spool, start: int, end: int, handle, index: int) -> int:
    """Copy the spool's lines in ``[start, end)`` to ``handle``, each prefixed with its index."""
    spool.seek(start)
    left, carry = end - start, b""
    while left > 0:
        chunk = carry + spool.read(min(_COPY_BYTES, left))
        left = end - spool.tell()
        lines = chunk.split(b"\n")
        carry = lines.pop()  # a partial line (b"" at a line end)
        handle.write(b"".join(b"%d\t%s\n" % (index + i, line) for i, line in enumerate(lines)))
        index += len(lines)
    assert not carry, "spool ranges end at line ends"
    return index


def read_regions(path: str | Path, with_index: bool = False) -> pd.DataFrame:
    """Read a region-pair table written by :func:`write_regions` or :func:`merge_regions`."""
    path = Path(path)
    expected = (["index"] if with_index else []) + COLUMNS
    try:
        frame = pd.read_csv(path, sep="\t", dtype={"chrom_a": str, "chrom_b": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"cannot read the region table ({err})", path) from err
    except pd.errors.EmptyDataError as err:
        raise InputError("empty region table (no header)", path) from err
    if list(frame.columns) != expected:
        raise InputError(
            f"header must be {' '.join(expected)}, got {' '.join(map(str, frame.columns))}", path
        )
    return frame


def _read_part(path: str | Path) -> pd.DataFrame:
    """A per-chromosome table, or an indexed one (its ``index`` is dropped and given anew)."""
    try:
        with open(path) as handle:
            indexed = handle.readline().startswith("index\t")
    except (OSError, UnicodeDecodeError):
        indexed = False  # read_regions names the problem
    frame = read_regions(path, with_index=indexed)
    return frame.drop(columns="index") if indexed else frame


def merge_regions(parts: list[str | Path], sizes_a: Mapping[str, int], out: str | Path) -> int:
    """Concatenate per-chromosome tables in the A sizes order and add a stable ``index``.

    A part may also be an indexed table (one written without ``--chrom``); its index is renumbered.
    """
    frames: dict[str, pd.DataFrame] = {}
    for part in parts:
        frame = _read_part(part)
        for chrom, sub in frame.groupby("chrom_a", sort=False):
            if chrom not in sizes_a:
                raise InputError(f"chromosome {chrom!r} is not in the A chromosome sizes", part)
            if chrom in frames:
                raise InputError(f"chromosome {chrom!r} appears in more than one part", part)
            frames[str(chrom)] = sub
    ordered = [frames[c] for c in sizes_a if c in frames]
    merged = pd.concat(ordered, ignore_index=True) if ordered else pd.DataFrame(columns=COLUMNS)
    merged.insert(0, "index", np.arange(len(merged), dtype=np.int64))
    with atomic_open(out) as handle:
        merged.to_csv(handle, sep="\t", index=False)
    log.info("merged %d region pairs from %d part(s) into %s", len(merged), len(parts), out)
    return len(merged)
