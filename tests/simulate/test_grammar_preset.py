"""The `grammar` preset: five element marks, each set by its own ordered motif pair at a fixed
spacing and orientation; single-motif decoys as frequent as the real elements carry no mark.

Everything is checked from the written files (truth tables, genome FASTA, motif files, peaks),
re-deriving the rule independently of the simulator's own code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest

from plantreg.simulate.core import simulate
from tests.simulate.conftest import read_sizes, read_tsv

ELEMENT_MARKS = ("ATAC", "H3K27AC", "H3K4ME1", "H3K4ME3", "H3K9AC")
SINGLES = ("single_first", "single_second")


@pytest.fixture(scope="module")
def gsim(tmp_path_factory) -> Path:
    return simulate("grammar", 7, tmp_path_factory.mktemp("grammar") / "out")


def _rules(sim: Path) -> pd.DataFrame:
    return read_tsv(sim / "truth" / "motif_pairs.tsv").set_index("mark")


def _valid_pairs(sites: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """(element_id, mark, first site_id, second site_id) of every pair obeying its mark's rule."""
    rows = []
    for mark, r in rules.iterrows():
        a = sites[sites["tf"] == r["first"]]
        b = sites[sites["tf"] == r["second"]]
        m = a.merge(b, on="element_id", suffixes=("_a", "_b"))
        same = m["strand_a"] == m["strand_b"]
        gap = np.where(m["strand_a"] == "+", m["start_b"] - m["end_a"],
                       m["start_a"] - m["end_b"])
        ok = m[same & (gap == r["spacing"])]
        rows.append(pd.DataFrame(dict(element_id=ok["element_id"], mark=mark,
                                      site_a=ok["site_id_a"], site_b=ok["site_id_b"])))
    return pd.concat(rows, ignore_index=True)


def _check_rule(elements: pd.DataFrame, sites: pd.DataFrame, rules: pd.DataFrame) -> None:
    pairs = _valid_pairs(sites, rules)
    for mark in ELEMENT_MARKS:
        holding = set(pairs.loc[pairs["mark"] == mark, "element_id"])
        want = elements["id"].isin(holding) & (elements.get("lost", 0) == 0)
        assert (elements[mark].to_numpy() == want.to_numpy().astype(int)).all(), mark


def _marked_intervals_hold_pair(marks: pd.DataFrame, sites: pd.DataFrame,
                                rules: pd.DataFrame) -> None:
    """Every element-mark interval contains a valid pair of its mark, inside the interval."""
    pairs = _valid_pairs(sites, rules)
    pos = sites.set_index("site_id")
    for mark in ELEMENT_MARKS:
        iv = marks[marks["mark"] == mark]
        p = pairs[pairs["mark"] == mark]
        span = pd.DataFrame(dict(
            element_id=p["element_id"].to_numpy(),
            chrom=pos.loc[p["site_a"], "chrom"].to_numpy(),
            lo=np.minimum(pos.loc[p["site_a"], "start"].to_numpy(),
                          pos.loc[p["site_b"], "start"].to_numpy()),
            hi=np.maximum(pos.loc[p["site_a"], "end"].to_numpy(),
                          pos.loc[p["site_b"], "end"].to_numpy())))
        m = iv.merge(span, left_on="source", right_on="element_id", how="left")
        inside = (m["chrom_x"] == m["chrom_y"]) & (m["lo"] >= m["start"]) & (m["hi"] <= m["end"])
        held = inside.groupby([m["source"], m["start"]]).any()
        assert len(held) == len(iv) > 100, mark
        assert held.all(), (mark, held[~held].index[:5].tolist())


def test_rules_are_five_distinct_pairs(gsim: Path) -> None:
    rules = _rules(gsim)
    assert sorted(rules.index) == sorted(ELEMENT_MARKS)
    paired = list(rules["first"]) + list(rules["second"])
    assert len(set(paired)) == 10  # each mark its own two motifs
    assert rules["spacing"].between(10, 60).all() and rules["spacing"].is_unique
    tfs = read_tsv(gsim / "truth" / "tfs.tsv")
    assert set(tfs.loc[tfs["role"] == "pair", "tf"]) == set(paired)
    assert (tfs["role"] == "neutral").sum() == len(tfs) - 10 > 0
    cfg = json.loads((gsim / "truth" / "config.json").read_text())
    assert cfg["preset"] == "grammar" and cfg["config"]["grammar"] == "pairs"
    sizes = read_sizes(gsim / "speciesA" / "genome.size")
    assert list(sizes.values()) == [1_000_000] * 4
    readme = (gsim / "README.md").read_text()
    assert "Pairs grammar" in readme and all(f"- {m}: " in readme for m in ELEMENT_MARKS)


