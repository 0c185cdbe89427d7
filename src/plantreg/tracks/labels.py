"""The ``labels`` step: per-window mark labels from merged peaks, and optional signal summaries.

Mark name of a file = text before the first ``.`` of its name (``H3K4ME3.merged.bed`` →
``H3K4ME3``). Channel order = the tag file when given, else sorted mark names; it is always
written next to the arrays (``tags.txt``, ``signal_tags.txt``) so no consumer guesses it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from plantreg.errors import InputError
from plantreg.io import atomic_open, save_npy
from plantreg.tracks.bigwig import open_bigwig, window_summaries
from plantreg.tracks.names import track_name
from plantreg.tracks.overlap import label_windows
from plantreg.tracks.peaks import merge_peaks, read_intervals, read_peaks

log = logging.getLogger(__name__)


def mark_name(path: str | Path) -> str:
    return track_name(path)


def read_tags(path: str | Path) -> list[str]:
    """One mark per line; blank lines ignored; duplicates are an error."""
    try:
        tags = [t.strip() for t in Path(path).read_text().splitlines() if t.strip()]
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the tag file ({err})", path) from err
    if not tags:
        raise InputError("the tag file is empty", path)
    twice = sorted({t for t in tags if tags.count(t) > 1})
    if twice:
        raise InputError(f"marks listed twice: {', '.join(twice)}", path)
    return tags


def order_files(
    files: Sequence[str | Path], tags: list[str] | None, kind: str, tag_path=None
) -> list[tuple[str, Path]]:
    """(mark, file) in channel order; every mark exactly once and matching the tag file."""
    by_mark: dict[str, Path] = {}
    for path in files:
        mark = mark_name(path)
        if mark in by_mark:
            raise InputError(f"two {kind} files for mark {mark}: {by_mark[mark]}", path)
        by_mark[mark] = Path(path)
    if tags is None:
        return [(m, by_mark[m]) for m in sorted(by_mark)]
    missing, extra = set(tags) - set(by_mark), set(by_mark) - set(tags)
    if missing or extra:
        raise InputError(
            f"tags without {kind} file: {', '.join(sorted(missing)) or '-'}; "
            f"{kind} files not in the tags: {', '.join(sorted(extra)) or '-'}",
            tag_path,
        )
    return [(m, by_mark[m]) for m in tags]


def _write_tags(path: Path, tags: list[str]) -> None:
    with atomic_open(path) as handle:
        handle.writelines(f"{t}\n" for t in tags)


def build_labels(
    windows_path: str | Path,
    peak_files: Sequence[str | Path],
    out_prefix: str | Path,
    signal_files: Sequence[str | Path] = (),
    tags_path: str | Path | None = None,
    name_map: Mapping[str, str] | None = None,
    mode: str = "seiplant",
    min_overlap: float = 0.5,
    summary: str = "mean",
) -> np.ndarray:
    """Write ``{prefix}.labels.npy`` (+ ``.signal.npy``) and the tag files; return the labels."""
    windows = read_intervals(windows_path, None, allow_empty=True)
    tags = read_tags(tags_path) if tags_path else None
    marks = order_files(peak_files, tags, "peak", tags_path)
    labels = np.zeros((len(windows), len(marks)), dtype=np.uint8)
    for column, (mark, path) in enumerate(marks):
        merged = merge_peaks([read_peaks(path, None, name_map)])
        labels[:, column] = label_windows(windows, merged, mode, min_overlap)
        log.info("%s: %d of %d windows positive", mark, labels[:, column].sum(), len(windows))
    outdir = Path(f"{out_prefix}").parent
    signal_order = _signal_order(signal_files, tags)
    if signal_order:
        signal = np.zeros((len(windows), len(signal_order)), dtype=np.float32)
        for column, (_, path) in enumerate(signal_order):
            with open_bigwig(path, None, name_map) as bw:
                signal[:, column] = window_summaries(bw, windows, summary)
        save_npy(f"{out_prefix}.signal.npy", signal)
        _write_tags(outdir / "signal_tags.txt", [m for m, _ in signal_order])
    save_npy(f"{out_prefix}.labels.npy", labels)
    _write_tags(outdir / "tags.txt", [m for m, _ in marks])
    return labels


def _signal_order(files: Sequence[str | Path], tags: list[str] | None) -> list[tuple[str, Path]]:
    # Signals follow the tag order when the tag file names them all, else sorted names.
    ordered = order_files(files, None, "signal")
    if tags and all(m in tags for m, _ in ordered):
        ordered.sort(key=lambda item: tags.index(item[0]))
    return ordered
