"""CRE scan, CRE evaluation against planted sites, genome-coordinate export (bigWig, BED) and
the scan-cre / gather steps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyBigWig
import pytest
from typer.testing import CliRunner

from plantreg.errors import InputError
from plantreg.expression.cre import (
    CreSettings,
    cre_threshold,
    evaluate_cres,
    merge_runs,
    plot_track,
    read_cre_bed,
    scan_genes,
    scan_track,
    signed_runs,
    write_cre_bed,
)
from plantreg.expression.explain import Scores, write_scores
from plantreg.expression.export import (
    gather_outputs,
    intervals_to_genome,
    intervals_to_window,
    write_importance_bigwigs,
)

PNG = b"\x89PNG"


def track(length: int, runs: dict[tuple[int, int], float]) -> np.ndarray:
    out = np.zeros(length)
    for (s, e), v in runs.items():
        out[s:e] = v
    return out


# --- scan

def test_scan_finds_planted_runs_with_sign_and_score():
    score = track(300, {(100, 110): 1.0, (200, 208): -2.0})
    score[50] = 0.1  # below the threshold
    cres = scan_track(score, threshold=0.5, max_gap=10, min_length=6)
    assert cres[["start", "end", "sign"]].values.tolist() == [[100, 110, "+"], [200, 208, "-"]]
    np.testing.assert_allclose(cres["score"], [10.0, -16.0])


def test_scan_merges_gaps_up_to_max_gap_only_within_a_sign():
    score = track(100, {(10, 15): 1.0, (20, 26): 1.0, (40, 46): 1.0, (48, 50): -1.0,
                        (52, 58): 1.0})
    merged = scan_track(score, 0.5, max_gap=5, min_length=1)
    assert merged[["start", "end"]].values.tolist() == [[10, 26], [40, 46], [48, 50], [52, 58]]
    assert merged["score"].iloc[0] == pytest.approx(11.0)  # the gap bases add 0
    apart = scan_track(score, 0.5, max_gap=4, min_length=1)
    assert apart[["start", "end"]].values.tolist()[:2] == [[10, 15], [20, 26]]


def test_scan_drops_short_runs_and_flat_tracks():
    score = track(60, {(5, 8): 3.0, (20, 30): 3.0})
    cres = scan_track(score, 1.0, max_gap=2, min_length=6)
    assert cres[["start", "end"]].values.tolist() == [[20, 30]]
    assert scan_track(np.zeros(60), 0.0).empty
    at_end = scan_track(track(30, {(22, 30): -1.0}), 0.5, min_length=6)
    assert at_end[["start", "end", "sign"]].values.tolist() == [[22, 30, "-"]]


def test_runs_and_merge_helpers():
    starts, ends, signs = signed_runs(np.array([0, 2, 2, -2, 0, 2]), 1.0)
    assert (starts.tolist(), ends.tolist(), signs.tolist()) == ([1, 3, 5], [3, 4, 6], [1, -1, 1])
    s, e, g = merge_runs(np.array([0, 5]), np.array([2, 8]), np.array([1, 1]), 3)
    assert (s.tolist(), e.tolist(), g.tolist()) == ([0], [8], [1])


def test_threshold_is_a_quantile_over_real_bases_of_every_gene():
    scores = np.array([[0.0, 0.0, 1.0, -2.0], [3.0, -4.0, 5.0, 0.0]])
    codes = np.array([[4, 4, 0, 1], [0, 1, 2, 4]])
    assert cre_threshold(scores, 0.5, codes) == pytest.approx(3.0)  # |1, 2, 3, 4, 5|
    assert cre_threshold(scores, 0.5) == pytest.approx(1.5)


def test_scan_genes_shares_one_threshold_and_names_cres():
    scores = np.stack([track(100, {(10, 20): 1.0}), track(100, {(30, 40): -5.0, (60, 70): 5.0})])
    cres, threshold = scan_genes(scores, ["a", "b"], CreSettings(0.88, 10, 6))
    assert threshold == pytest.approx(1.0)
    assert cres["name"].tolist() == ["a:cre1", "b:cre1", "b:cre2"]
    assert cres["sign"].tolist() == ["+", "-", "+"]


@pytest.mark.parametrize("settings, message", [
    (CreSettings(threshold_quantile=1.0), "quantile"), (CreSettings(max_gap=-1), "max-gap")])
def test_bad_cre_settings_are_input_errors(settings, message):
    with pytest.raises(InputError, match=message):
        settings.check()


def test_cre_bed_round_trip_and_malformed_bed(tmp_path):
    cres, _ = scan_genes(np.stack([track(50, {(10, 20): 1.0})]), ["g1"], CreSettings(0.9))
    write_cre_bed(cres, tmp_path / "cre.bed")
    assert (tmp_path / "cre.bed").read_text() == "g1\t10\t20\tg1:cre1\t10\t+\n"
    back = read_cre_bed(tmp_path / "cre.bed")
    assert back[["gene_id", "start", "end", "sign"]].values.tolist() == [["g1", 10, 20, "+"]]
    (tmp_path / "bad.bed").write_text("g1\t10\t20\tx\t1\t*\n")
    with pytest.raises(InputError, match="bad.bed"):
        read_cre_bed(tmp_path / "bad.bed")
    (tmp_path / "empty.bed").write_text("")
    assert read_cre_bed(tmp_path / "empty.bed").empty


# --- evaluation

def test_precision_recall_and_sign_agreement_on_a_hand_made_case():
    cres = pd.DataFrame({
        "species": ["A", "A", "A", "B"], "gene_id": ["g1", "g1", "g2", "h1"],
        "chrom": ["c1", "c1", "c2", "c9"], "start": [100, 300, 50, 10], "end": [110, 310, 60, 20],
        "sign": ["+", "-", "-", "+"]})
    truth = pd.DataFrame({
        "species": ["A", "A", "A", "A", "B", "B", "A"],
        "gene_id": ["g1", "g1", "g2", "g9", "h1", "h1", "g1"],
        "tf": ["t"] * 7, "chrom": ["c1", "c1", "c2", "c1", "c9", "c9", "c1"],
        "start": [109, 500, 40, 100, 0, 19, 300], "end": [115, 510, 51, 110, 10, 25, 310],
        "strand": ["+"] * 7, "log2_effect": [1.0, 1.0, 1.0, 1.0, -1.0, -2.0, 0.0]})
    genes = pd.DataFrame({"species": ["A", "A", "B"], "gene_id": ["g1", "g2", "h1"]})
    table = evaluate_cres(cres, truth, genes).set_index("species")
    # A: CREs g1:100-110 (hits site 109-115, +/+), g1:300-310 (miss), g2:50-60 (hits 40-51, -/+).
    # g9 is not explained, so its site does not count; [0, 10) touches h1's CRE but does not
    # overlap it; [19, 25) overlaps it with the other sign. The effect-less decoy on g1's
    # 300-310 CRE is no site.
    assert table.loc["A", ["cres", "sites", "pairs"]].tolist() == [3, 3, 2]
    assert table.loc["A", "precision"] == pytest.approx(2 / 3)
    assert table.loc["A", "recall"] == pytest.approx(2 / 3)
    assert table.loc["A", "sign_agreement"] == pytest.approx(1 / 2)
    assert table.loc["B", ["precision", "recall", "sign_agreement"]].tolist() == [1.0, 0.5, 0.0]
    assert table.loc["all", "precision"] == pytest.approx(3 / 4)
    assert table.loc["all", "recall"] == pytest.approx(3 / 5)
    assert table.loc["all", "sign_agreement"] == pytest.approx(1 / 3)


def test_plot_writes_a_png(tmp_path):
    score = track(200, {(50, 60): 1.0, (120, 130): -1.0})
    cres = scan_track(score, 0.5)
    truth = pd.DataFrame({"start": [52], "end": [58], "log2_effect": [1.0]})
    plot_track(score, cres, tmp_path / "plots" / "g.png", "g", truth, anchor=100)
    assert (tmp_path / "plots" / "g.png").read_bytes()[:4] == PNG


# --- genome coordinates

UPSTREAM, LENGTH = 5, 11
SIZES = {"A": {"c1": 200, "c2": 90}, "B": {"b1": 100}}


def genes_table() -> pd.DataFrame:
    """g+ on c1 (window i ↔ 15 + i), g- on c1 (window i ↔ 65 - i, clipped at 57: i ≤ 8 real),
    o+ overlapping g+ by 3 bases (i ↔ 23 + i), h+ on species B."""
    return pd.DataFrame({
        "gene_id": ["gp", "gm", "op", "hp"], "species": ["A", "A", "A", "B"],
        "chrom": ["c1", "c1", "c1", "b1"], "strand": ["+", "-", "+", "+"],
        "anchor": [20, 60, 28, 50], "start": [15, 57, 23, 45], "end": [26, 66, 34, 56]})


def test_bigwigs_round_trip_plus_and_minus_genes_with_overlaps(tmp_path):
    genes = genes_table()
    scores = np.stack([np.arange(1, 12), -np.arange(1, 12) * 10, np.full(11, -9.0),
                       np.full(11, 0.5)]).astype(np.float32)
    scores[0, 10] = 9.0  # |9| ties with op's -9 at base 25: gp is first in (chrom, start) order
    codes = np.zeros((4, LENGTH), np.uint8)
    codes[1, 3] = 4  # an N base of gm: no value
    paths = write_importance_bigwigs(scores, genes, UPSTREAM, SIZES, tmp_path, ["A", "B"], codes)
    assert sorted(p.name for p in paths.values()) == ["A.importance.bw", "B.importance.bw"]
    with pyBigWig.open(str(paths["A"])) as bw:
        assert bw.chroms() == {"c1": 200, "c2": 90}
        plus = np.array(bw.values("c1", 15, 26))
        minus = np.array(bw.values("c1", 55, 66))
        rest = np.array(bw.values("c1", 26, 34))
    # op overlaps gp at 23-25: ties (|9| = |-9|, at 23 and 25) keep gp's value, 24 keeps gp's 10.
    np.testing.assert_allclose(plus, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9])
    np.testing.assert_allclose(rest, np.full(8, -9.0))
    # '-': genome 65 - i holds score i; i = 9, 10 are padding (56, 55) and i = 3 (62) is N.
    expected = [np.nan, np.nan] + [-10 * (i + 1) if i != 3 else np.nan for i in range(8, -1, -1)]
    np.testing.assert_allclose(minus, expected)
    with pyBigWig.open(str(paths["B"])) as bw:
        np.testing.assert_allclose(bw.values("b1", 45, 56), np.full(11, 0.5))


def test_the_larger_absolute_value_wins_an_overlap_whatever_the_gene_order(tmp_path):
    genes = genes_table().iloc[[2, 0]].reset_index(drop=True)  # op before gp
    scores = np.stack([np.full(11, -1.0), np.full(11, 2.0)]).astype(np.float32)
    for order in ([0, 1], [1, 0]):
        path = write_importance_bigwigs(scores[order], genes.iloc[order], UPSTREAM, SIZES,
                                        tmp_path / str(order[0]), ["A"])["A"]
        with pyBigWig.open(str(path)) as bw:
            np.testing.assert_allclose(bw.values("c1", 22, 27), [2, 2, 2, 2, -1])


def test_a_gene_past_its_chromosome_end_is_an_input_error(tmp_path):
    sizes = {"A": {"c1": 30, "c2": 90}}
    with pytest.raises(InputError, match="past the end"):
        write_importance_bigwigs(np.ones((1, LENGTH), np.float32), genes_table().iloc[[2]],
                                 UPSTREAM, sizes, tmp_path, ["A"])
    with pytest.raises(InputError, match="not in chrom_sizes"):
        write_importance_bigwigs(np.ones((1, LENGTH), np.float32), genes_table().iloc[[0]],
                                 UPSTREAM, {"A": {"c2": 90}}, tmp_path, ["A"])


def test_cre_intervals_to_genome_and_back():
    genes = genes_table().set_index("gene_id", drop=False)
    window = pd.DataFrame({"gene_id": ["gp", "gm", "gm"], "start": [2, 2, 9], "end": [5, 5, 11]})
    genome = intervals_to_genome(window, genes, UPSTREAM)
    # gm's [9, 11) is padding only: dropped.
    assert genome[["chrom", "start", "end", "species"]].values.tolist() == [
        ["c1", 17, 20, "A"], ["c1", 61, 64, "A"]]
    back = intervals_to_window(genome.iloc[[1]], genes.loc["gm"], UPSTREAM)
    assert back[["start", "end"]].values.tolist() == [[2, 5]]


# --- gather and scan-cre

META = {"species": ["A", "B"], "upstream": UPSTREAM, "length": LENGTH}


def chunk_files(root, genes_rows, values, name):
    folder = root / name
    codes = np.zeros((len(genes_rows), LENGTH), np.uint8)
    write_scores(folder, Scores(np.array(genes_rows), np.array(["A"] * len(genes_rows)), codes,
                                {"ism": np.asarray(values, np.float32)}))
    cres, _ = scan_genes(np.asarray(values), genes_rows, CreSettings(0.8, 1, 2))
    write_cre_bed(cres, folder / "cre.bed")
    return [folder / "scores.npz", folder / "cre.bed"]


def test_gather_merges_chunks_into_genome_outputs(tmp_path):
    plus = track(LENGTH, {(2, 5): 3.0})
    minus = track(LENGTH, {(2, 5): -3.0})
    files = (chunk_files(tmp_path, ["gp"], [plus], "c0")
             + chunk_files(tmp_path, ["gm"], [minus], "c1"))
    truth = tmp_path / "truth.tsv"
    pd.DataFrame({"species": ["A", "A", "A"], "gene_id": ["gp", "gm", "op"], "tf": "t",
                  "chrom": "c1", "start": [18, 50, 24], "end": [19, 52, 26], "strand": "+",
                  "log2_effect": [1.0, -1.0, 1.0]}).to_csv(truth, sep="\t", index=False)
    out = gather_outputs(genes_table(), META, SIZES, files, tmp_path / "merged", "ism", truth)
    bed = (tmp_path / "merged" / "cre.bed").read_text().splitlines()
    assert [x.split("\t")[:3] + x.split("\t")[5:] for x in bed] == [
        ["c1", "17", "20", "+", "A", "gp"], ["c1", "61", "64", "-", "A", "gm"]]
    evaluation = pd.read_csv(out["cre_evaluation.tsv"], sep="\t").set_index("species")
    assert evaluation.loc["A", ["cres", "sites", "precision", "recall"]].tolist() == [
        2, 2, 0.5, 0.5]
    assert evaluation.loc["B", "cres"] == 0 and np.isnan(evaluation.loc["B", "precision"])
    assert out["cre_example.png"].read_bytes()[:4] == PNG
    with pyBigWig.open(str(out["A.importance.bw"])) as bw:
        np.testing.assert_allclose(bw.values("c1", 61, 64), [-3, -3, -3])
    with pyBigWig.open(str(out["B.importance.bw"])) as bw:
        assert bw.header()["nBasesCovered"] == 0  # no gene of B explained: an empty track


def test_gather_without_truth_writes_a_nan_evaluation(tmp_path):
    files = chunk_files(tmp_path, ["gp"], [track(LENGTH, {(2, 5): 3.0})], "c0")
    gather_outputs(genes_table(), META, SIZES, files, tmp_path / "m", "ism")
    table = pd.read_csv(tmp_path / "m" / "cre_evaluation.tsv", sep="\t")
    assert table["species"].tolist() == ["A", "B", "all"]
    assert table["cres"].tolist() == [1, 0, 1] and table["precision"].isna().all()


def test_gather_accepts_empty_chunks(tmp_path):
    empty = tmp_path / "empty"
    write_scores(empty, Scores(np.array([], dtype=str), np.array([], dtype=str),
                               np.zeros((0, LENGTH), np.uint8),
                               {"ism": np.zeros((0, LENGTH), np.float32)}))
    (empty / "cre.bed").write_text("")
    files = [empty / "scores.npz", empty / "cre.bed"]
    out = gather_outputs(genes_table(), META, SIZES, files, tmp_path / "none", "ism")
    assert (tmp_path / "none" / "cre.bed").read_text() == ""
    assert out["cre_example.png"].read_bytes()[:4] == PNG
    files += chunk_files(tmp_path, ["gp"], [track(LENGTH, {(2, 5): 3.0})], "c0")
    gather_outputs(genes_table(), META, SIZES, files, tmp_path / "some", "ism")
    assert len((tmp_path / "some" / "cre.bed").read_text().splitlines()) == 1


@pytest.mark.parametrize("case, message", [
    ("duplicate", "more than one scores file"), ("method", "no 'gxi' scores"),
    ("unknown gene", "in no scores file"), ("other file", "npz and CRE .bed")])
def test_gather_bad_input(tmp_path, case, message):
    files = chunk_files(tmp_path, ["gp"], [track(LENGTH, {(2, 5): 3.0})], "c0")
    method = "ism"
    if case == "duplicate":
        files += chunk_files(tmp_path, ["gp"], [np.zeros(LENGTH)], "c1")
    elif case == "method":
        method = "gxi"
    elif case == "unknown gene":
        (tmp_path / "x.bed").write_text("zz\t1\t3\tzz:cre1\t1\t+\n")
        files.append(tmp_path / "x.bed")
    else:
        files.append(tmp_path / "notes.txt")
    with pytest.raises(InputError, match=message):
        gather_outputs(genes_table(), META, SIZES, files, tmp_path / "m", method)
    assert not (tmp_path / "m" / "cre.bed").exists()


def test_scan_cre_command(tmp_path):
    from plantreg.cli.expression_explain import app

    scores = np.stack([track(300, {(100, 110): 1.0}), track(300, {(5, 15): -1.0})])
    write_scores(tmp_path / "chunk", Scores(np.array(["g/1", "g2"]), np.array(["A", "B"]),
                                            np.zeros((2, 300), np.uint8), {"ism": scores}))
    runner = CliRunner()
    args = ["scan-cre", "--scores", str(tmp_path / "chunk" / "scores.npz"), "--outdir",
            str(tmp_path / "cre"), "--threshold-quantile", "0.97"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert read_cre_bed(tmp_path / "cre" / "cre.bed")[["gene_id", "start", "end", "sign"]] \
        .values.tolist() == [["g/1", 100, 110, "+"], ["g2", 5, 15, "-"]]
    assert sorted(p.name for p in (tmp_path / "cre" / "plots").iterdir()) == ["g2.png", "g_1.png"]
    bad = runner.invoke(app, [*args[:5], "--method", "gxi"])
    assert isinstance(bad.exception, InputError) and "scores.npz" in str(bad.exception)
    bad = runner.invoke(app, [*args, "--method", "shap"])
    assert isinstance(bad.exception, InputError) and "shap" in str(bad.exception)