def test_marks_follow_the_pair_rule(gsim: Path) -> None:
    rules = _rules(gsim)
    el = read_tsv(gsim / "truth" / "elements.tsv")
    sites = read_tsv(gsim / "truth" / "sites.tsv")
    _check_rule(el, sites, rules)
    for mark in ELEMENT_MARKS:  # every mark has both outcomes, in numbers
        assert 200 < el[mark].sum() < len(el) / 3, mark
    _marked_intervals_hold_pair(read_tsv(gsim / "truth" / "marks.tsv"), sites, rules)


def test_planted_units_have_the_right_geometry(gsim: Path) -> None:
    rules = _rules(gsim)
    units = read_tsv(gsim / "truth" / "motif_units.tsv")
    spacing = units["mark"].map(rules["spacing"])
    pair = units["kind"] == "pair"
    assert (units.loc[pair, "gap"] == spacing[pair]).all()
    wrong = units["kind"] == "wrong_spacing"
    assert (units.loc[wrong, "gap"] != spacing[wrong]).all()
    for kind in ("swapped", "opposite_strand"):
        sel = units["kind"] == kind
        assert (units.loc[sel, "gap"] == spacing[sel]).all()  # right spacing, wrong orientation
    assert (units.loc[units["kind"].isin(SINGLES), "gap"] == -1).all()


def test_decoys_are_frequent_and_unmarked(gsim: Path) -> None:
    el = read_tsv(gsim / "truth" / "elements.tsv")
    units = read_tsv(gsim / "truth" / "motif_units.tsv")
    real = el["pairs"] != ""
    decoy = el["decoy"] == 1
    assert decoy.sum() >= real.sum() > 1000
    assert (el.loc[decoy, list(ELEMENT_MARKS)] == 0).all().all()
    counts = pd.crosstab(units["mark"], units["kind"])
    assert (counts[list(SINGLES)].sum(axis=1) >= counts["pair"]).all()
    for kind in ("single_first", "single_second", "wrong_spacing", "swapped", "opposite_strand"):
        assert (counts[kind] > 30).all(), kind
    # a decoy never shares an element with a real pair of its own mark
    unit_marks = units.groupby("element_id").apply(
        lambda g: set(g.loc[g["kind"] == "pair", "mark"]) & set(g.loc[g["kind"] != "pair", "mark"]),
        include_groups=False)
    assert not unit_marks.map(bool).any()


def test_no_single_motif_sets_a_mark(gsim: Path) -> None:
    """Single occurrences of a pair's motif (outside a valid pair) almost never lie in that mark's
    true intervals, while the motif is common; a valid pair is always marked."""
    rules = _rules(gsim)
    sites = read_tsv(gsim / "truth" / "sites.tsv")
    marks = read_tsv(gsim / "truth" / "marks.tsv")
    el = read_tsv(gsim / "truth" / "elements.tsv").set_index("id")
    pairs = _valid_pairs(sites, rules)
    in_pair = set(pairs["site_a"]) | set(pairs["site_b"])
    for mark, r in rules.iterrows():
        iv = marks[marks["mark"] == mark]
        for tf in (r["first"], r["second"]):
            occ = sites[sites["tf"] == tf]
            single = occ[~occ["site_id"].isin(in_pair)]
            assert len(single) >= (pairs["mark"] == mark).sum(), (mark, tf)
            hit = [bool(((g["chrom"] == s.chrom) & (g["start"] < s.end) & (g["end"] > s.start))
                        .any()) for s in single.itertuples() for g in (iv,)]
            assert np.mean(hit) <= 0.01, (mark, tf, np.mean(hit))
            # presence of the motif alone is a poor predictor of the mark
            with_tf = el.loc[occ["element_id"].unique(), mark]
            assert with_tf.mean() < 0.6, (mark, tf, with_tf.mean())
        assert el.loc[pairs.loc[pairs["mark"] == mark, "element_id"], mark].all()


def _meme(path: Path) -> dict[str, np.ndarray]:
    out, lines = {}, path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("MOTIF "):
            tf = line.split()[2]
            w = int(lines[i + 1].split("w=")[1].split()[0])
            out[tf] = np.array([[float(x) for x in lines[i + 2 + j].split()] for j in range(w)])
    return out


