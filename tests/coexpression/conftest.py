"""The TRAIN_COEXPRESSION steps run once on the bundled synthetic data (species A), through the
CLI, shared by the tests of this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantreg.cli.main import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "assets" / "test_data"
SPECIES = DATA / "speciesA"
TFS = sorted(p for p in (SPECIES / "dapseq").glob("*.bw") if p.name != "input.bw")


def cli(*args: str) -> int:
    """Run ``plantreg ARGS`` in-process; return the exit code."""
    try:
        main([*map(str, args)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def bigwig_args() -> list[str]:
    return [x for p in TFS for x in ("--bigwig", str(p))]


@pytest.fixture(scope="session")
def promoters(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("promoters")
    code = cli("prep", "promoters", "--gff", SPECIES / "genes.gff3", "--fasta",
               SPECIES / "genome.fa", "--out-prefix", out / "promoters")
    assert code == 0
    return out / "promoters.tsv"


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory, promoters) -> Path:
    """extract → pairs → normalise → vocabulary → train → evaluate → network → attention."""
    o = tmp_path_factory.mktemp("coexpression")
    steps = [
        ("extract", "--promoters", promoters, "--sizes", SPECIES / "genome.size", *bigwig_args(),
         "--control", SPECIES / "dapseq" / "input.bw", "--out-prefix", o / "signal"),
        ("pairs", "--pairs", SPECIES / "coexpression" / "pairs.tsv", "--genes",
         o / "signal.genes.tsv", "--seed", "0", "--outdir", o / "pairs"),
        ("normalise", "--signal-prefix", o / "signal", "--split", o / "pairs" / "split.json",
         "--out-prefix", o / "norm"),
        ("vocabulary", "--norm-prefix", o / "norm", "--split", o / "pairs" / "split.json",
         "--k", "32", "--seed", "0", "--outdir", o / "vocab"),
        ("train", "--vocabulary", o / "vocab", "--pairs", o / "pairs" / "pairs.tsv", "--split",
         o / "pairs" / "split.json", "--normalisation", o / "norm.json", "--threads", "1",
         "--seed", "0", "--outdir", o / "model"),
        ("evaluate", "--checkpoint", o / "model" / "model.pt", "--vocabulary", o / "vocab",
         "--pairs", o / "pairs" / "pairs.tsv", "--listed", SPECIES / "coexpression" / "pairs.tsv",
         "--hidden", DATA / "truth" / "pairs_withheld.tsv", "--threads", "1",
         "--outdir", o / "eval"),
        ("network", "--checkpoint", o / "model" / "model.pt", "--vocabulary", o / "vocab",
         "--top", "300", "--threads", "1", "--outdir", o / "net"),
        ("attention", "--checkpoint", o / "model" / "model.pt", "--vocabulary", o / "vocab",
         "--pairs", o / "pairs" / "pairs.tsv", "--top-pairs", "40", "--outdir", o / "attn"),
    ]
    for step in steps:
        assert cli("coexpression", *step) == 0, step[0]
    return o
