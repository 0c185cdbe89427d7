"""The mark (or TF) a track file stands for, by one rule: its file name without the track
extensions. Mark names may hold dots and dashes (JASPAR-style ``PK02532.1``, ``DOF4.7``), so the
name is not cut at its first dot."""

from __future__ import annotations

from pathlib import Path

# Longest first, so that `.merged.bed` is removed whole rather than as `.bed`.
TRACK_SUFFIXES = (
    ".merged.bed", ".narrowPeak.gz", ".broadPeak.gz", ".bedGraph.gz", ".bed.gz",
    ".narrowPeak", ".broadPeak", ".bedGraph", ".bigWig", ".bigwig", ".bed", ".bw",
)


def track_name(path: str | Path) -> str:
    """``PK02532.1.bw`` → ``PK02532.1``; ``H3K4ME3.merged.bed`` → ``H3K4ME3``."""
    name = Path(path).name
    for suffix in TRACK_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
