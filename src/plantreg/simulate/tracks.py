"""Observed tracks from true intervals: noisy narrowPeak replicates and smooth signal bigWigs.

Species-agnostic: everything takes chromosome sizes plus interval tables, so species B reuses it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.simulate.presets import NoiseConfig


def merge_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """Merge overlapping or book-ended intervals per chromosome (columns chrom, start, end)."""
    out = []
    for chrom, grp in df.sort_values(["chrom", "start"], kind="stable").groupby("chrom", sort=True):
        s, e = grp["start"].to_numpy(), grp["end"].to_numpy()
        run_end = np.maximum.accumulate(e)
        new = np.concatenate([[True], s[1:] > run_end[:-1]])
        idx = np.flatnonzero(new)
        ends = np.maximum.reduceat(e, idx)
        out.append(pd.DataFrame(dict(chrom=chrom, start=s[idx], end=ends)))
    if not out:
        return pd.DataFrame(dict(chrom=[], start=[], end=[])).astype({"start": int, "end": int})
    return pd.concat(out, ignore_index=True)


def observe_peaks(true: pd.DataFrame, sizes: dict[str, int], noise: NoiseConfig,
                  rng: np.random.Generator) -> pd.DataFrame:
    """One replicate: drop some true intervals, jitter boundaries, add false peaks, merge."""
    kept = true[rng.random(len(true)) >= noise.miss_rate]
    jit = rng.normal(0, noise.jitter_sd, (len(kept), 2)).round().astype(np.int64)
    obs = pd.DataFrame(dict(chrom=kept["chrom"].to_numpy(),
                            start=kept["start"].to_numpy() + jit[:, 0],
                            end=kept["end"].to_numpy() + jit[:, 1]))
    n_false = int(rng.poisson(noise.false_rate * max(len(true), 1)))
    names = list(sizes)
    lengths = np.array([sizes[c] for c in names], dtype=float)
    ci = rng.choice(len(names), n_false, p=lengths / lengths.sum())
    width = rng.integers(150, 1200, n_false)
    start = (rng.random(n_false) * (lengths[ci] - width)).astype(np.int64)
    false = pd.DataFrame(dict(chrom=np.array(names)[ci], start=start, end=start + width))
    obs = pd.concat([obs, false], ignore_index=True)
    obs["start"] = obs["start"].clip(lower=0)
    obs["end"] = np.minimum(obs["end"], obs["chrom"].map(sizes))
    obs = obs[obs["end"] - obs["start"] >= 50]
    return merge_intervals(obs)


def write_narrowpeak(path: Path, peaks: pd.DataFrame, sample: str,
                     rng: np.random.Generator) -> None:
    """MACS2-style narrowPeak (10 columns), sorted by chromosome then start."""
    p = peaks.sort_values(["chrom", "start", "end"], kind="stable").reset_index(drop=True)
    n = len(p)
    signal = rng.gamma(3.0, 3.0, n) + 2.0
    pval = signal * 2.5 + rng.gamma(2.0, 1.0, n)
    qval = np.maximum(pval - 1.3, 0.0)
    score = np.minimum((pval * 10).astype(int), 1000)
    summit = ((p["end"] - p["start"]) * rng.uniform(0.3, 0.7, n)).astype(int)
    lines = [
        f"{c}\t{s}\t{e}\t{sample}_peak_{i + 1}\t{sc}\t.\t{sv:.3f}\t{pv:.3f}\t{qv:.3f}\t{su}\n"
        for i, (c, s, e, sc, sv, pv, qv, su) in enumerate(
            zip(p["chrom"], p["start"], p["end"], score, signal, pval, qval, summit, strict=True)
        )
    ]
    path.write_text("".join(lines))


def gauss_kernel(sd_bins: float) -> np.ndarray:
    x = np.arange(-int(3 * sd_bins + 0.5), int(3 * sd_bins + 0.5) + 1)
    k = np.exp(-0.5 * (x / sd_bins) ** 2)
    return k / k.sum()


def interval_signal(intervals: pd.DataFrame, chrom: str, length: int, bin_size: int,
                    amplitude: np.ndarray, sd_bp: float = 40.0) -> np.ndarray:
    """Per-bin mean signal: each interval a plateau of its amplitude, edges smoothed (gaussian)."""
    n_bins = -(-length // bin_size)
    diff = np.zeros(n_bins + 1, dtype=np.float64)
    sel = (intervals["chrom"] == chrom).to_numpy()
    s = intervals["start"].to_numpy()[sel] // bin_size
    e = -(-intervals["end"].to_numpy()[sel] // bin_size)
    np.add.at(diff, s, amplitude[sel])
    np.add.at(diff, e, -amplitude[sel])
    cover = np.cumsum(diff[:-1])
    return np.convolve(cover, gauss_kernel(max(sd_bp / bin_size, 0.5)), mode="same")


def noisy_counts(mean: np.ndarray, background: float, rng: np.random.Generator) -> np.ndarray:
    """Integer 'read counts' per bin: Poisson around signal plus a flat background."""
    return rng.poisson(np.maximum(mean, 0.0) + background).astype(np.float64)


def write_bigwig(path: Path, sizes: dict[str, int], values: dict[str, np.ndarray],
                 bin_size: int) -> None:
    """bigWig with header = ``sizes`` (genome order); equal neighbouring bins are merged, zeros are
    written (so readers see 0, not 'no data')."""
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(sizes.items()), maxZooms=4)
    for chrom, length in sizes.items():
        v = values[chrom].astype(np.float64)
        change = np.flatnonzero(np.diff(v) != 0) + 1
        first = np.concatenate([[0], change])
        starts = first * bin_size
        ends = np.minimum(np.concatenate([change * bin_size, [length]]), length)
        bw.addEntries([chrom] * first.size, starts.astype(np.int64).tolist(),
                      ends=ends.astype(np.int64).tolist(), values=v[first].tolist())
    bw.close()
