import itertools

import numpy as np
import pytest
import torch

from plantreg.chromatin.baseline import KmerBaseline, kmer_counts, reverse_complement_codes
from plantreg.chromatin.dataset import ChromatinDataset, positive_class_weights
from plantreg.errors import InputError
from plantreg.io import save_npy


def _write(tmp_path, seq, labels, tags=("a", "b")):
    save_npy(tmp_path / "train.seq.npy", seq)
    save_npy(tmp_path / "train.labels.npy", labels)
    (tmp_path / "tags.txt").write_text("\n".join(tags) + "\n")


def test_items_are_onehot_with_n_as_zeros(tmp_path):
    seq = np.array([[0, 1, 2, 3, 4, 0]], dtype=np.uint8)
    _write(tmp_path, seq, np.array([[1, 0]], dtype=np.uint8))
    ds = ChromatinDataset(tmp_path, "train", tags=["a", "b"])
    x, y = ds[0]
    expected = torch.tensor(
        [[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0]],
        dtype=torch.float32,
    )
    assert torch.equal(x, expected)
    assert torch.equal(y, torch.tensor([1.0, 0.0]))
    assert len(ds) == 1 and ds.tags == ["a", "b"]


def test_rc_augment_lists_both_strands_with_the_same_labels(tmp_path):
    seq = np.array([[0, 0, 1, 4, 2, 3], [3, 3, 3, 1, 1, 0]], dtype=np.uint8)  # AACNGT, TTTCCA
    labels = np.array([[1, 0], [0, 1]], dtype=np.uint8)
    _write(tmp_path, seq, labels)
    ds = ChromatinDataset(tmp_path, "train", rc_augment=True)
    assert len(ds) == 4
    forward, y_forward = ds[0]
    reverse, y_reverse = ds[2]
    assert torch.equal(y_forward, y_reverse)
    # reverse complement of AACNGT is ACNGTT: A=row 0, C=row 1, N=no row, G=row 2, T=row 3
    assert reverse.argmax(0).tolist() == [0, 1, 0, 2, 3, 3]
    assert reverse[:, 2].sum() == 0
    assert torch.equal(reverse, forward.flip(0, 1))
    assert torch.equal(ds[1][0], ChromatinDataset(tmp_path, "train")[1][0])


def test_bad_arrays_and_tags_name_the_file(tmp_path):
    _write(tmp_path, np.zeros((3, 8), np.uint8), np.zeros((2, 2), np.uint8))
    with pytest.raises(InputError, match="train.labels.npy.*2 label rows but 3"):
        ChromatinDataset(tmp_path, "train")
    _write(tmp_path, np.zeros((3, 8), np.uint8), np.zeros((3, 3), np.uint8))
    with pytest.raises(InputError, match="train.labels.npy.*for 2 tags"):
        ChromatinDataset(tmp_path, "train")
    _write(tmp_path, np.zeros((3, 8), np.uint8), np.zeros((3, 2), np.uint8))
    with pytest.raises(InputError, match="tags.txt.*differs"):
        ChromatinDataset(tmp_path, "train", tags=["b", "a"])
    with pytest.raises(InputError, match="valid.seq.npy.*not found"):
        ChromatinDataset(tmp_path, "valid")


def test_positive_class_weights():
    labels = np.zeros((100, 3), dtype=np.uint8)
    labels[:20, 0] = 1
    labels[:, 1] = 1
    weights = positive_class_weights(labels, max_weight=50.0, chunk=7)
    assert weights[0] == pytest.approx(80 / 20)
    assert weights[1] == pytest.approx(1 / 50)  # no negatives: clipped at 1/max
    assert weights[2] == pytest.approx(50.0)  # no positives: the cap


def test_kmer_counts_match_a_direct_count():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 5, size=(7, 40)).astype(np.uint8)
    counts = kmer_counts(codes, 3, chunk=3)
    index = {"".join(p): i for i, p in enumerate(itertools.product("ACGT", repeat=3))}
    for row, seq in zip(counts, codes, strict=True):
        text = "".join("ACGTN"[c] for c in seq)
        direct = np.zeros(64)
        for i in range(len(text) - 2):
            if "N" not in text[i : i + 3]:
                direct[index[text[i : i + 3]]] += 1
        assert np.array_equal(row, direct)
    assert reverse_complement_codes(np.array([[0, 1, 4, 3]], np.uint8)).tolist() == [[0, 4, 2, 3]]


def test_baseline_learns_a_kmer_signal():
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 4, size=(300, 200)).astype(np.uint8)
    labels = (rng.random((300, 1)) < 0.5).astype(np.uint8)
    codes[labels[:, 0] == 1, 50:58] = [2, 2, 1, 1, 2, 2, 1, 1]  # GGCCGGCC
    model = KmerBaseline(k=4).fit(codes[:200], labels[:200])
    probs = model.predict_proba(codes[200:])
    assert probs.shape == (100, 1)
    positive = labels[200:, 0] == 1
    assert probs[positive, 0].mean() > probs[~positive, 0].mean() + 0.3
