"""Seeding the motif scanner with the k-mers most enriched in each mark's training windows.

Why: a randomly initialised scanner needs thousands of optimiser steps before its filters find
the motifs behind a mark, and when a mark needs two motifs together (cooperative binding), each
motif alone carries only part of the signal, so the search is slower still. The k-mer baseline
finds those enriched words in one convex fit. Seeding starts the network where the baseline ends
(each seed is an ordinary filter that training then reshapes, lengthens or abandons), so what is
left to learn is what k-mer counts cannot see: the motifs' spacing, order and orientation.

Only the training split is read. A k-mer and its reverse complement are counted as one word and
each seed sets two filters, one per strand, because an ordered pair on the minus strand is the
reverse complements in reverse order.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch

from plantreg.training.metrics import binarize

log = logging.getLogger(__name__)

SEED_K = 8
SEED_MATCH = 1.0  # filter weight of the seed's base at each position (the others get −1)
SEED_BIAS = 2.0 - SEED_K  # a perfect match scores +2, one mismatch 0, random sequence far below
MIN_LOCI = 10  # distinct places a seed word must be found at among a mark's positive windows


def _kmer_index(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Canonical k-mer indices ``(n, L−k+1)`` (the smaller of a word and its reverse complement)
    and a mask of those without N."""
    windows = np.lib.stride_tricks.sliding_window_view(codes.astype(np.int64), k, axis=1)
    valid = (windows < 4).all(axis=2)
    forward = windows @ (4 ** np.arange(k - 1, -1, -1))
    reverse = (3 - np.clip(windows, 0, 3)) @ (4 ** np.arange(k))
    return np.minimum(forward, reverse), valid


