"""Signal extraction agrees with a naive per-gene, per-TF pyBigWig values() loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plantreg.coexpression.extraction import run_extract, run_gather
from plantreg.coexpression.signal import naive_signal
from plantreg.coexpression.tables import read_promoters
from plantreg.genome.fasta import read_sizes
from tests.coexpression.conftest import SPECIES, TFS


def test_extraction_matches_naive_pybigwig(tmp_path, promoters):
    genes = read_promoters(promoters)
    # the bundled data must exercise both strands and clipping at both chromosome ends
    clipped = genes[(genes["clipped_5p"] > 0) | (genes["clipped_3p"] > 0)]
    assert set(genes["strand"]) == {"+", "-"}
    assert set(clipped["strand"]) == {"+", "-"}
    run_extract(promoters, TFS, read_sizes(SPECIES / "genome.size"), tmp_path / "x")
    fast = np.load(tmp_path / "x.signal.npy")
    naive = naive_signal(genes, TFS)
    assert fast.shape == (len(genes), len(TFS), 2501)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(naive))
    np.testing.assert_allclose(fast, naive, rtol=0, atol=0, equal_nan=True)
    # clipped bases are NaN (masked), exactly as many as were clipped, at the 5' or 3' end
    n_nan = np.isnan(fast[:, 0, :]).sum(axis=1)
    np.testing.assert_array_equal(n_nan, genes["clipped_5p"] + genes["clipped_3p"])
    row = clipped.index[0]
    assert np.isnan(fast[row, :, : genes.loc[row, "clipped_5p"]]).all()


def test_minus_strand_is_read_5_to_3(tmp_path, promoters):
    """Hand check: position 0 of a − gene is the base just before its unclipped end."""
    import pyBigWig

    genes = read_promoters(promoters)
    minus = genes[(genes["strand"] == "-") & (genes["clipped_5p"] == 0)].iloc[0]
    run_extract(promoters, TFS[:1], read_sizes(SPECIES / "genome.size"), tmp_path / "x")
    fast = np.load(tmp_path / "x.signal.npy")[minus.name, 0]
    bw = pyBigWig.open(str(TFS[0]))
    ref = np.array(bw.values(minus.chrom, int(minus.start), int(minus.end)))
    assert fast[0] == ref[-1] and fast[-1] == ref[0]
    # the start codon sits 2,000 bases into the oriented promoter
    codon = int(minus.start_codon)
    assert fast[2000] == bw.values(minus.chrom, codon, codon + 1)[0]


def test_shards_gathered_equal_one_extraction(tmp_path, promoters):
    sizes = read_sizes(SPECIES / "genome.size")
    control = SPECIES / "dapseq" / "input.bw"
    run_extract(promoters, TFS[:3], sizes, tmp_path / "all", control=control)
    for i, chroms in enumerate((["Chr1", "Chr3"], ["Chr2", "Chr4"])):
        run_extract(promoters, TFS[:3], sizes, tmp_path / f"s{i}", control=control, chroms=chroms)
    run_gather([str(tmp_path / "s1"), str(tmp_path / "s0")], promoters, str(tmp_path / "g"))
    for name in ("signal", "control"):
        a, b = np.load(tmp_path / f"all.{name}.npy"), np.load(tmp_path / f"g.{name}.npy")
        np.testing.assert_array_equal(a, b)
    all_genes = pd.read_csv(tmp_path / "all.genes.tsv", sep="\t")
    gathered = pd.read_csv(tmp_path / "g.genes.tsv", sep="\t")
    assert list(all_genes["gene_id"]) == list(gathered["gene_id"])


def test_several_controls_give_their_per_base_mean(tmp_path, promoters):
    """`--control` repeats: the control is the per-base mean of the files, its sumData the mean
    of theirs (normalise reads it from the one report row per control file)."""
    import shutil

    from plantreg.coexpression.normalise import NormSettings
    from plantreg.coexpression.steps_data import _control
    from tests.coexpression.conftest import cli

    sizes = SPECIES / "genome.size"
    first, second = SPECIES / "dapseq" / "input.bw", tmp_path / "input_rep2.bw"
    shutil.copy(TFS[0], second)  # any other track will do as a second control
    common = ["coexpression", "extract", "--promoters", promoters, "--sizes", sizes,
              "--bigwig", TFS[1], "--chrom", "Chr4"]
    for name, controls in (("a", [first]), ("b", [second]), ("ab", [first, second])):
        flags = [x for c in controls for x in ("--control", c)]
        assert cli(*common, *flags, "--out-prefix", tmp_path / name) == 0
    a, b, ab = (np.load(tmp_path / f"{n}.control.npy") for n in ("a", "b", "ab"))
    np.testing.assert_array_equal(ab, ((a + b) / np.float32(2)).astype(np.float32))
    report = pd.read_csv(tmp_path / "ab.report.tsv", sep="\t")
    rows = report[report["kind"] == "control"]
    assert rows["track"].tolist() == ["input", "input_rep2"]
    _, total = _control(str(tmp_path / "ab"), NormSettings(), len(ab))
    assert total == pytest.approx(rows["sum_data"].mean())