def _site_scores(fasta: Path, sites: pd.DataFrame, pwms: dict[str, np.ndarray]) -> np.ndarray:
    """Log-odds of each site's sequence read on the site's strand, as a fraction of the best."""
    bg = np.array([0.32, 0.18, 0.18, 0.32])
    code = {b: i for i, b in enumerate("ACGT")}
    comp = str.maketrans("ACGTN", "TGCAN")
    out = []
    with pysam.FastaFile(str(fasta)) as fa:
        for s in sites.itertuples():
            seq = fa.fetch(s.chrom, s.start, s.end).upper()
            if s.strand == "-":
                seq = seq.translate(comp)[::-1]
            lo = np.log2((pwms[s.tf] + 0.01) / (1.04 * bg))
            score = sum(lo[j, code[c]] if c in code else -8.0 for j, c in enumerate(seq))
            out.append(score / lo.max(axis=1).sum())
    return np.array(out)


def test_sites_are_in_the_genome_on_their_strand(gsim: Path) -> None:
    pwms = _meme(gsim / "motifs" / "motifs.meme")
    sites = read_tsv(gsim / "truth" / "sites.tsv")
    paired = sites[sites["mark"] != ""]
    score = _site_scores(gsim / "speciesA" / "genome.fa", paired, pwms)
    assert np.quantile(score, 0.02) > 0.6, np.quantile(score, 0.02)
    # the same bases read on the other strand do not score as the motif
    flipped = paired.assign(strand=paired["strand"].map({"+": "-", "-": "+"}))
    rc = _site_scores(gsim / "speciesA" / "genome.fa", flipped, pwms)
    assert np.median(rc) < 0.3


def test_species_b_keeps_the_grammar(gsim: Path) -> None:
    rules = _rules(gsim)
    d = gsim / "truth" / "speciesB"
    el = read_tsv(d / "elements.tsv")
    sites = read_tsv(d / "sites.tsv")
    assert sites["chrom"].str.startswith("chr").all()
    _check_rule(el, sites, rules)  # kept elements keep their pairs, lost ones are unmarked
    lost = el["lost"] == 1
    assert 0.2 < lost.mean() < 0.4
    assert (el.loc[lost, list(ELEMENT_MARKS)] == 0).all().all()
    for mark in ELEMENT_MARKS:
        assert el[mark].sum() > 150, mark
    _marked_intervals_hold_pair(read_tsv(d / "marks.tsv"), sites, rules)
    # rearrangements flipped some elements: the pairs there now read on the other strand
    a = read_tsv(gsim / "truth" / "sites.tsv").set_index("site_id")
    flips = (a.loc[sites["site_id"], "strand"].to_numpy() != sites["strand"].to_numpy()).sum()
    assert flips > 0
    kept = sites[(sites["lost"] == 0) & (sites["mark"] != "")]
    pwms = _meme(gsim / "motifs" / "motifs.meme")
    score = _site_scores(gsim / "speciesB" / "genome.fa", kept, pwms)
    assert np.median(score) > 0.7 and np.quantile(score, 0.05) > 0.4


def test_peaks_dapseq_and_samplesheet(gsim: Path) -> None:
    tfs = read_tsv(gsim / "truth" / "tfs.tsv")
    for sp, truth in (("speciesA", gsim / "truth"), ("speciesB", gsim / "truth" / "speciesB")):
        sheet = pd.read_csv(gsim / sp / "samplesheet.csv")
        assert set(sheet.loc[sheet["type"] == "dapseq", "mark"]) == set(tfs["tf"])
        assert all((gsim / sp / f).is_file() for f in sheet["file"])
        marks = read_tsv(truth / "marks.tsv")
        for mark in ELEMENT_MARKS:
            peaks = pd.read_csv(gsim / sp / "peaks" / f"{mark}_leaf_rep1.narrowPeak", sep="\t",
                                header=None, names=["chrom", "start", "end"], usecols=[0, 1, 2])
            true = marks[marks["mark"] == mark]
            hit = [((p["start"] < t.end) & (p["end"] > t.start)).any()
                   for t in true.itertuples() for p in (peaks[peaks["chrom"] == t.chrom],)]
            assert 0.8 < np.mean(hit) < 1.0, (sp, mark, np.mean(hit))
