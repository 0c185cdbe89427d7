import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.genome.fasta import index_fasta
from plantreg.genome.seiplant import export_seiplant, format_header, import_seiplant
from plantreg.genome.windows import encode_windows
from tests.genome.helpers import genome

TAGS = ["H3K4ME3", "H3K27_AC", "ATAC"]


def _windows(tmp_path, rng, n=60, width=256):
    fasta, _ = genome(tmp_path, {"Chr1": 20_000, "chr_2": 15_000}, n_runs=3)
    index_fasta(fasta)
    chroms = rng.choice(["Chr1", "chr_2"], n)
    starts = rng.integers(0, 14_000, n)
    bed = tmp_path / "w.bed"
    pd.DataFrame({"c": chroms, "s": starts, "e": starts + width, "k": "peak", "sc": 0,
                  "st": "."}).to_csv(bed, sep="\t", header=False, index=False)
    (tmp_path / "tags.in").write_text("".join(t + "\n" for t in TAGS))
    return fasta, bed


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_export_import_round_trip(tmp_path, dtype):
    rng = np.random.default_rng(8)
    fasta, bed = _windows(tmp_path, rng)
    labels = (rng.random((60, 3)) < 0.4).astype(dtype)
    if dtype == np.float32:
        labels *= rng.random((60, 3)).astype(np.float32)
    labels[0] = 0  # a background window: no mark in its header
    np.save(tmp_path / "labels.npy", labels)
    export_seiplant(fasta, bed, tmp_path / "labels.npy", tmp_path / "tags.in",
                    tmp_path / "sp" / "train.fa")
    assert (tmp_path / "sp" / "tag.txt").read_text().split() == TAGS
    first = (tmp_path / "sp" / "train.fa").read_text().splitlines()[0]
    assert first.startswith(">::")
    import_seiplant(tmp_path / "sp" / "train.fa", tmp_path / "sp" / "tag.txt",
                    tmp_path / "back" / "x")
    back_bed = pd.read_csv(tmp_path / "back" / "x.bed", sep="\t", header=None)
    orig = pd.read_csv(bed, sep="\t", header=None)
    assert back_bed.values.tolist() == orig.iloc[:, :3].values.tolist()
    back_labels = np.load(tmp_path / "back" / "x.labels.npy")
    assert back_labels.dtype == np.float32
    assert np.array_equal(back_labels, labels.astype(np.float32))
    encode_windows(fasta, bed, tmp_path / "orig.seq.npy")
    assert np.array_equal(np.load(tmp_path / "back" / "x.seq.npy"),
                          np.load(tmp_path / "orig.seq.npy"))
    assert (tmp_path / "back" / "tags.txt").read_text().split() == TAGS


def test_header_lists_only_non_zero_marks_in_tag_order():
    header = format_header(TAGS, np.array([0.0, 0.25, 1.0], np.float32), "chr_2", 5, 9)
    assert header == ">H3K27_AC_0.25,ATAC_1::chr_2:5-9"


def _import_error(tmp_path, text):
    path = tmp_path / "x.fa"
    path.write_text(text)
    tags = tmp_path / "tags.txt"
    tags.write_text("A\nB\n")
    with pytest.raises(InputError) as err:
        import_seiplant(path, tags, tmp_path / "out" / "x")
    assert not (tmp_path / "out" / "x.seq.npy").exists()
    return str(err.value)


def test_import_refuses_unknown_mark(tmp_path):
    msg = _import_error(tmp_path, ">A_1::c:0-4\nACGT\n>C_1::c:4-8\nACGT\n")
    assert msg == f"{tmp_path / 'x.fa'}: line 3: mark 'C' is not in the tag file in header " \
                  "'>C_1::c:4-8'"


def test_import_refuses_wrong_sequence_length(tmp_path):
    msg = _import_error(tmp_path, ">A_1::c:0-4\nACGT\n>B_1::c:4-9\nACGT\n")
    assert "line 3: sequence of 4 bp for a window of 5 bp (c:4-9)" in msg


@pytest.mark.parametrize("text", [">A_1,c:0-4\nACGT\n", ">A_x::c:0-4\nACGT\n",
                                  ">A_1::c:4-0\nACGT\n", "ACGT\n"])
def test_import_refuses_malformed_headers(tmp_path, text):
    assert "line 1:" in _import_error(tmp_path, text)


def test_export_refuses_label_shape_mismatch(tmp_path):
    rng = np.random.default_rng(1)
    fasta, bed = _windows(tmp_path, rng)
    np.save(tmp_path / "labels.npy", np.zeros((60, 2), np.uint8))
    with pytest.raises(InputError, match=r"label array has shape \(60, 2\); expected \(60, 3\)"):
        export_seiplant(fasta, bed, tmp_path / "labels.npy", tmp_path / "tags.in",
                        tmp_path / "o.fa")
    assert not (tmp_path / "o.fa").exists()
