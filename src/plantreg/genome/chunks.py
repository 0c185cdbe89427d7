"""Chunks of a genome for scattered genome-wide work: records grouped in FASTA order into chunks of
about ``chunk_size`` bp, so that a scaffold-level assembly (thousands of scaffolds, many under
1 kb) makes a few tasks instead of one per record.

The rule (contract):

- Records are taken in FASTA order (the order of the ``.fai`` and of the sizes file) and are never
  split. A chunk is closed when the next record would take it past ``chunk_size`` bp: a chunk holds
  at most ``chunk_size`` bp, except a record longer than ``chunk_size``, which is a chunk of its
  own. Every record is in exactly one chunk, and a chunk is a run of consecutive records.
- Chunks are named ``chunk_0001``, ``chunk_0002``, ... in order (zero-padded to at least 4 digits,
  more when there are more chunks).
- Every base counts towards the size, N and soft-masked bases included; records shorter than the
  model window stay in their chunk, marked ``too_short``. Inference skips and counts them (a chunk
  of short records only gives empty tracks and a report, never an error).
- The plan depends on the record lengths and ``chunk_size`` only (the window just labels records),
  so a task can rebuild its chunk from the ``.fai`` (:func:`chunk_records`) and get exactly the
  records that ``plantreg prep chunks`` listed under that id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

COLUMNS = ("chunk", "chrom", "start", "end", "status")


@dataclass(frozen=True)
class Chunk:
    id: str
    records: tuple[tuple[str, int], ...]

    @property
    def bp(self) -> int:
        return sum(length for _, length in self.records)


def chunk_id(index: int, n_chunks: int) -> str:
    """The id of chunk ``index`` (0-based) of ``n_chunks``: ``chunk_0001`` ..."""
    return f"chunk_{index + 1:0{max(4, len(str(n_chunks)))}d}"


def check_chunk_size(chunk_size: int) -> None:
    if chunk_size < 1:
        raise InputError(f"--chunk-size must be at least 1 bp, got {chunk_size}")


def plan_chunks(sizes: Iterable[tuple[str, int]], chunk_size: int) -> list[Chunk]:
    """Group ``(name, length)`` records, in the given order, into chunks (rule above)."""
    check_chunk_size(chunk_size)
    groups: list[list[tuple[str, int]]] = []
    total = 0
    for name, length in sizes:
        if groups and total + length <= chunk_size:
            groups[-1].append((name, length))
            total += length
        else:
            groups.append([(name, length)])
            total = length
    return [Chunk(chunk_id(i, len(groups)), tuple(g)) for i, g in enumerate(groups)]


def chunk_records(sizes: Iterable[tuple[str, int]], chunk_size: int, chunk: str,
                  source: str | Path | None = None) -> list[tuple[str, int]]:
    """The records of chunk ``chunk`` in the plan of ``sizes`` (read from ``source``)."""
    chunks = plan_chunks(sizes, chunk_size)
    for candidate in chunks:
        if candidate.id == chunk:
            return list(candidate.records)
    raise InputError(
        f"--chunk {chunk!r} is not a chunk of this genome at --chunk-size {chunk_size} "
        f"({len(chunks)} chunks: {chunks[0].id} to {chunks[-1].id})" if chunks else
        f"--chunk {chunk!r}: the genome has no records", source,
    )


@dataclass(frozen=True)
class ShortRecords:
    """Records shorter than the window: how many, and how many bp they hold."""

    count: int
    bp: int

    @classmethod
    def of(cls, records: Iterable[tuple[str, int]], window: int) -> ShortRecords:
        short = [length for _, length in records if length < window]
        return cls(len(short), sum(short))


def write_chunks(path: str | Path, chunks: list[Chunk], window: int) -> None:
    """The chunk list: TSV with a header, one row per record in FASTA order (``chunk chrom start
    end status``; ``start`` is 0 and ``end`` the record length, since records are never split;
    ``status`` is ``ok`` or ``too_short`` for a record shorter than ``window``)."""
    with atomic_open(path) as out:
        out.write("\t".join(COLUMNS) + "\n")
        for chunk in chunks:
            out.writelines(
                f"{chunk.id}\t{name}\t0\t{length}\t{'too_short' if length < window else 'ok'}\n"
                for name, length in chunk.records
            )


def make_chunks(sizes: dict[str, int], chunk_size: int, window: int, out: str | Path,
                sizes_path: str | Path | None = None) -> list[Chunk]:
    """Plan the chunks of a genome and write the chunk list ``out``.

    A genome without a single record as long as the window is an :class:`InputError` (there would
    be nothing to predict anywhere); short records elsewhere are only counted.
    """
    if window < 1:
        raise InputError(f"--window must be at least 1 bp, got {window}")
    chunks = plan_chunks(sizes.items(), chunk_size)
    if all(length < window for length in sizes.values()):
        raise InputError(f"window size {window} larger than every record", sizes_path)
    write_chunks(out, chunks, window)
    short = ShortRecords.of(sizes.items(), window)
    log.info("%d records (%d bp) in %d chunks of at most %d bp (longer records alone)",
             len(sizes), sum(sizes.values()), len(chunks), chunk_size)
    if short.count:
        log.info("%d records shorter than the window (%d bp), %d bp in all: listed as too_short, "
                 "skipped and counted at inference", short.count, window, short.bp)
    return chunks


__all__ = [
    "COLUMNS", "Chunk", "ShortRecords", "check_chunk_size", "chunk_id", "chunk_records",
    "make_chunks", "plan_chunks", "write_chunks",
]
