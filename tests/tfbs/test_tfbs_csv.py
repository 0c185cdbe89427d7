"""NyxBind's CSV layout: read back what plantreg writes, and refuse bad files in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plantreg.errors import InputError
from plantreg.genome.encode import encode
from plantreg.tfbs.nyxcsv import list_tf_folders, read_split_csv, read_tf_folder, write_split_csv


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_round_trip_keeps_sequences_and_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 5, (40, 31)).astype(np.uint8)
    labels = rng.integers(0, 2, 40)
    labels[:2] = [0, 1]
    for name in ("train.csv", "dev.csv", "test.csv"):
        write_split_csv(tmp_path / "TF1" / name, codes, labels)
    splits = read_tf_folder(tmp_path / "TF1")
    assert set(splits) == {"train", "valid", "test"}
    got_codes, got_labels = splits["valid"]
    assert (got_codes == codes).all() and (got_labels == labels).all()
    assert list_tf_folders(tmp_path) == [tmp_path / "TF1"]


def test_soft_masked_letters_are_read_as_bases(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "sequence,label\nacgtn,1\nACGTN,0\n")
    codes, labels = read_split_csv(path)
    assert (codes[0] == codes[1]).all() and (codes[0] == encode("ACGTN")).all()
    assert labels.tolist() == [1, 0]


@pytest.mark.parametrize(("text", "problem"), [
    ("sequence,label\nACGT,1\nACXT,0\n", "line 3: letter 'X'"),
    ("sequence,label\nACGT,1\nACGT,2\n", "line 3: label '2' is not 0 or 1"),
    ("sequence,label\nACGT,1\nACGT,yes\n", "label 'yes' is not 0 or 1"),
    ("sequence,label\nACGT,1\nACG,0\n", "line 3: sequence of 3 bp"),
    ("seq,y\nACGT,1\n", "expected the header 'sequence,label'"),
    ("sequence,label\nACGT,1\nACGT,1\n", "both classes are needed"),
    ("sequence,label\n", "no sequences"),
])
def test_bad_csv_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path / "train.csv", text)
    with pytest.raises(InputError) as err:
        read_split_csv(path)
    assert problem in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_folder_without_dev_csv_names_the_missing_file(tmp_path: Path) -> None:
    for name in ("train.csv", "test.csv"):
        _write(tmp_path / "TF" / name, "sequence,label\nACGT,1\nACGA,0\n")
    with pytest.raises(InputError, match="missing dev.csv"):
        read_tf_folder(tmp_path / "TF")
    with pytest.raises(InputError, match="no <TF>/train.csv"):
        list_tf_folders(tmp_path / "TF")
