"""Aligned region pairs from an axtNet: the first base of every ≤ ``bin_size`` bp window of
consecutive aligning reference (A) bases, with the B base it aligns to (LECIF's samplePairs).

Streaming per reference chromosome: records are read one at a time and only the window that may
still grow into the next record is held back, so memory does not grow with chromosome length.
Records must be sorted by A position within a chromosome (UCSC axtNet files are; ``axtSort``
otherwise). A run of consecutive aligning A bases may continue from one record into the next.

Output table (TSV, header): ``chrom_a start_a end_a chrom_b start_b end_b strand window_end_a``;
``[start, end)`` is the 1 bp region (features are measured there, as LECIF does) and
``[start_a, window_end_a)`` the window it stands for (used for the browser track).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.axt import AxtRecord, aligned_pairs, read_axt
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

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
            frame = pd.DataFrame(
                {
                    "chrom_a": chrom_a,
                    "start_a": block.start_a,
                    "end_a": block.start_a + 1,
                    "chrom_b": block.chrom_b,
                    "start_b": block.start_b,
                    "end_b": block.start_b + 1,
                    "strand": block.strand,
                    "window_end_a": block.end_a,
                }
            )
            frame.to_csv(handle, sep="\t", header=False, index=False)
            count += len(frame)
    log.info(
        "%s: %d region pairs (bin %d bp)%s", axt, count, bin_size, f" on {chrom}" if chrom else ""
    )
    return count


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


def merge_regions(parts: list[str | Path], sizes_a: Mapping[str, int], out: str | Path) -> int:
    """Concatenate per-chromosome tables in the A sizes order and add a stable ``index``."""
    frames: dict[str, pd.DataFrame] = {}
    for part in parts:
        frame = read_regions(part)
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
