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
