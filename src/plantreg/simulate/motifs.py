"""Real plant TF motifs from JASPAR (offline, via pyjaspar): selection, sampling and scanning.

Sequences here are uint8 codes A=0 C=1 G=2 T=3 N=4 (the contract's encoding).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from plantreg.errors import InputError

log = logging.getLogger(__name__)

BACKGROUND = np.array([0.32, 0.18, 0.18, 0.32])  # plant-like, ~64 % AT
_COMPLEMENT_CODE = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_MIN_LEN, _MAX_LEN = 8, 15  # three motifs must fit a 50 bp module window
_MIN_IC = 9.0  # bits: weak motifs would match everywhere in an AT-rich genome


@dataclass(frozen=True)
class Motif:
    tf: str  # file-safe name used for dapseq/<tf>.bw
    jaspar_id: str
    name: str
    prob: np.ndarray  # (length, 4) letter probabilities A C G T
    role: str = "neutral"  # activator | pioneer | neutral

    @property
    def length(self) -> int:
        return int(self.prob.shape[0])

    @property
    def consensus(self) -> str:
        return "".join("ACGT"[i] for i in self.prob.argmax(axis=1))

    def log_odds(self) -> np.ndarray:
        """(length, 5) log2-odds against the plant background; N scores as a strong mismatch."""
        lo = np.log2((self.prob + 0.01) / (1.04 * BACKGROUND))
        return np.hstack([lo, np.full((self.length, 1), -8.0)]).astype(np.float32)


def _info_content(prob: np.ndarray) -> float:
    p = np.clip(prob, 1e-9, 1.0)
    return float((2.0 + (p * np.log2(p)).sum(axis=1)).sum())


def _safe_name(name: str) -> str:
    # The mark name of <TF>.bw is the text before the first '.', so no dots or odd characters.
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def load_plant_motifs(release: str) -> list[Motif]:
    """All CORE plant matrices of ``release``, latest version of each, sorted by matrix id."""
    from pyjaspar import jaspardb

    try:
        raw = jaspardb(release=release).fetch_motifs(collection="CORE", tax_group=["plants"])
    except Exception as err:  # pyjaspar raises bare exceptions for unknown releases
        raise InputError(f"cannot load JASPAR release {release}: {err}") from err
    latest: dict[str, object] = {}
    for m in raw:
        base, version = m.matrix_id.split(".")
        if base not in latest or int(latest[base].matrix_id.split(".")[1]) < int(version):
            latest[base] = m
    motifs = []
    for base in sorted(latest):
        m = latest[base]
        counts = np.array([m.counts[b] for b in "ACGT"], dtype=float).T
        prob = counts / counts.sum(axis=1, keepdims=True)
        motifs.append(Motif(_safe_name(m.name), m.matrix_id, m.name, prob))
    return motifs


def _kmers(consensus: str, k: int = 6) -> set[str]:
    rc = consensus[::-1].translate(str.maketrans("ACGT", "TGCA"))
    return {s[i : i + k] for s in (consensus, rc) for i in range(len(s) - k + 1)}


def select_motifs(
    motifs: list[Motif], n: int, n_activators: int, n_pioneers: int, rng: np.random.Generator,
    identifiable_only: bool = False,
) -> list[Motif]:
    """Pick ``n`` informative, mutually dissimilar motifs with distinct names and assign roles.
    ``identifiable_only``: skip matrices that TomTom cannot tell from a JASPAR sibling, in the
    draw's order, so the same random numbers are used (the generator ends in the same state)."""
    pool = [
        m
        for m in motifs
        if _MIN_LEN <= m.length <= _MAX_LEN and _info_content(m.prob) >= _MIN_IC
    ]
    allowed = None
    if identifiable_only:
        from plantreg.simulate.identifiable import identifiable

        allowed = identifiable(pool, motifs)
    chosen: list[Motif] = []
    seen_kmers: set[str] = set()
    names: set[str] = set()
    for i in rng.permutation(len(pool)):
        m = pool[i]
        km = _kmers(m.consensus)
        if m.tf.upper() in names or km & seen_kmers:
            continue
        if allowed is not None and m.jaspar_id not in allowed:
            continue
        chosen.append(m)
        names.add(m.tf.upper())
        seen_kmers |= km
        if len(chosen) == n:
            break
    if len(chosen) < n:
        raise InputError(f"only {len(chosen)} suitable plant motifs, {n} requested")
    roles = ["activator"] * n_activators + ["pioneer"] * n_pioneers
    roles += ["neutral"] * (n - len(roles))
    return [Motif(m.tf, m.jaspar_id, m.name, m.prob, r) for m, r in zip(chosen, roles, strict=True)]


def sample_site(motif: Motif, rng: np.random.Generator, n_try: int = 4) -> np.ndarray:
    """A strong instance (codes, forward strand) drawn from a sharpened PWM, best of ``n_try``."""
    sharp = motif.prob**2 + 1e-6
    sharp /= sharp.sum(axis=1, keepdims=True)
    u = rng.random((n_try, motif.length, 1))
    draws = (u > np.cumsum(sharp, axis=1)[None]).sum(axis=2).clip(0, 3).astype(np.uint8)
    lo = motif.log_odds()
    scores = lo[np.arange(motif.length)[None], draws].sum(axis=1)
    return draws[int(np.argmax(scores))]


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    return _COMPLEMENT_CODE[codes[::-1]]


def max_score(motif: Motif) -> float:
    return float(motif.log_odds()[:, :4].max(axis=1).sum())


KMER = 6  # 5**6 table entries stay cache-resident; two gathers cover a 12 bp motif


def kmer_index(codes: np.ndarray, k: int = KMER) -> np.ndarray:
    """Base-5 index of the k-mer starting at each position (N-padded past the end)."""
    padded = np.concatenate([codes, np.full(k, 4, dtype=np.uint8)]).astype(np.int16)
    idx = np.zeros(codes.size + 1, dtype=np.int16)
    for j in range(k):
        idx = idx * 5 + padded[j : j + codes.size + 1]
    return idx


def _scan_strand(kidx: np.ndarray, lo: np.ndarray, n: int, k: int) -> np.ndarray:
    # Score = sum of per-k-mer table look-ups: k positions per gather instead of one.
    w = lo.shape[0]
    n_chunks = -(-w // k)
    lo = np.vstack([lo, np.zeros((n_chunks * k - w, 5), dtype=np.float32)])
    grid = np.array(np.meshgrid(*[np.arange(5)] * k, indexing="ij")).reshape(k, -1)
    score = np.zeros(n, dtype=np.float32)
    for c in range(n_chunks):
        table = sum(lo[c * k + j][grid[j]] for j in range(k)).astype(np.float32)
        start = c * k
        seg = kidx[start : start + n]
        score[: seg.size] += table[seg]
        score[seg.size :] = -np.inf
    return score


def scan(codes: np.ndarray, motif: Motif, kidx: np.ndarray | None = None) -> np.ndarray:
    """Best log-odds over both strands for the window starting at each position (-inf past end).
    ``kidx`` (from :func:`kmer_index`) can be shared between motifs scanning one sequence."""
    n, k = codes.size, KMER
    lo = motif.log_odds()
    rc = lo[::-1][:, [3, 2, 1, 0, 4]]
    if kidx is None:
        kidx = kmer_index(codes, k)
    score = np.maximum(_scan_strand(kidx, lo, n, k), _scan_strand(kidx, rc, n, k))
    score[max(n - motif.length + 1, 0) :] = -np.inf
    return score
