import os

import numpy as np
import pytest

from plantreg.errors import InputError
from plantreg.genome.fasta import (
    check_index_fresh,
    fai_path,
    index_fasta,
    open_fasta,
    read_sizes,
    write_sizes,
)
from tests.genome.helpers import genome


def test_index_writes_fai_and_sizes_in_fasta_order(tmp_path):
    fasta, records = genome(tmp_path, {"chr2": 1000, "Pt": 150, "1A": 333})
    sizes = index_fasta(fasta)
    assert sizes == [(name, len(seq)) for name, seq in records.items()]
    write_sizes(tmp_path / "g.size", sizes)
    assert list(read_sizes(tmp_path / "g.size").items()) == sizes
    with open_fasta(fasta) as handle:
        assert handle.fetch("1A", 10, 20) == records["1A"][10:20].decode()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"ACGT\n>a\nACGT\n", "line 1: sequence before the first '>' header"),
        (b">a\nACGT\n>b\n>c\nAC\n", "line 3: record 'b' has an empty sequence"),
        (b">a\nACGT\n>b\n", "line 3: record 'b' has an empty sequence"),
        (b">a\nACGT\n>a x\nAC\n", "line 3: duplicate sequence name 'a' (first at line 1)"),
        (b">a\nACGT\nAC1T\n", "line 3: record 'a': non-IUPAC character '1'"),
        (b">a\nAC GT\n", "line 2: record 'a': non-IUPAC character ' '"),
        (b"> \nACGT\n", "line 1: header without a sequence name"),
        (b"", "no FASTA records (no '>' header line)"),
    ],
)
def test_malformed_fasta_names_file_and_line(tmp_path, text, problem):
    fasta = tmp_path / "bad.fa"
    fasta.write_bytes(text)
    with pytest.raises(InputError) as err:
        index_fasta(fasta)
    assert str(err.value) == f"{fasta}: {problem}"
    assert not fai_path(fasta).exists()


def test_iupac_and_soft_masked_are_accepted(tmp_path):
    fasta = tmp_path / "ok.fa"
    fasta.write_bytes(b">a\nACGTRYKMacgtnNNN\n>b\nSWBDHV\n")
    assert index_fasta(fasta) == [("a", 16), ("b", 6)]


def test_stale_index_older_than_fasta(tmp_path):
    fasta, _ = genome(tmp_path, {"a": 500})
    index_fasta(fasta)
    stamp = fasta.stat().st_mtime
    os.utime(fai_path(fasta), (stamp - 100, stamp - 100))
    with pytest.raises(InputError, match="older than the FASTA.*re-index"):
        open_fasta(fasta)


def test_stale_index_whose_lengths_disagree(tmp_path):
    fasta, records = genome(tmp_path, {"a": 500, "b": 300})
    index_fasta(fasta)
    fai_text = fai_path(fasta).read_text()
    rng = np.random.default_rng(1)
    from tests.genome.helpers import random_seq, write_fasta

    write_fasta(fasta, {"a": random_seq(rng, 520), "b": records["b"]})
    fai_path(fasta).write_text(fai_text)  # newer mtime, but describes the old file
    with pytest.raises(InputError, match=r"disagrees with the FASTA at record 'a'.*re-index"):
        check_index_fresh(fasta)


def test_stale_index_last_record_shortened(tmp_path):
    fasta, records = genome(tmp_path, {"a": 500, "b": 300})
    index_fasta(fasta)
    fai_text = fai_path(fasta).read_text()
    from tests.genome.helpers import write_fasta

    write_fasta(fasta, {"a": records["a"], "b": records["b"][:250]})
    fai_path(fasta).write_text(fai_text)
    with pytest.raises(InputError, match="record 'b'"):
        check_index_fresh(fasta)


def test_fresh_index_passes_and_missing_index_is_built(tmp_path):
    fasta, _ = genome(tmp_path, {"a": 500, "b": 61, "c": 60})
    with open_fasta(fasta) as handle:
        assert list(handle.references) == ["a", "b", "c"]
    check_index_fresh(fasta)


@pytest.mark.parametrize(("text", "problem"), [
    ("a\t10\na\t20\n", "line 2: duplicate chromosome 'a'"),
    ("a\tx\n", "line 1: expected 'chrom<TAB>positive length'"),
    ("", "sizes file is empty"),
])
def test_bad_sizes_file(tmp_path, text, problem):
    path = tmp_path / "g.size"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_sizes(path)
    assert str(err.value) == f"{path}: {problem}"


@pytest.mark.parametrize("block", [5, 61, 64, 1000, 1 << 23])
def test_validation_is_independent_of_block_boundaries(tmp_path, monkeypatch, block):
    import plantreg.genome.fasta as fasta_mod
    from tests.genome.helpers import random_seq

    monkeypatch.setattr(fasta_mod, "_BLOCK", block)
    rng = np.random.default_rng(block)
    records = {f"s{i}": random_seq(rng, int(rng.integers(1, 3000)), n_runs=1) for i in range(12)}
    path = tmp_path / "g.fa"
    with open(path, "wb") as out:
        for i, (name, seq) in enumerate(records.items()):
            width = len(seq) if i % 3 == 0 else 50  # some records unwrapped on one line
            out.write(b">" + name.encode() + b" " + b"d" * (i * 30) + b"\n")
            out.writelines(seq[j:j + width] + b"\r\n" for j in range(0, len(seq), width))
            out.write(b"\n" if i % 4 == 0 else b"")  # blank line between records
    assert fasta_mod.validate_fasta(path) == [(n, len(s)) for n, s in records.items()]
    lines = path.read_bytes().split(b"\n")
    target = next(i for i, line in enumerate(lines) if line.startswith(b">s7")) + 2
    lines[target - 1] = lines[target - 1][:3] + b"!" + lines[target - 1][4:]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as err:
        fasta_mod.validate_fasta(path)
    assert str(err.value) == f"{path}: line {target}: record 's7': non-IUPAC character '!'"


def test_corrupt_index_is_an_input_error(tmp_path):
    fasta, _ = genome(tmp_path, {"a": 500})
    index_fasta(fasta)
    fai_path(fasta).write_text("a\tfive hundred\t3\t60\t61\n")
    with pytest.raises(InputError, match="malformed .fai index: re-index"):
        open_fasta(fasta)
