"""Bad input ends in one line ``error: <file>: <problem>`` (exit 2), never a traceback."""

from __future__ import annotations

import numpy as np
import pyBigWig

from tests.coexpression.conftest import SPECIES, TFS, cli


def _one_line_naming(capsys, code: int, path) -> str:
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and str(path) in err
    return err


def _pairs(pipeline, capsys, path, *extra) -> str:
    code = cli("coexpression", "pairs", "--pairs", path, "--genes",
               pipeline / "signal.genes.tsv", "--outdir", path.parent / "out", *extra)
    return _one_line_naming(capsys, code, path)


def test_unknown_gene_ids(pipeline, capsys, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("gene_a\tgene_b\nSA1G00020\tSA1G00410\nSA1G00020\tNOT_A_GENE\n")
    assert "NOT_A_GENE" in _pairs(pipeline, capsys, path, "--unknown-genes", "error")


def test_only_one_column(pipeline, capsys, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("gene_a\nSA1G00020\n")
    assert "only one column" in _pairs(pipeline, capsys, path)


def test_no_pairs_left(pipeline, capsys, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("gene_a\tgene_b\nSA1G00020\tSA1G00020\n")
    assert "no pairs left" in _pairs(pipeline, capsys, path)


def test_bigwig_chromosomes_not_in_genome(promoters, capsys, tmp_path):
    bad = tmp_path / "TFX.bw"
    bw = pyBigWig.open(str(bad), "w")
    bw.addHeader([("chr01", 1000)])
    bw.addEntries(["chr01"], [0], ends=[1000], values=[1.0])
    bw.close()
    code = cli("coexpression", "extract", "--promoters", promoters, "--sizes",
               SPECIES / "genome.size", "--bigwig", TFS[0], "--bigwig", bad,
               "--out-prefix", tmp_path / "x")
    assert "not in the genome" in _one_line_naming(capsys, code, bad)
    assert not (tmp_path / "x.signal.npy").exists()  # nothing half-written


def test_vocabulary_larger_than_windows(pipeline, capsys, tmp_path):
    split = pipeline / "pairs" / "split.json"
    n_windows = np.load(pipeline / "vocab" / "windows.npy").shape[1] * 250
    code = cli("coexpression", "vocabulary", "--norm-prefix", pipeline / "norm", "--split", split,
               "--k", str(n_windows), "--outdir", tmp_path / "v")
    assert "larger than the number of training windows" in _one_line_naming(capsys, code, split)
