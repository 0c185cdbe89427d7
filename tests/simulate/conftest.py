"""Shared fixture: one fresh run of the `test` preset per session (a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from plantreg.simulate.core import simulate

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "assets" / "test_data"


@pytest.fixture(scope="session")
def sim(tmp_path_factory) -> Path:
    return simulate("test", 7, tmp_path_factory.mktemp("sim") / "out")


def read_tsv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", keep_default_na=False)


def gff_table(path: Path) -> pd.DataFrame:
    cols = ["chrom", "source", "type", "start", "end", "score", "strand", "phase", "attrs"]
    df = pd.read_csv(path, sep="\t", comment="#", header=None, names=cols)
    attrs = df["attrs"].str.split(";").map(lambda kv: dict(x.split("=", 1) for x in kv))
    df["id"] = attrs.map(lambda a: a["ID"])
    df["parent"] = attrs.map(lambda a: a.get("Parent", ""))
    df["start"] -= 1  # to 0-based half-open
    return df


def read_sizes(path: Path) -> dict[str, int]:
    pairs = (line.split("\t") for line in path.read_text().splitlines())
    return {c: int(n) for c, n in pairs}
