"""The chunking rule of plantreg.genome.chunks and `plantreg prep chunks`: records grouped in FASTA
order into chunks of at most --chunk-size bp (a longer record alone), each record in exactly one
chunk, records shorter than the window listed and counted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.genome.chunks import chunk_id, chunk_records, plan_chunks
from tests.conftest import plantreg


def _names(chunks) -> list[list[str]]:
    return [[name for name, _ in c.records] for c in chunks]


def test_small_records_are_grouped_and_long_ones_stand_alone():
    sizes = [("a", 3), ("b", 3), ("c", 3), ("d", 10), ("e", 1), ("f", 1), ("g", 6)]
    chunks = plan_chunks(sizes, 6)
    assert _names(chunks) == [["a", "b"], ["c"], ["d"], ["e", "f"], ["g"]]
    assert [c.id for c in chunks] == [f"chunk_000{i}" for i in range(1, 6)]
    assert [c.bp for c in chunks] == [6, 3, 10, 2, 6]
    # chunk size 1: one record per chunk; a huge chunk size: one chunk
    assert _names(plan_chunks(sizes, 1)) == [[n] for n, _ in sizes]
    assert _names(plan_chunks(sizes, 10**9)) == [[n for n, _ in sizes]]


@pytest.mark.parametrize("seed", range(5))
def test_every_record_in_exactly_one_chunk_in_fasta_order(seed):
    rng = np.random.default_rng(seed)
    lengths = np.exp(rng.uniform(np.log(50), np.log(300_000), 3000)).astype(int)
    sizes = [(f"scaffold_{i}", int(n)) for i, n in enumerate(lengths)]
    chunk_size = int(rng.integers(1000, 2_000_000))
    chunks = plan_chunks(sizes, chunk_size)
    # concatenated in order, the chunks are the records in FASTA order: each exactly once
    assert [r for c in chunks for r in c.records] == sizes
    for i, chunk in enumerate(chunks):
        assert chunk.bp <= chunk_size or len(chunk.records) == 1
        if i + 1 < len(chunks):  # greedy: the next record did not fit
            assert chunk.bp + chunks[i + 1].records[0][1] > chunk_size
    assert len({c.id for c in chunks}) == len(chunks)
    assert sorted(c.id for c in chunks) == [c.id for c in chunks]
    # a task rebuilds its chunk from the sizes alone
    for chunk in chunks[:: max(1, len(chunks) // 7)]:
        assert chunk_records(sizes, chunk_size, chunk.id) == list(chunk.records)


def test_ids_widen_with_the_number_of_chunks():
    assert chunk_id(0, 3) == "chunk_0001"
    assert chunk_id(12344, 12345) == "chunk_12345"
    ids = [c.id for c in plan_chunks([(str(i), 1) for i in range(10_001)], 1)]
    assert ids[0] == "chunk_00001" and ids[-1] == "chunk_10001" and ids == sorted(ids)


def test_unknown_chunk_and_bad_size_are_refused(tmp_path):
    sizes = [("a", 5), ("b", 5)]
    with pytest.raises(InputError, match=r"g\.fa: --chunk 'chunk_0009' is not a chunk .* \(2 ch"):
        chunk_records(sizes, 5, "chunk_0009", tmp_path / "g.fa")
    with pytest.raises(InputError, match="--chunk-size must be at least 1"):
        plan_chunks(sizes, 0)


def _sizes(path: Path, sizes: dict[str, int]) -> Path:
    path.write_text("".join(f"{name}\t{length}\n" for name, length in sizes.items()))
    return path


def test_prep_chunks_writes_the_list_and_counts_short_records(tmp_path):
    sizes = {"Chr1": 5000, "1": 900, "Pt": 300, "scaffold_812": 100, "scaffold_3": 1200,
             "scaffold_7": 2000}
    result = plantreg("prep", "chunks", "--sizes", str(_sizes(tmp_path / "g.size", sizes)),
                      "--chunk-size", "2500", "--window", "1000", "--out", str(tmp_path / "c.tsv"))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "c.tsv", sep="\t", dtype={"chrom": str})
    assert list(table.columns) == ["chunk", "chrom", "start", "end", "status"]
    assert table["chrom"].tolist() == list(sizes)
    assert table["chunk"].tolist() == ["chunk_0001", "chunk_0002", "chunk_0002", "chunk_0002",
                                       "chunk_0002", "chunk_0003"]
    assert (table["start"] == 0).all() and table["end"].tolist() == list(sizes.values())
    assert table["status"].tolist() == ["ok", "too_short", "too_short", "too_short", "ok", "ok"]
    assert "3 records shorter than the window (1000 bp), 1300 bp in all" in result.stderr
    assert "3 chunks" in result.stderr


@pytest.mark.parametrize(
    "content,options,message",
    [
        ("c1\tabc\n", [], "line 1: expected 'chrom<TAB>positive length'"),
        ("c1\t10\nc1\t20\n", [], "line 2: duplicate chromosome 'c1'"),
        ("c1\t10\nc2\t20\n", ["--window", "100"], "window size 100 larger than every record"),
        ("c1\t10\n", ["--chunk-size", "0"], "--chunk-size must be at least 1 bp, got 0"),
    ],
)
def test_prep_chunks_bad_input_is_one_line(tmp_path, content, options, message):
    path = tmp_path / "bad.size"
    path.write_text(content)
    result = plantreg("prep", "chunks", "--sizes", str(path), "--out", str(tmp_path / "c.tsv"),
                      *options)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    if "chunk-size" not in message:
        assert str(path) in errors[0]
    assert not (tmp_path / "c.tsv").exists()


def test_prep_chunks_missing_sizes_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.size"
    result = plantreg("prep", "chunks", "--sizes", str(missing), "--out", str(tmp_path / "c.tsv"))
    assert result.returncode == 2
    assert f"error: {missing}: sizes file not found" in result.stderr
