"""A small planted dataset: AT-rich sequences whose marks depend on planted motifs.

mark_x: motif X present. mark_xy: X and Y within 200 bp of each other (the windows where both are
present are half near, half far, so k-mer counts cannot tell them apart). mark_z: motif Z present.
5 % label noise. Windows are split by a fake chromosome name, as PREPARE_DATA does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plantreg.io import save_npy

MOTIFS = {"X": "GCCACGTGGCAG", "Y": "TGACGTCATCGC", "Z": "CCGCGGAAGTGC"}
MOTIF_LEN = 12
CENTRE_JITTER = 40
TAGS = ["mark_x", "mark_xy", "mark_z"]
LENGTH = 256
NEAR = (10, 40)  # X–Y distance of a positive mark_xy window
FAR = 120  # minimum X–Y distance of a negative one
SPLIT = {"train": ["c1", "c2", "c3"], "valid": ["c4"], "test": ["c5"]}


def _codes(motif: str) -> np.ndarray:
    return np.array(["ACGT".index(b) for b in motif], dtype=np.uint8)


def _place(rng: np.random.Generator, taken: list[tuple[int, int]], lo: int, hi: int) -> int:
    """A start in [lo, hi) whose motif does not overlap the ones already placed."""
    for _ in range(1000):
        start = int(rng.integers(lo, hi))
        if all(start + MOTIF_LEN <= s or start >= e for s, e in taken):
            return start
    raise RuntimeError("could not place a motif")


def _plant(seq: np.ndarray, motif: str, start: int, rng: np.random.Generator) -> None:
    codes = _codes(MOTIFS[motif])
    if rng.random() < 0.5:  # either strand
        codes = (3 - codes)[::-1]
    seq[start : start + len(codes)] = codes


def _window(rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    seq = rng.choice(4, size=LENGTH, p=[0.32, 0.18, 0.18, 0.32]).astype(np.uint8)
    has_x, has_y, has_z = rng.random(3) < (0.5, 0.5, 0.35)
    near = bool(has_x and has_y and rng.random() < 0.5)
    taken: list[tuple[int, int]] = []
    # motifs sit near the centre, as a peak summit does in the windows centred on it
    lo, hi = LENGTH // 2 - CENTRE_JITTER - MOTIF_LEN // 2, LENGTH // 2 + CENTRE_JITTER
    if has_x:
        px = _place(rng, taken, lo, hi)
        taken.append((px, px + MOTIF_LEN))
        _plant(seq, "X", px, rng)
    if has_y:
        gap_lo, gap_hi = NEAR if near else (FAR, LENGTH)
        for _ in range(1000):
            py = _place(rng, taken, *((0, LENGTH - MOTIF_LEN) if has_x else (lo, hi)))
            if not has_x or gap_lo <= abs(py - px) <= gap_hi:
                break
        else:
            raise RuntimeError("could not place Y")
        taken.append((py, py + MOTIF_LEN))
        _plant(seq, "Y", py, rng)
    if has_z:
        pz = _place(rng, taken, lo, hi)
        taken.append((pz, pz + MOTIF_LEN))
        _plant(seq, "Z", pz, rng)
    return seq, [int(has_x), int(near), int(has_z)]


def make_planted(outdir: Path, n_per_chrom: int = 300, seed: int = 7, noise: float = 0.05) -> Path:
    """Write ``{split}.seq.npy``, ``{split}.labels.npy`` and ``tags.txt`` under ``outdir``."""
    rng = np.random.default_rng(seed)
    for split, chroms in SPLIT.items():
        n = n_per_chrom * len(chroms)
        windows = [_window(rng) for _ in range(n)]
        seq = np.stack([w[0] for w in windows])
        labels = np.array([w[1] for w in windows], dtype=np.uint8)
        flip = rng.random(labels.shape) < noise
        labels = np.where(flip, 1 - labels, labels).astype(np.uint8)
        save_npy(outdir / f"{split}.seq.npy", seq)
        save_npy(outdir / f"{split}.labels.npy", labels)
    (outdir / "tags.txt").write_text("\n".join(TAGS) + "\n")
    return outdir


@pytest.fixture(scope="session")
def planted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_planted(tmp_path_factory.mktemp("planted"))
