"""Windows for one TF: summit-centred positives and GC-matched negatives from the same chromosomes.

Positives are ``length`` bp centred on each peak's summit (narrowPeak column 10; the peak's middle
when it is -1). Negatives are drawn uniformly from the same chromosomes, outside every peak of the
TF widened by ``flank`` on both sides, and matched to the positives' GC content bin by bin: the
classic trap of binding models is to learn GC content instead of the motif, and a GC-matched
negative set closes it. Every draw comes from one seeded generator; sequences are fetched per
window through the FASTA index, so memory follows the number of windows, not the genome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pysam

from plantreg.genome.encode import N_CODE, encode

log = logging.getLogger(__name__)

GC_BINS = np.linspace(0.0, 1.0, 11)  # ten bins of GC fraction
MAX_ROUNDS = 8  # draws of candidate negatives before a shortfall is reported


@dataclass
class WindowCounts:
    """What happened to one TF's windows on one split (written to the report)."""

    peaks: int = 0
    off_chromosome_end: int = 0
    too_many_n: int = 0
    duplicate_summits: int = 0
    positives: int = 0
    negatives: int = 0
    negatives_wanted: int = 0
    gc_pos: np.ndarray = field(default_factory=lambda: np.zeros(len(GC_BINS) - 1, np.int64))
    gc_neg: np.ndarray = field(default_factory=lambda: np.zeros(len(GC_BINS) - 1, np.int64))


def fetch_windows(fasta: pysam.FastaFile, chroms: np.ndarray, starts: np.ndarray,
                  length: int) -> np.ndarray:
    """``(n, length)`` uint8 codes of ``[start, start + length)`` on each chromosome."""
    out = np.full((len(starts), length), N_CODE, dtype=np.uint8)
    for i, (chrom, start) in enumerate(zip(chroms, starts, strict=True)):
        out[i] = encode(fasta.fetch(str(chrom), int(start), int(start) + length))
    return out


def gc_fraction(codes: np.ndarray) -> np.ndarray:
    """GC fraction of each row over its A/C/G/T bases (N excluded)."""
    acgt = (codes < N_CODE).sum(axis=1)
    gc = ((codes == 1) | (codes == 2)).sum(axis=1)
    return gc / np.maximum(acgt, 1)


def gc_bin(codes: np.ndarray) -> np.ndarray:
    return np.clip(np.digitize(gc_fraction(codes), GC_BINS[1:-1]), 0, len(GC_BINS) - 2)


def positive_windows(peaks: pd.DataFrame, sizes: dict[str, int], length: int,
                     fasta: pysam.FastaFile, max_n: int, counts: WindowCounts) -> pd.DataFrame:
    """Summit-centred windows of ``peaks`` (already restricted to one split's chromosomes)."""
    counts.peaks += len(peaks)
    starts = peaks["summit"].to_numpy(np.int64) - length // 2
    chroms = peaks["chrom"].to_numpy(object)
    ends = starts + length
    limit = np.array([sizes[c] for c in chroms], dtype=np.int64)
    inside = (starts >= 0) & (ends <= limit)
    counts.off_chromosome_end += int((~inside).sum())
    frame = pd.DataFrame({"chrom": chroms[inside], "start": starts[inside]})
    before = len(frame)
    frame = frame.drop_duplicates().reset_index(drop=True)
    counts.duplicate_summits += before - len(frame)
    codes = fetch_windows(fasta, frame["chrom"].to_numpy(), frame["start"].to_numpy(), length)
    keep = (codes == N_CODE).sum(axis=1) <= max_n
    counts.too_many_n += int((~keep).sum())
    frame, codes = frame[keep].reset_index(drop=True), codes[keep]
    counts.positives = len(frame)
    counts.gc_pos = np.bincount(gc_bin(codes), minlength=len(GC_BINS) - 1)
    return frame.assign(codes=list(codes), label=1)


