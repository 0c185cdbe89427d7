"""Evolve species B from species A with an exact base-level map, for the simulator.

Per A chromosome, B's chromosome is A's sequence after, in this order:

1. substitutions (per-base rates: background, low inside kept regulatory elements, near-random
   inside *lost* regulatory elements so their motifs are gone);
2. small insertions and deletions (none inside regulatory elements or N runs, so kept elements keep
   their motifs and N runs are carried over whole);
3. rearrangements: disjoint inversions and block moves (a moved block may also be inverted), with
   breakpoints placed outside features where the chromosome allows it.

The intermediate sequence after steps 1-2 is called M. Every A base maps to at most one B base;
the map is kept as collinear :class:`AlignedBlock` objects (ungapped runs), one per rearranged
segment, which :func:`plantreg.simulate.axt.write_axtnet` turns into axtNet records. Soft-masking
(lower case) and N bases are carried over; reverse-complemented segments keep their case.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from plantreg.errors import InputError

log = logging.getLogger(__name__)

_CODE = np.full(256, 4, dtype=np.uint8)
for _i, _c in enumerate(b"ACGT"):
    _CODE[_c] = _i
    _CODE[_c + 32] = _i
_UPPER = np.frombuffer(b"ACGT", dtype=np.uint8)
_COMPLEMENT = np.arange(256, dtype=np.uint8)
for _a, _b in zip(b"ACGTNacgtn", b"TGCANtgcan", strict=True):
    _COMPLEMENT[_a] = _b


def reverse_complement(seq: np.ndarray) -> np.ndarray:
    """Reverse complement of uint8 ASCII bases, keeping case (other bytes are left as they are)."""
    return _COMPLEMENT[seq[::-1]]


@dataclass
class EvolveConfig:
    """Rates are per A base; lengths in bases."""

    substitution_rate: float = 0.05
    element_substitution_rate: float = 0.01  # kept regulatory elements are conserved
    element_loss_fraction: float = 0.3  # fraction of regulatory elements lost in B
    loss_substitution_rate: float = 0.75  # lost element: ~random sequence (motifs destroyed)
    indel_rate: float = 0.002  # indel events per base (half insertions, half deletions)
    indel_mean_length: float = 3.0  # geometric length distribution
    indel_max_length: int = 30
    n_inversions_per_chrom: int = 1
    n_moves_per_chrom: int = 1  # blocks cut out and pasted elsewhere on the same chromosome
    move_inverted_fraction: float = 0.5  # chance that a moved block is also inverted
    rearrangement_min_length: int = 5_000
    rearrangement_max_length: int = 200_000


@dataclass
class AlignedBlock:
    """One collinear block of the A→B map: ungapped runs, ascending in both sequences.

    ``q_starts`` are B coordinates on B's forward strand for strand '+', and on the reverse
    complement of B's chromosome (position q ↔ forward ``b_size - 1 - q``) for strand '-', exactly
    as axtNet writes them. Gaps between consecutive runs are deletions (A side) and insertions
    (B side).
    """

    chrom_a: str
    chrom_b: str
    strand: str
    b_size: int
    a_starts: np.ndarray
    q_starts: np.ndarray
    lengths: np.ndarray

    @property
    def a_start(self) -> int:
        return int(self.a_starts[0])

    @property
    def a_end(self) -> int:
        return int(self.a_starts[-1] + self.lengths[-1])


@dataclass
class EvolvedSpecies:
    genome: dict[str, np.ndarray]
    name_map: dict[str, str]
    lifted: pd.DataFrame
    blocks: list[AlignedBlock]
    # features that did not lift whole: id, chrom (A), start, end, reason (breakpoint|deleted)
    unlifted: pd.DataFrame = field(default_factory=pd.DataFrame)
    # planted rearrangements: chrom, start, end (A), kind (inversion|move|move_inverted), dest
    rearrangements: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class _Segment:
    a_start: int
    a_end: int
    inverted: bool


def b_chromosome_names(names_a: list[str]) -> dict[str, str]:
    """Chr1 → chr01, Chr12 → chr12, ChrC → chrc; a numeric suffix is zero-padded to 2 digits."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names_a:
        m = re.fullmatch(r"(.*?)(\d+)", name)
        new = f"{m.group(1).lower()}{int(m.group(2)):02d}" if m else name.lower()
        base, k = new, 1
        while new in used:
            k += 1
            new = f"{base}_{k}"
        used.add(new)
        out[name] = new
    return out


