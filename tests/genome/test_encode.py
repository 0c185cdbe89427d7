import numpy as np

from plantreg.genome.encode import decode, encode, npy_row_writer, one_hot, reverse_complement

NAIVE = {"A": 0, "C": 1, "G": 2, "T": 3}


def naive_encode(seq: str) -> list[int]:
    return [NAIVE.get(base.upper(), 4) for base in seq]


def naive_revcomp(seq: str) -> str:
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    return "".join(comp.get(b.upper(), "N") for b in reversed(seq))


def test_encode_matches_naive_reference_with_case_and_n():
    rng = np.random.default_rng(3)
    alphabet = np.array(list("ACGTacgtNnRYxk-"))
    seq = "".join(alphabet[rng.integers(0, len(alphabet), 5000)])
    codes = encode(seq)
    assert codes.dtype == np.uint8
    assert codes.tolist() == naive_encode(seq)
    assert encode(seq.encode()).tolist() == codes.tolist()
    assert encode(seq.lower()).tolist() == encode(seq.upper()).tolist()


def test_reverse_complement_matches_naive_and_is_an_involution():
    rng = np.random.default_rng(4)
    seq = "".join(np.array(list("ACGTNacgt"))[rng.integers(0, 9, 777)])
    codes = encode(seq)
    assert decode(reverse_complement(codes)) == naive_revcomp(seq)
    batch = np.stack([codes, codes[::-1]])
    assert np.array_equal(reverse_complement(reverse_complement(batch)), batch)


def test_one_hot_rows_and_n_is_zero():
    codes = encode("ACGTN")
    hot = one_hot(codes)
    assert hot.shape == (5, 4)
    assert np.array_equal(hot[:4], np.eye(4))
    assert not hot[4].any()


def test_npy_row_writer_fixes_header_to_true_row_count(tmp_path):
    rng = np.random.default_rng(5)
    parts = [rng.integers(0, 5, (n, 16), dtype=np.uint8) for n in (3, 0, 7)]
    out = tmp_path / "x.npy"
    with npy_row_writer(out, 16, max_rows=123456789) as writer:
        for part in parts:
            writer.write(part)
    loaded = np.load(out)
    assert np.array_equal(loaded, np.concatenate(parts))
    assert np.array_equal(np.load(out, mmap_mode="r"), loaded)
    assert out.stat().st_size % 1 == 0 and not list(tmp_path.glob(".*part"))


def test_npy_row_writer_leaves_nothing_on_failure(tmp_path):
    out = tmp_path / "x.npy"
    try:
        with npy_row_writer(out, 4, max_rows=10) as writer:
            writer.write(np.zeros((2, 4), np.uint8))
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    assert not out.exists() and not list(tmp_path.iterdir())
