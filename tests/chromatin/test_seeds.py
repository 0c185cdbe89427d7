"""Seeding the motif scanner: the planted word is found, composition is not mistaken for it."""

import numpy as np
import torch

from plantreg.chromatin.seeds import (
    SEED_K,
    enriched_kmers,
    kmer_presence_counts,
    seed_from_training,
    seed_scanner,
)

MOTIF = "TGACGGTA"  # not its own reverse complement
ENCODE = {b: i for i, b in enumerate("ACGT")}


def _windows(n: int = 600, length: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Positives hold the motif (either strand) on a GC-rich background, negatives do not; a
    third of the negatives hold a one-base-off copy."""
    rng = np.random.default_rng(seed)
    labels = np.zeros((n, 2), dtype=np.float32)
    labels[: n // 3, 0] = 1
    codes = np.empty((n, length), dtype=np.uint8)
    for i in range(n):
        gc = 0.7 if labels[i, 0] else 0.45
        codes[i] = rng.choice(4, length, p=[(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])
        word = np.array([ENCODE[b] for b in MOTIF], dtype=np.uint8)
        if labels[i, 0] and rng.random() < 0.5:
            word = (3 - word)[::-1]
        if not labels[i, 0] and rng.random() < 1 / 3:
            word = word.copy()
            word[3] = (word[3] + 1) % 4
        elif not labels[i, 0]:
            continue
        start = rng.integers(0, length - SEED_K)
        codes[i, start : start + SEED_K] = word
    codes[5, 10:30] = 4  # a run of N is not counted
    return codes, labels


def _canonical(word: str) -> str:
    rc = word[::-1].translate(str.maketrans("ACGT", "TGCA"))
    return min(word, rc)


def test_presence_counts_count_each_window_once():
    codes = np.zeros((3, 40), dtype=np.uint8)  # poly-A: one word, 33 times per window
    labels = np.array([[1.0], [0.0], [1.0]], dtype=np.float32)
    pos, total, n_pos = kmer_presence_counts(codes, labels)
    assert total[0] == 3 and pos[0, 0] == 2 and n_pos.tolist() == [2]
    assert total.sum() == 3


def test_planted_word_is_the_top_seed_despite_gc_rich_positives():
    codes, labels = _windows()
    pos, total, n_pos = kmer_presence_counts(codes, labels)
    seeds = enriched_kmers(pos, total, n_pos, len(codes), per_mark=3)
    first_mark = [word for j, word, _ in seeds if j == 0]
    assert _canonical(first_mark[0]) == _canonical(MOTIF)
    # the mark that nothing sets gets no seed (no word passes the enrichment filter)
    assert [s for s in seeds if s[0] == 1] == []


def test_seeded_filter_scores_its_word_and_not_a_mismatch():
    scanner = torch.nn.Conv1d(4, 6, 17)
    assert seed_scanner(scanner, [MOTIF]) == 2  # the word and its reverse complement

    def score(word: str) -> float:
        x = torch.zeros(1, 4, 17)
        for i, b in enumerate(word):
            x[0, ENCODE[b], 4 + i] = 1.0
        with torch.no_grad():
            return float(scanner(x)[0, 0, 0])

    mismatch = MOTIF[:3] + "T" + MOTIF[4:]
    assert score(MOTIF) == 2.0 and score(mismatch) == 0.0


def test_seed_from_training_returns_named_seeds():
    codes, labels = _windows(seed=1)
    scanner = torch.nn.Conv1d(4, 8, 17)
    seeds = seed_from_training(scanner, codes, labels, ["m1", "m2"], per_mark=2, max_windows=400)
    assert seeds[0][0] == "m1" and _canonical(seeds[0][1]) == _canonical(MOTIF)


def test_a_word_at_one_place_is_not_a_seed_however_many_windows_overlap_it():
    """At stride 64 one element lies in 16 windows: a word planted at two places (32 positive
    windows) passes a bar of 10 windows but not one of ten distinct places."""
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 4, (800, 256)).astype(np.uint8)
    labels = np.zeros((800, 1), dtype=np.float32)
    labels[:200, 0] = 1
    rare = np.array([ENCODE[b] for b in "CGTACTTG"], dtype=np.uint8)
    codes[:32, 100:108] = rare  # 2 places × 16 overlapping windows
    common = np.array([ENCODE[b] for b in MOTIF], dtype=np.uint8)
    codes[32:200, 30:38] = common  # the mark's real motif, in 168 windows (over 10 places)
    found = {
        overlap: [_canonical(w) for _, w, _ in seed_from_training(
            torch.nn.Conv1d(4, 8, 17), codes, labels, ["m"], per_mark=2, overlap=overlap)]
        for overlap in (1, 16)
    }
    assert _canonical("CGTACTTG") in found[1]  # windows counted as places: the rare word passes
    assert found[16] == [_canonical(MOTIF)]
