"""``plantreg tfbs dataset``: one TF's narrowPeak + the genome → NyxBind-layout train/dev/test CSVs.

Splits follow PREPARE_DATA's ``split.json`` (by chromosome name). The TF's folder is built in a
temporary folder and moved into place only when every file is written, so a failed run leaves
nothing half-written. ``windows.tsv`` says where each CSV row came from (rows in CSV order, the
splits one after the other). ``report.tsv`` counts, per split, the peaks, what was dropped and
why, and the windows kept; ``gc.png`` draws the GC histograms of positives and negatives.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.split import SETS, read_split
from plantreg.genome.windows import max_n_allowed
from plantreg.tfbs.nyxcsv import SPLIT_FILES, write_split_csv
from plantreg.tfbs.windows import (
    GC_BINS,
    WindowCounts,
    negative_windows,
    positive_windows,
)
from plantreg.tracks.peaks import read_peaks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatasetSettings:
    length: int = 101
    ratio: float = 1.0  # negatives per positive
    flank: int = 100  # bp around every peak that negatives keep clear of
    max_n_fraction: float = 0.0
    seed: int = 0


def _check_settings(settings: DatasetSettings) -> None:
    if settings.length < 8:
        raise InputError(f"--length must be at least 8 bp, got {settings.length}")
    if settings.ratio <= 0:
        raise InputError(f"--ratio must be positive, got {settings.ratio}")
    if settings.flank < 0:
        raise InputError(f"--flank must not be negative, got {settings.flank}")


def _split_windows(tf: str, peaks: pd.DataFrame, chroms: list[str], sizes: dict[str, int],
                   fasta, settings: DatasetSettings, rng: np.random.Generator,
                   ) -> tuple[pd.DataFrame, WindowCounts]:
    counts = WindowCounts()
    max_n = max_n_allowed(settings.length, settings.max_n_fraction)
    mine = peaks[peaks["chrom"].isin(chroms)]
    pos = positive_windows(mine, sizes, settings.length, fasta, max_n, counts)
    neg = negative_windows(pos, peaks, chroms, sizes, settings.length, fasta,
                           ratio=settings.ratio, flank=settings.flank, max_n=max_n, rng=rng,
                           counts=counts)
    frame = pd.concat([pos, neg], ignore_index=True)
    # A seeded shuffle: a CSV sorted by label would feed a model one class at a time.
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True), counts


def _report_rows(tf: str, role: str, counts: WindowCounts) -> dict:
    return {"tf": tf, "split": role, "peaks": counts.peaks,
            "dropped_off_chromosome_end": counts.off_chromosome_end,
            "dropped_too_many_n": counts.too_many_n,
            "dropped_duplicate_summit": counts.duplicate_summits,
            "positives": counts.positives, "negatives": counts.negatives,
            "negatives_wanted": counts.negatives_wanted,
            "gc_positives": ",".join(map(str, counts.gc_pos)),
            "gc_negatives": ",".join(map(str, counts.gc_neg))}


def _windows_table(frames: dict[str, pd.DataFrame], length: int) -> pd.DataFrame:
    """Where every CSV row came from, in CSV order: chrom, start, end, split, label."""
    return pd.concat([f[["chrom", "start"]].assign(end=f["start"] + length, split=role,
                                                   label=f["label"])
                      for role, f in frames.items()], ignore_index=True)


def _plot_gc(path: Path, tf: str, counts: dict[str, WindowCounts]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    centres = (GC_BINS[:-1] + GC_BINS[1:]) / 2
    fig, axes = plt.subplots(1, len(counts), figsize=(4 * len(counts), 3), sharey=True)
    for ax, (role, c) in zip(np.atleast_1d(axes), counts.items(), strict=True):
        ax.bar(centres - 0.02, c.gc_pos, width=0.04, label="positives (summits)")
        ax.bar(centres + 0.02, c.gc_neg, width=0.04, label="negatives (GC-matched)")
        ax.set(title=f"{tf}: {role}", xlabel="GC fraction", xlim=(0, 1))
    np.atleast_1d(axes)[0].set_ylabel("windows")
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_tf_dataset(tf: str, peaks_path: str | Path, fasta_path: str | Path,
                     split_path: str | Path, outdir: str | Path,
                     settings: DatasetSettings | None = None) -> Path:
    """Write ``<outdir>/{train,dev,test}.csv``, ``windows.tsv``, ``report.tsv``, ``gc.png``
    (``outdir`` is the TF's folder: one step, one folder, as the runner clears it)."""
    settings = settings or DatasetSettings()
    _check_settings(settings)
    fasta = open_fasta(fasta_path)  # indexes the FASTA when it has no .fai yet
    sizes = dict(read_fai(fasta_path))
    split = read_split(split_path, sizes)
    peaks = read_peaks(peaks_path, sizes)
    if "summit" not in peaks:
        raise InputError("TF peaks must be narrowPeak (10 columns, summit offset in column 10)",
                         peaks_path)
    if not peaks["chrom"].isin(split["train"]).any():
        shown = ", ".join(split["train"][:5]) + (", ..." if len(split["train"]) > 5 else "")
        raise InputError(f"no peak of {tf} on the training chromosomes ({shown})", peaks_path)
    rng = np.random.default_rng(settings.seed)
    frames, counts = {}, {}
    for role in SETS:
        frames[role], counts[role] = _split_windows(tf, peaks, split[role], sizes, fasta,
                                                    settings, rng)
    for role in SETS:
        if frames[role]["label"].nunique() < 2:
            raise InputError(f"{tf}: the {role} split has {counts[role].positives} positive and "
                             f"{counts[role].negatives} negative windows; both are needed",
                             peaks_path)
    final = Path(outdir)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{tf}.", dir=final.parent))
    try:
        for role, frame in frames.items():
            write_split_csv(tmp / SPLIT_FILES[role], np.stack(frame["codes"]),
                            frame["label"].to_numpy())
        _windows_table(frames, settings.length).to_csv(tmp / "windows.tsv", sep="\t",
                                                       index=False)
        report = pd.DataFrame([_report_rows(tf, role, counts[role]) for role in SETS])
        report.to_csv(tmp / "report.tsv", sep="\t", index=False)
        _plot_gc(tmp / "gc.png", tf, counts)
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for role in SETS:
        c = counts[role]
        log.info("%s %s: %d peaks → %d positives, %d GC-matched negatives (dropped: %d past a "
                 "chromosome end, %d with N, %d duplicate summits)", tf, role, c.peaks,
                 c.positives, c.negatives, c.off_chromosome_end, c.too_many_n,
                 c.duplicate_summits)
    return final