def _interval_cover(starts: np.ndarray, ends: np.ndarray, length: int) -> np.ndarray:
    """Boolean mask of positions covered by any [start, end)."""
    diff = np.zeros(length + 1, dtype=np.int32)
    np.add.at(diff, starts, 1)
    np.add.at(diff, ends, -1)
    return np.cumsum(diff[:-1]) > 0


def _inside_count(starts: np.ndarray, ends: np.ndarray, length: int) -> np.ndarray:
    """For each boundary b in 0..length, how many intervals have start < b < end."""
    diff = np.zeros(length + 2, dtype=np.int32)
    np.add.at(diff, starts + 1, 1)
    np.add.at(diff, np.maximum(ends, starts + 1), -1)
    return np.cumsum(diff[:-1])


def _substitute(seq: np.ndarray, rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Substitute bases with per-base probability ``rate``; case kept, N never touched."""
    out = seq.copy()
    codes = _CODE[seq]
    hit = (rng.random(seq.size, dtype=np.float32) < rate) & (codes < 4)
    idx = np.flatnonzero(hit)
    new = _UPPER[(codes[idx] + rng.integers(1, 4, size=idx.size)) % 4]
    lower = seq[idx] >= ord("a")
    out[idx] = np.where(lower, new + 32, new).astype(np.uint8)
    return out


def _indels(
    length: int, protected: np.ndarray, cfg: EvolveConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return (deleted mask over A, number of bases inserted before each A position)."""
    n_events = rng.binomial(length, min(cfg.indel_rate, 1.0)) if length > 2 else 0
    pos = rng.integers(1, max(length, 2), size=n_events)
    sizes = np.minimum(rng.geometric(1.0 / max(cfg.indel_mean_length, 1.0), n_events),
                       cfg.indel_max_length)
    is_ins = rng.random(n_events) < 0.5
    ok = ~protected[np.minimum(pos, length - 1)] if length else np.zeros(0, bool)
    ins = np.zeros(length + 1, dtype=np.int64)
    np.add.at(ins, pos[is_ins & ok], sizes[is_ins & ok])
    dels = ~is_ins & ok
    deleted = _interval_cover(pos[dels], np.minimum(pos[dels] + sizes[dels], length), length)
    # truncate deletions that run into protected bases rather than dropping them
    return deleted & ~protected, ins


def _build_m(
    seq: np.ndarray, deleted: np.ndarray, ins: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Apply indels: return (M sequence, cum_before) with cum_before[b] = M length from A[:b]."""
    keep = ~deleted
    per_pos = keep.astype(np.int64) + ins[:-1]
    cum_before = np.zeros(seq.size + 1, dtype=np.int64)
    np.cumsum(per_pos, out=cum_before[1:])
    m_seq = np.empty(int(cum_before[-1]), dtype=np.uint8)
    is_ins = np.ones(m_seq.size, dtype=bool)
    kept_pos = (cum_before[:-1] + ins[:-1])[keep]
    is_ins[kept_pos] = False
    m_seq[kept_pos] = seq[keep]
    # inserted bases take the case of the A base they precede
    owner = np.repeat(np.arange(seq.size), ins[:-1])
    new = _UPPER[rng.integers(0, 4, size=owner.size)]
    m_seq[is_ins] = np.where(seq[owner] >= ord("a"), new + 32, new).astype(np.uint8)
    return m_seq, cum_before


def _snap(b: int, lo: int, hi: int, clean: np.ndarray) -> int:
    """Move breakpoint b to the nearest clean boundary within [lo, hi] (unchanged if none)."""
    i = int(np.searchsorted(clean, b))
    cands = [int(clean[j]) for j in (i - 1, i) if 0 <= j < clean.size and lo <= clean[j] <= hi]
    return min(cands, key=lambda c: abs(c - b)) if cands else b


def _plan_segments(
    length: int, inside: np.ndarray, cfg: EvolveConfig, rng: np.random.Generator
) -> tuple[list[_Segment], list[tuple[int, int, str, int]]]:
    """Segments of A in B order, and the events placed (start, end, kind, dest)."""
    n_inv, n_mov = cfg.n_inversions_per_chrom, cfg.n_moves_per_chrom
    n_slots = n_inv + 2 * n_mov  # a move needs a slot for its block and one for its destination
    slot = length // max(n_slots, 1)
    if n_slots == 0 or slot < 200:
        if n_slots:
            log.info("chromosome of %d bp too short for %d rearrangements", length, n_slots)
        return [_Segment(0, length, False)], []
    clean = np.flatnonzero(inside == 0)
    kinds = ["inversion"] * n_inv + ["move"] * n_mov + ["dest"] * n_mov
    kinds = [kinds[i] for i in rng.permutation(n_slots)]
    intervals, dests = [], []
    for k, kind in enumerate(kinds):
        lo, hi = k * slot, (k + 1) * slot
        if kind == "dest":
            dests.append(_snap(int(rng.integers(lo + 1, hi)), lo + 1, hi - 1, clean))
            continue
        max_len = min(cfg.rearrangement_max_length, int(0.8 * slot))
        min_len = min(cfg.rearrangement_min_length, max_len // 2)
        size = int(rng.integers(min_len, max_len + 1))
        x = int(rng.integers(lo + 1, hi - size))
        x = _snap(x, lo + 1, x + size // 4, clean)
        y = _snap(x + size, x + size // 2, hi - 1, clean)
        intervals.append((x, y, kind))
    cuts = sorted({0, length, *dests, *(v for s, e, _ in intervals for v in (s, e))})
    segs = [_Segment(s, e, False) for s, e in zip(cuts[:-1], cuts[1:], strict=True)]
    events = []
    order = list(segs)
    moved = [(s, e) for s, e, kind in intervals if kind == "move"]
    for s, e, kind in intervals:
        if kind == "inversion":
            next(g for g in segs if g.a_start == s).inverted = True
            events.append((s, e, kind, -1))
    for (s, e), dest in zip(moved, rng.permutation(dests), strict=True):
        seg = next(g for g in order if g.a_start == s)
        seg.inverted = bool(rng.random() < cfg.move_inverted_fraction)
        order.remove(seg)
        at = next((i for i, g in enumerate(order) if g.a_start == dest), len(order))
        order.insert(at, seg)
        events.append((s, e, "move_inverted" if seg.inverted else "move", int(dest)))
    return order, events


def _blocks(
    chrom_a: str, chrom_b: str, deleted: np.ndarray, is_n: np.ndarray, ins: np.ndarray,
    cum_before: np.ndarray, order: list[_Segment], offsets: np.ndarray,
) -> list[AlignedBlock]:
    """Ungapped runs of the A→B map, grouped into collinear blocks (A order).

    A block is a segment's runs between N runs: N bases are left out of the alignment (aligners
    do not align assembly gaps), and an N run ends a block like a chain break does.
    """
    b_size = int(cum_before[-1])
    idx = np.flatnonzero(~deleted & ~is_n)
    if idx.size == 0:
        return []
    m = cum_before[idx] + ins[idx]
    seg_starts = np.array([g.a_start for g in order])
    by_a = np.argsort(seg_starts)
    seg_of = by_a[np.searchsorted(seg_starts[by_a], idx, side="right") - 1]
    brk = np.flatnonzero((np.diff(idx) != 1) | (np.diff(m) != 1) | (np.diff(seg_of) != 0)) + 1
    run_start = np.concatenate([[0], brk])
    run_len = np.diff(np.concatenate([run_start, [idx.size]]))
    a_run, m_run, seg_run = idx[run_start], m[run_start], seg_of[run_start]
    pm_s = cum_before[seg_starts][seg_run]
    pm_e = cum_before[np.array([g.a_end for g in order])][seg_run]
    inv = np.array([g.inverted for g in order], dtype=bool)[seg_run]
    o = offsets[seg_run]
    q_run = np.where(inv, m_run + (b_size - o - pm_e), o + m_run - pm_s)
    n_run = np.cumsum(is_n & ~np.concatenate([[False], is_n[:-1]]))[a_run]
    cuts = np.flatnonzero((np.diff(seg_run) != 0) | (np.diff(n_run) != 0)) + 1
    return [
        AlignedBlock(chrom_a, chrom_b, "-" if order[s[0]].inverted else "+", b_size, a, q, n)
        for s, a, q, n in zip(*(np.split(x, cuts) for x in (seg_run, a_run, q_run, run_len)),
                              strict=True)
    ]


def _lift(
    feats: pd.DataFrame, chrom_b: str, ins: np.ndarray, cum_before: np.ndarray,
    order: list[_Segment], offsets: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lift features to B: the span of their mapped ends; unlifted ones with a reason."""
    s = feats["start"].to_numpy(np.int64)
    e = feats["end"].to_numpy(np.int64)
    seg_starts = np.array([g.a_start for g in order])
    seg_ends = np.array([g.a_end for g in order])
    by_a = np.argsort(seg_starts)
    k = by_a[np.searchsorted(seg_starts[by_a], s, side="right") - 1]
    ms, me = cum_before[s] + ins[s], cum_before[e]
    breakpoint = e > seg_ends[k]
    deleted = ~breakpoint & (me <= ms)
    inv = np.array([g.inverted for g in order], dtype=bool)[k]
    pm_s, pm_e, o = cum_before[seg_starts[k]], cum_before[seg_ends[k]], offsets[k]
    start = np.where(inv, o + pm_e - me, o + ms - pm_s)
    end = np.where(inv, o + pm_e - ms, o + me - pm_s)
    strand = feats["strand"].to_numpy(object)
    flipped = np.where(strand == "+", "-", np.where(strand == "-", "+", strand))
    ok = ~breakpoint & ~deleted
    lifted = pd.DataFrame({
        "id": feats["id"].to_numpy()[ok], "chrom": chrom_b, "start": start[ok], "end": end[ok],
        "strand": np.where(inv, flipped, strand)[ok], "lost": feats["lost"].to_numpy(bool)[ok],
    })
    unlifted = feats.loc[~ok, ["id", "chrom", "start", "end"]].assign(
        reason=np.where(breakpoint, "breakpoint", "deleted")[~ok])
    return lifted, unlifted


def _check_features(features: pd.DataFrame, genome_a: dict[str, np.ndarray]) -> None:
    missing = {"id", "chrom", "start", "end", "strand", "regulatory"} - set(features.columns)
    if missing:
        raise InputError(f"features lack columns {sorted(missing)}")
    unknown = set(features["chrom"].astype(str)) - set(genome_a)
    if unknown:
        raise InputError(f"features on chromosomes not in genome A: {sorted(unknown)[:5]}")
    sizes = features["chrom"].astype(str).map({c: s.size for c, s in genome_a.items()})
    bad = (features["start"] < 0) | (features["end"] <= features["start"]) | (
        features["end"] > sizes)
    if bad.any():
        raise InputError(f"{int(bad.sum())} features with invalid coordinates")


def _choose_lost(features: pd.DataFrame, frac: float, rng: np.random.Generator) -> np.ndarray:
    reg = np.flatnonzero(features["regulatory"].to_numpy(bool))
    lost = np.zeros(len(features), dtype=bool)
    lost[rng.choice(reg, size=int(round(frac * reg.size)), replace=False)] = True
    return lost


def _evolve_chrom(
    name_a: str, name_b: str, seq: np.ndarray, feats: pd.DataFrame, cfg: EvolveConfig,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[AlignedBlock], pd.DataFrame, pd.DataFrame, list]:
    length = seq.size
    reg = feats[feats["regulatory"].to_numpy(bool)]
    kept, lost = reg[~reg["lost"].to_numpy(bool)], reg[reg["lost"].to_numpy(bool)]
    rate = np.full(length, cfg.substitution_rate, dtype=np.float32)
    rate[_interval_cover(kept["start"].to_numpy(), kept["end"].to_numpy(), length)] = (
        cfg.element_substitution_rate)
    rate[_interval_cover(lost["start"].to_numpy(), lost["end"].to_numpy(), length)] = (
        cfg.loss_substitution_rate)
    mutated = _substitute(seq, rate, rng)
    protected = _interval_cover(reg["start"].to_numpy(), reg["end"].to_numpy(), length)
    protected |= _CODE[seq] == 4
    deleted, ins = _indels(length, protected, cfg, rng)
    m_seq, cum_before = _build_m(mutated, deleted, ins, rng)
    inside = _inside_count(feats["start"].to_numpy(), feats["end"].to_numpy(), length)
    order, events = _plan_segments(length, inside, cfg, rng)
    pieces = []
    for g in order:
        piece = m_seq[cum_before[g.a_start]:cum_before[g.a_end]]
        pieces.append(reverse_complement(piece) if g.inverted else piece)
    offsets = np.concatenate([[0], np.cumsum([p.size for p in pieces])[:-1]]).astype(np.int64)
    b_seq = np.concatenate(pieces) if pieces else m_seq
    blocks = _blocks(name_a, name_b, deleted, _CODE[seq] == 4, ins, cum_before, order, offsets)
    lifted, unlifted = _lift(feats, name_b, ins, cum_before, order, offsets)
    return b_seq, blocks, lifted, unlifted, [(name_a, *ev) for ev in events]


def evolve_species(
    genome_a: dict[str, np.ndarray], features: pd.DataFrame, rng: np.random.Generator,
    cfg: EvolveConfig | None = None,
) -> EvolvedSpecies:
    """Evolve B from A (see module docstring); features lift exactly through the base map."""
    cfg = cfg or EvolveConfig()
    _check_features(features, genome_a)
    features = features.astype({"chrom": str, "start": np.int64, "end": np.int64,
                                "strand": object, "regulatory": bool})
    features = features.assign(lost=_choose_lost(features, cfg.element_loss_fraction, rng))
    name_map = b_chromosome_names(list(genome_a))
    genome_b, blocks, lifted, unlifted, events = {}, [], [], [], []
    for name_a, seq in genome_a.items():
        feats = features[features["chrom"] == name_a]
        b_seq, blk, lf, ul, ev = _evolve_chrom(name_a, name_map[name_a], np.asarray(seq, np.uint8),
                                               feats, cfg, rng)
        genome_b[name_map[name_a]] = b_seq
        blocks += blk
        lifted.append(lf)
        unlifted.append(ul)
        events += ev
    lifted_df = pd.concat(lifted, ignore_index=True)
    unlifted_df = pd.concat(unlifted, ignore_index=True)
    for reason, n in unlifted_df["reason"].value_counts().items():
        log.info("%d of %d features not lifted to B: %s", n, len(features), reason)
    log.info("evolved %d chromosomes: %d aligned blocks, %d features lifted (%d lost elements)",
             len(genome_b), len(blocks), len(lifted_df), int(lifted_df["lost"].sum()))
    events_df = pd.DataFrame(events, columns=["chrom", "start", "end", "kind", "dest"])
    return EvolvedSpecies(genome_b, name_map, lifted_df, blocks, unlifted_df, events_df)
