"""Write the simulator's A→B base map as a UCSC axtNet file (A is the reference).

Each :class:`~plantreg.simulate.evolve.AlignedBlock` (one collinear segment) becomes one or more
records: a block is cut into records of at most ``max_record_span`` A bases (plus the tail of the
run that crosses the limit), so lines stay short; the unaligned bases between two records of one
block are simply not in the net. Records are numbered from 0 and sorted by A chromosome (in genome
A's order) then A start; each A base appears in at most one record.

Score (an integer, documented here because axtNet leaves it to the aligner): 100 per matching
column (case-insensitive, N never matches), −100 per mismatching column, −400 per gap opening and
−30 per gap column, gaps counted in both sequences.

The file is gzip-compressed with a zero mtime and no stored name, so the same input gives the
same bytes; level 1 because the sequence lines barely compress better at higher levels
and level 6 is over ten times slower.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from plantreg.io import atomic_path
from plantreg.simulate.evolve import AlignedBlock, EvolvedSpecies, reverse_complement

GAP = ord("-")
_UPPER_TABLE = np.arange(256, dtype=np.uint8)
_UPPER_TABLE[ord("a"):ord("z") + 1] -= 32


def _split_runs(block: AlignedBlock, span: int) -> Iterator[tuple[np.ndarray, ...]]:
    """Cut runs longer than ``span`` then group runs into records by A-coordinate bins."""
    lengths = block.lengths.astype(np.int64)
    n_pieces = (lengths + span - 1) // span
    run = np.repeat(np.arange(lengths.size), n_pieces)
    k = np.arange(run.size) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    a = block.a_starts[run] + k * span
    q = block.q_starts[run] + k * span
    ln = np.minimum(lengths[run] - k * span, span)
    rec = (a - a[0]) // span
    cuts = np.flatnonzero(np.diff(rec)) + 1
    yield from zip(np.split(a, cuts), np.split(q, cuts), np.split(ln, cuts), strict=True)


def _record_lines(
    a: np.ndarray, q: np.ndarray, ln: np.ndarray, seq_a: np.ndarray, seq_bq: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gapped A and B lines for runs (a, q, ln); ``seq_bq`` is B in the record strand's frame."""
    a_end, q_end = a + ln, q + ln
    del_len = a[1:] - a_end[:-1]  # A bases absent from B
    ins_len = q[1:] - q_end[:-1]  # B bases absent from A
    line_a = seq_a[a[0]:a_end[-1]]
    line_b = seq_bq[q[0]:q_end[-1]]
    # column order after each run: the deleted A bases first, then the inserted B bases
    line_a = np.insert(line_a, np.repeat(a[1:] - a[0], ins_len), GAP)
    line_b = np.insert(line_b, np.repeat(q_end[:-1] - q[0], del_len), GAP)
    return line_a, line_b


def _score(line_a: np.ndarray, line_b: np.ndarray) -> int:
    gap_a, gap_b = line_a == GAP, line_b == GAP
    both = ~gap_a & ~gap_b
    ua, ub = _UPPER_TABLE[line_a], _UPPER_TABLE[line_b]
    match = both & (ua == ub) & (ua != ord("N"))
    opens = sum(int(g[0]) + int(np.count_nonzero(g[1:] & ~g[:-1])) for g in (gap_a, gap_b))
    gaps = int(gap_a.sum() + gap_b.sum())
    n_match = int(match.sum())
    return 100 * n_match - 100 * (int(both.sum()) - n_match) - 400 * opens - 30 * gaps


def _records(
    evolved: EvolvedSpecies, genome_a: dict[str, np.ndarray], span: int
) -> Iterator[bytes]:
    rank = {name: i for i, name in enumerate(genome_a)}
    blocks = sorted(evolved.blocks, key=lambda b: (rank[b.chrom_a], b.a_start))
    n = 0
    rc_cache: dict[str, np.ndarray] = {}
    for block in blocks:
        seq_a = genome_a[block.chrom_a]
        seq_b = evolved.genome[block.chrom_b]
        if block.strand == "-":
            if block.chrom_b not in rc_cache:
                rc_cache.clear()  # one chromosome at a time keeps memory bounded
                rc_cache[block.chrom_b] = reverse_complement(seq_b)
            seq_b = rc_cache[block.chrom_b]
        for a, q, ln in _split_runs(block, span):
            line_a, line_b = _record_lines(a, q, ln, seq_a, seq_b)
            header = (f"{n} {block.chrom_a} {a[0] + 1} {a[-1] + ln[-1]} {block.chrom_b} "
                      f"{q[0] + 1} {q[-1] + ln[-1]} {block.strand} {_score(line_a, line_b)}\n")
            yield header.encode() + line_a.tobytes() + b"\n" + line_b.tobytes() + b"\n\n"
            n += 1


def write_axtnet(
    path: Path, evolved: EvolvedSpecies, genome_a: dict[str, np.ndarray],
    max_record_span: int = 100_000,
) -> None:
    """Write ``evolved.blocks`` as gzipped axtNet (deterministic bytes), atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0
    ) as gz, io.BufferedWriter(gz, buffer_size=1 << 20) as out:
        for record in _records(evolved, genome_a, max_record_span):
            out.write(record)