def kmer_presence_counts(
    codes: np.ndarray, labels: np.ndarray, k: int = SEED_K, chunk: int = 2048
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows that hold each canonical k-mer at least once: per mark among its positive windows
    ``(n_marks, 4**k)``, among all windows ``(4**k,)``, and the positive windows per mark.

    Presence rather than occurrences (as HOMER counts): a word repeated along a GC-rich or
    repetitive window counts once, so composition does not pass for a motif."""
    y = binarize(np.asarray(labels))
    n_words = 4**k
    pos = np.zeros((y.shape[1], n_words), dtype=np.int64)
    total = np.zeros(n_words, dtype=np.int64)
    for start in range(0, len(codes), chunk):
        index, valid = _kmer_index(np.asarray(codes[start : start + chunk]), k)
        index = np.sort(np.where(valid, index, n_words), axis=1)  # n_words: a word with N
        first = np.ones(index.shape, dtype=bool)
        first[:, 1:] = index[:, 1:] != index[:, :-1]
        first &= index < n_words
        total += np.bincount(index[first], minlength=n_words)
        block = y[start : start + chunk]
        for j in range(y.shape[1]):
            rows = block[:, j] == 1
            pos[j] += np.bincount(index[rows][first[rows]], minlength=n_words)
    return pos, total, (y == 1).sum(axis=0)


def _decode(index: int, k: int) -> str:
    return "".join("ACGT"[(index >> (2 * (k - 1 - i))) & 3] for i in range(k))


def _reverse_complement(word: str) -> str:
    return word[::-1].translate(str.maketrans("ACGT", "TGCA"))


def _shares_core(word: str, chosen: list[str], core: int) -> bool:
    """Whether ``word`` shares a ``core``-mer (either strand) with a chosen seed: shifted copies
    of one motif are one seed, not several."""
    cores = {word[i : i + core] for i in range(len(word) - core + 1)}
    cores |= {_reverse_complement(c) for c in cores}
    return any(seed[i : i + core] in cores for seed in chosen
               for i in range(len(seed) - core + 1))


def enriched_kmers(
    pos: np.ndarray, total: np.ndarray, n_pos: np.ndarray, n_windows: int, per_mark: int,
    min_windows: int = 10, min_log2: float = 1.0,
) -> list[tuple[int, str, float]]:
    """Up to ``per_mark`` seeds per mark: ``(mark index, k-mer, z)``, ranked by the z-score of the
    word's presence in positive against negative windows (a normal approximation of HOMER's
    hypergeometric test: it favours words that are both enriched and common), among words at
    least ``2**min_log2``-fold enriched in at least ``min_windows`` positive windows; no two
    seeds share a (k−2)-mer, so shifted copies of one motif make one seed."""
    k = int(round(np.log(pos.shape[1]) / np.log(4)))
    seeds: list[tuple[int, str, float]] = []
    chosen: list[str] = []
    for j in range(pos.shape[0]):
        n_neg = max(n_windows - int(n_pos[j]), 1)
        p = (pos[j] + 1) / (n_pos[j] + 2)
        q = (total - pos[j] + 1) / (n_neg + 2)
        z = (p - q) / np.sqrt(q * (1 - q) / max(int(n_pos[j]), 1))
        z[(pos[j] < min_windows) | (np.log2(p / q) < min_log2)] = -np.inf
        taken = 0
        for index in np.argsort(-z, kind="stable"):
            if taken == per_mark or not np.isfinite(z[index]):
                break
            word = _decode(int(index), k)
            if _shares_core(word, chosen, k - 2):
                continue
            seeds.append((j, word, float(z[index])))
            chosen.append(word)
            taken += 1
    return seeds


@torch.no_grad()
def seed_scanner(scanner: torch.nn.Conv1d, words: list[str]) -> int:
    """Set the first filters of ``scanner`` to ``words`` and their reverse complements, centred
    in the kernel; returns how many filters were set (the rest keep their random start)."""
    kernel = scanner.kernel_size[0]
    pairs = [w for word in words for w in (word, _reverse_complement(word))]
    pairs = pairs[: scanner.out_channels]
    for f, word in enumerate(pairs):
        offset = (kernel - len(word)) // 2
        weight = torch.zeros(4, kernel)
        weight[:, offset : offset + len(word)] = -SEED_MATCH
        for i, base in enumerate(word):
            weight["ACGT".index(base), offset + i] = SEED_MATCH
        scanner.weight[f] = weight
        scanner.bias[f] = SEED_BIAS
    return len(pairs)


def seed_from_training(
    scanner: torch.nn.Conv1d, codes: np.ndarray, labels: np.ndarray, tags: list[str],
    per_mark: int, max_windows: int = 20_000, seed: int = 0, overlap: int = 1,
) -> list[tuple[str, str, float]]:
    """Count k-mers in (a seeded sample of at most ``max_windows``) training windows and seed
    the scanner; returns ``(mark, k-mer, z)`` of each seed, for the log.

    ``overlap``: how many training windows hold one base (window length / grid stride). A seed
    must be present at ``MIN_LOCI`` places, so it needs ``MIN_LOCI × overlap`` positive windows
    (of the sample's share): at stride 64 one element lies in 16 windows, and a word found at a
    handful of elements (a repeat, a gene's coding sequence) otherwise passed for a motif. On the
    bundled data such words, present in 2-5 % of positive windows, were every seed of the
    promoter marks and cost them 0.04-0.10 AUPRC."""
    rows = np.arange(len(codes))
    if len(rows) > max_windows:
        rows = np.sort(np.random.default_rng(seed).choice(len(rows), max_windows, replace=False))
    pos, total, n_pos = kmer_presence_counts(np.asarray(codes[rows]), np.asarray(labels[rows]))
    min_windows = math.ceil(MIN_LOCI * max(overlap, 1) * len(rows) / len(codes))
    found = enriched_kmers(pos, total, n_pos, len(rows), per_mark, min_windows=min_windows)
    n = seed_scanner(scanner, [word for _, word, _ in found])
    log.info("motif scanner: %d of %d filters seeded with %d enriched %d-mers (both strands)",
             n, scanner.out_channels, len(found), SEED_K)
    return [(tags[j], word, score) for j, word, score in found]
