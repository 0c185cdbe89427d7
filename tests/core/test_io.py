"""Atomic writes: complete files or nothing, with ordinary permissions."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from plantreg.io import atomic_open, save_npy


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.tsv"
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        save_npy(tmp_path / "a.npy", np.arange(3))
    finally:
        os.umask(old)
    assert (tmp_path / "a.npy").stat().st_mode & 0o777 == 0o644
    assert np.load(tmp_path / "a.npy").tolist() == [0, 1, 2]