def _blocked(peaks: pd.DataFrame, flank: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per chromosome, sorted starts and running-max ends of the peaks widened by ``flank``."""
    blocked = {}
    for chrom, part in peaks.groupby("chrom", sort=False):
        order = np.argsort(part["start"].to_numpy())
        starts = part["start"].to_numpy()[order] - flank
        ends = np.maximum.accumulate(part["end"].to_numpy()[order] + flank)
        blocked[str(chrom)] = (starts, ends)
    return blocked


def _clear_of_peaks(chrom: str, starts: np.ndarray, length: int,
                    blocked: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """True where ``[start, start + length)`` overlaps no widened peak."""
    if chrom not in blocked:
        return np.ones(len(starts), dtype=bool)
    p_start, p_end = blocked[chrom]
    # The last widened peak starting before the window's end; running-max ends make that one
    # the only one that can still reach into the window.
    last = np.searchsorted(p_start, starts + length, side="left") - 1
    reach = np.where(last >= 0, p_end[np.maximum(last, 0)], -1)
    return reach <= starts


def _draw(rng: np.random.Generator, chroms: list[str], sizes: dict[str, int], length: int,
          n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform window positions over ``chroms`` (weighted by usable length)."""
    usable = np.array([max(sizes[c] - length + 1, 0) for c in chroms], dtype=np.float64)
    which = rng.choice(len(chroms), size=n, p=usable / usable.sum())
    starts = (rng.random(n) * usable[which]).astype(np.int64)
    return np.asarray(chroms, dtype=object)[which], starts


def negative_windows(positives: pd.DataFrame, peaks: pd.DataFrame, chroms: list[str],
                     sizes: dict[str, int], length: int, fasta: pysam.FastaFile, *, ratio: float,
                     flank: int, max_n: int, rng: np.random.Generator,
                     counts: WindowCounts) -> pd.DataFrame:
    """``ratio`` negatives per positive, GC-matched per bin, clear of every peak of the TF."""
    pos_bins = np.bincount(gc_bin(np.stack(positives["codes"])), minlength=len(GC_BINS) - 1) \
        if len(positives) else np.zeros(len(GC_BINS) - 1, np.int64)
    wanted = np.round(pos_bins * ratio).astype(np.int64)
    counts.negatives_wanted = int(wanted.sum())
    chroms = [c for c in chroms if sizes[c] >= length]
    if not counts.negatives_wanted or not chroms:
        counts.gc_neg = np.zeros_like(wanted)
        return positives.iloc[:0].assign(label=0)
    blocked = _blocked(peaks, flank)
    taken: list[pd.DataFrame] = []
    have = np.zeros_like(wanted)
    for _ in range(MAX_ROUNDS):
        need = wanted - have
        if need.sum() <= 0:
            break
        cand_chroms, cand_starts = _draw(rng, chroms, sizes, length, int(need.sum()) * 8 + 64)
        clear = np.zeros(len(cand_starts), dtype=bool)
        for chrom in set(cand_chroms):
            rows = cand_chroms == chrom
            clear[rows] = _clear_of_peaks(chrom, cand_starts[rows], length, blocked)
        cand_chroms, cand_starts = cand_chroms[clear], cand_starts[clear]
        codes = fetch_windows(fasta, cand_chroms, cand_starts, length)
        ok = (codes == N_CODE).sum(axis=1) <= max_n
        bins = gc_bin(codes)
        for b in np.flatnonzero(need > 0):
            rows = np.flatnonzero(ok & (bins == b))[: need[b]]
            have[b] += len(rows)
            taken.append(pd.DataFrame({"chrom": cand_chroms[rows], "start": cand_starts[rows],
                                       "codes": list(codes[rows])}))
    counts.gc_neg = have
    counts.negatives = int(have.sum())
    if counts.negatives < counts.negatives_wanted:
        log.warning("%d of %d GC-matched negatives found (the genome lacks windows of some GC "
                    "bins outside the peaks)", counts.negatives, counts.negatives_wanted)
    frame = pd.concat(taken, ignore_index=True) if taken else positives.iloc[:0]
    return frame.assign(label=0)
