"""Region pairs from axtNet against a naive per-column reference (both strands, gaps both ways)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from plantreg.conservation.regions import iter_windows, read_regions
from plantreg.errors import InputError

from .helpers import axt_record, revcomp, run_cli, write_axt, write_sizes

SIZES_A = {"c1": 5000, "c2": 3000}
SIZES_B = {"q1": 6000, "q2": 4000}


def _gapped(rng: np.random.Generator, n_cols: int) -> tuple[str, str]:
    """Two gapped lines; never a column with a gap in both, and no gap at either end."""
    kind = rng.choice([0, 1, 2], size=n_cols, p=[0.8, 0.1, 0.1])  # 1: gap in A, 2: gap in B
    kind[0] = kind[-1] = 0
    bases = "ACGT"
    a = "".join("-" if k == 1 else bases[rng.integers(4)] for k in kind)
    b = "".join("-" if k == 2 else bases[rng.integers(4)] for k in kind)
    return a, b


def _records(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    records, n = [], 0
    for chrom_a, chrom_b in (("c1", "q1"), ("c2", "q2")):
        pos_a, pos_b = 3, 10
        for _ in range(6):
            a, b = _gapped(rng, int(rng.integers(20, 140)))
            strand = "+" if rng.random() < 0.5 else "-"
            n_a, n_b = len(a) - a.count("-"), len(b) - b.count("-")
            seq_b = b if strand == "+" else revcomp(b)
            records.append(axt_record(n, chrom_a, pos_a, chrom_b, pos_b, strand, a, seq_b,
                                      SIZES_B[chrom_b]))
            n += 1
            # sometimes the next record continues the run of A bases exactly
            pos_a += n_a + (0 if rng.random() < 0.4 else int(rng.integers(1, 30)))
            pos_b += n_b + int(rng.integers(0, 30))
    return records


def _naive_pairs(text: str) -> list[tuple[str, int, str, int]]:
    """Every aligned column, walked one at a time; B converted to its forward strand."""
    out = []
    blocks = [b for b in text.strip().split("\n\n") if b.strip()]
    for block in blocks:
        head, seq_a, seq_b = block.split("\n")
        f = head.split()
        ca, a, cb, b1, strand = f[1], int(f[2]) - 1, f[4], int(f[5]) - 1, f[7]
        rb = b1
        for x, y in zip(seq_a, seq_b, strict=True):
            if x != "-" and y != "-":
                fb = rb if strand == "+" else SIZES_B[cb] - 1 - rb
                out.append((ca, a, cb, fb))
            a += x != "-"
            rb += y != "-"
    return sorted(out)


def _naive_windows(pairs, bin_size):
    """LECIF samplePairs: a new window every bin_size bases of a run of consecutive A bases."""
    out = []
    prev = None
    count = 0
    for ca, a, cb, b in pairs:
        if prev is not None and prev[0] == ca and a == prev[1] + 1 and count % bin_size:
            count += 1
            out[-1][4] = a + 1
        else:
            count = 1 if prev is None or not (prev[0] == ca and a == prev[1] + 1) else count + 1
            out.append([ca, a, cb, b, a + 1])
        prev = (ca, a)
    return [tuple(w) for w in out]


@pytest.mark.parametrize("seed,bin_size", [(1, 50), (2, 7), (3, 1)])
def test_windows_match_naive_reference(tmp_path, seed, bin_size):
    records = _records(seed)
    axt = write_axt(tmp_path / "x.axt", records)
    got = []
    for chrom, block in iter_windows(axt, SIZES_A, SIZES_B, bin_size=bin_size):
        got += list(zip([chrom] * len(block.start_a), block.start_a.tolist(), block.chrom_b,
                        block.start_b.tolist(), block.end_a.tolist(), strict=True))
    expected = _naive_windows(_naive_pairs("".join(records)), bin_size)
    assert got == expected
    assert len({w[4] - w[1] for w in got} - set(range(1, bin_size + 1))) == 0


def test_both_strands_and_gaps_present():
    text = "".join(_records(1))
    assert " + " in text and " - " in text
    lines = text.split("\n")
    assert any("-" in line for line in lines[1::4]) and any("-" in line for line in lines[2::4])


def test_cli_per_chromosome_and_merge(tmp_path, capsys):
    axt = write_axt(tmp_path / "x.axt.gz", _records(4), gz=True)
    sa, sb = write_sizes(tmp_path / "a.size", SIZES_A), write_sizes(tmp_path / "b.size", SIZES_B)
    parts = []
    for chrom in ("c2", "c1"):
        out = tmp_path / f"{chrom}.tsv"
        code, err = run_cli(["conservation", "regions", "--axt", axt, "--sizes-a", sa,
                             "--sizes-b", sb, "--chrom", chrom, "--out", out], capsys)
        assert code == 0, err
        parts.append(out)
    merged = tmp_path / "pairs.tsv"
    code, err = run_cli(["conservation", "merge-regions", "--sizes-a", sa, "--out", merged,
                         *parts], capsys)
    assert code == 0, err
    table = read_regions(merged, with_index=True)
    assert table["index"].tolist() == list(range(len(table)))
    assert table["chrom_a"].iloc[0] == "c1" and table["chrom_a"].iloc[-1] == "c2"
    naive = _naive_windows(_naive_pairs("".join(_records(4))), 50)
    assert list(zip(table.chrom_a, table.start_a, table.start_b, strict=True)) == [
        (w[0], w[1], w[3]) for w in naive]


def test_unsorted_records_rejected(tmp_path):
    records = _records(5)
    axt = write_axt(tmp_path / "x.axt", [records[1], records[0]])
    with pytest.raises(InputError, match="sorted"):
        list(iter_windows(axt, SIZES_A, SIZES_B))


@pytest.mark.parametrize("which", ["a", "b"])
def test_unknown_chromosome_is_one_line_error(tmp_path, capsys, which):
    axt = write_axt(tmp_path / "x.axt", _records(6))
    sizes_a = {"chr1": 5000, "c2": 3000} if which == "a" else SIZES_A
    sizes_b = {"Q1": 6000, "q2": 4000} if which == "b" else SIZES_B
    sa, sb = write_sizes(tmp_path / "a.size", sizes_a), write_sizes(tmp_path / "b.size", sizes_b)
    code, err = run_cli(["conservation", "regions", "--axt", axt, "--sizes-a", sa, "--sizes-b",
                         sb, "--out", tmp_path / "o.tsv"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and str(axt) in err and "not in the" in err
    assert not (tmp_path / "o.tsv").exists()


def test_truncated_gzip_is_one_line_error(tmp_path, capsys):
    good = write_axt(tmp_path / "x.axt.gz", _records(7) * 20, gz=True)
    data = good.read_bytes()
    bad = tmp_path / "cut.axt.gz"
    bad.write_bytes(data[: len(data) // 2])
    sa, sb = write_sizes(tmp_path / "a.size", SIZES_A), write_sizes(tmp_path / "b.size", SIZES_B)
    code, err = run_cli(["conservation", "regions", "--axt", bad, "--sizes-a", sa, "--sizes-b",
                         sb, "--out", tmp_path / "o.tsv"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert str(bad) in err and "gzip" in err
    assert not (tmp_path / "o.tsv").exists()
    with gzip.open(good, "rt") as handle:
        assert handle.read().count("\n\n") == len(_records(7)) * 20


BUNDLED = Path(__file__).resolve().parents[2] / "assets" / "test_data"


def _per_chromosome_then_merge(axt, sa, sb, sizes, tmp_path, capsys, *extra) -> Path:
    """The scatter form: one `regions --chrom` pass per A chromosome, then `merge-regions`."""
    parts = []
    for chrom in reversed(list(sizes)):  # any part order: merge orders by the sizes file
        part = tmp_path / f"{chrom}.part.tsv"
        code, err = run_cli(["conservation", "regions", "--axt", axt, "--sizes-a", sa,
                             "--sizes-b", sb, "--chrom", chrom, "--out", part, *extra], capsys)
        assert code == 0, err
        parts.append(part)
    merged = tmp_path / "merged.tsv"
    code, err = run_cli(["conservation", "merge-regions", "--sizes-a", sa, "--out", merged,
                         *parts], capsys)
    assert code == 0, err
    return merged


def test_one_pass_equals_per_chromosome_on_bundled_data(tmp_path, capsys):
    """`regions` without --chrom reads the axt once and writes the same bytes as the scatter."""
    axt = BUNDLED / "alignment" / "speciesA.speciesB.net.axt.gz"
    sa, sb = BUNDLED / "speciesA" / "genome.size", BUNDLED / "speciesB" / "genome.size"
    sizes = {line.split("\t")[0]: 0 for line in sa.read_text().splitlines() if line.strip()}
    one = tmp_path / "pairs.tsv"
    code, err = run_cli(["conservation", "regions", "--axt", axt, "--sizes-a", sa, "--sizes-b",
                         sb, "--out", one], capsys)
    assert code == 0, err
    merged = _per_chromosome_then_merge(axt, sa, sb, sizes, tmp_path, capsys)
    assert one.read_bytes() == merged.read_bytes()
    table = read_regions(one, with_index=True)
    assert len(table) > 1000 and table["chrom_a"].unique().tolist() == list(sizes)


def test_one_pass_takes_any_chromosome_order(tmp_path, capsys, monkeypatch):
    """Records of a chromosome split by another's, sizes in another order than the file, and a
    spool copied in small reads: still the scatter's table (what --chrom accepts, it accepts)."""
    import plantreg.conservation.regions as regions_module

    monkeypatch.setattr(regions_module, "_COPY_BYTES", 100)  # lines cut across reads
    records = _records(8)  # six records on c1, then six on c2
    mixed = records[:3] + records[6:9] + records[3:6] + records[9:]
    axt = write_axt(tmp_path / "mixed.axt", mixed)
    sizes_a = {"c2": SIZES_A["c2"], "c1": SIZES_A["c1"]}
    sa, sb = write_sizes(tmp_path / "a.size", sizes_a), write_sizes(tmp_path / "b.size", SIZES_B)
    one = tmp_path / "pairs.tsv"
    code, err = run_cli(["conservation", "regions", "--axt", axt, "--sizes-a", sa, "--sizes-b",
                         sb, "--bin-size", "7", "--out", one], capsys)
    assert code == 0, err
    merged = _per_chromosome_then_merge(axt, sa, sb, sizes_a, tmp_path, capsys, "--bin-size", 7)
    assert one.read_bytes() == merged.read_bytes()
    table = read_regions(one, with_index=True)
    assert table["chrom_a"].iloc[0] == "c2" and table["chrom_a"].iloc[-1] == "c1"
    assert not list(tmp_path.glob(".pairs.tsv*"))  # no spool or partial file left behind
