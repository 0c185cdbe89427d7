"""TRAIN_CONSERVATION end to end on the bundled synthetic species pair, step by step as the
one-machine runner lists them, each through the ``plantreg`` CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import pytest
import torch

from plantreg.cli.main import main
from plantreg.run.conservation import conservation_steps
from plantreg.run.params import DEFAULTS as STAGE_DEFAULTS

DATA = Path(__file__).resolve().parents[2] / "assets" / "test_data"


def _params(outdir: Path) -> dict:
    return {
        **STAGE_DEFAULTS,
        "input": str(DATA / "speciesA" / "samplesheet.csv"),
        "fasta": str(DATA / "speciesA" / "genome.fa"),
        "outdir": str(outdir),
        "seed": 0,
        "threads": 1,
        "conservation_axt": str(DATA / "alignment" / "speciesA.speciesB.net.axt.gz"),
        "conservation_fasta_b": str(DATA / "speciesB" / "genome.fa"),
        "conservation_input_b": str(DATA / "speciesB" / "samplesheet.csv"),
        "conservation_trials": 2,
        "conservation_ensemble": 3,
        "conservation_max_epochs": 10,
        "conservation_min_epochs": 4,
        "conservation_train_size": 1500,
    }


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    out = tmp_path_factory.mktemp("cons")
    # PREPARE_DATA's sizes file (PREP_INDEX output) is this stage's input
    sizes = out / "prepare_data" / "genome" / "genome.size"
    sizes.parent.mkdir(parents=True)
    shutil.copy(DATA / "speciesA" / "genome.size", sizes)
    fasta_b = out / "b" / "genome.fa"  # PREP_INDEX writes the .fai beside the FASTA
    fasta_b.parent.mkdir()
    shutil.copy(DATA / "speciesB" / "genome.fa", fasta_b)
    params = _params(out) | {"conservation_fasta_b": str(fasta_b)}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny networks: one thread is faster on a shared 2-core machine
    try:
        steps = conservation_steps(params)
        for step in steps:
            try:
                main(["--log-level", "WARNING", *step.command()])
            except SystemExit as exc:
                assert not exc.code, f"{step.label} failed: {' '.join(step.command())}"
            assert all(p.exists() for p in step.outputs), step.label
    finally:
        torch.set_num_threads(threads)
    return out / "train_conservation", steps


def test_steps_scatter_per_trial_and_seed(stage):
    _, steps = stage
    procs = [s.process for s in steps]
    # region pairs: one pass over the axt, or the older scatter per A chromosome (4) + merge
    assert procs.count("CONSERVATION_REGIONS") in (1, 4)
    assert procs.count("CONSERVATION_SEARCH") == 2 * 2
    assert procs.count("CONSERVATION_TRAIN") == 2 * 3
    assert all(s.group == "conservation" for s in steps if s.process.startswith("CONSERVATION"))


def test_ensemble_beats_single_networks_on_test_pairs(stage):
    out, _ = stage
    metrics = pd.read_csv(out / "evaluate" / "test_metrics.tsv", sep="\t")
    for half, sub in metrics.groupby("half"):
        single = sub[sub["model"] != "ensemble"]["auroc"]
        ens = float(sub[sub["model"] == "ensemble"]["auroc"].iloc[0])
        assert len(single) == 3
        assert ens > single.mean(), half
        assert ens > 0.7, half


def test_score_separates_kept_from_lost_elements(stage, capsys):
    out, _ = stage
    truth_out = out / "evaluate" / "truth.tsv"
    try:
        main(["--log-level", "WARNING", "conservation", "evaluate",
              "--examples", str(out / "examples" / "odd.test.examples.npy"),
              "--scores", ",".join(str(p) for p in sorted(
                  (out / "ensemble" / "even").glob("member*/odd.test.scores.npy"))),
              "--halves", "odd", "--out", str(out / "evaluate" / "odd_only.tsv"),
              "--truth", str(DATA / "truth" / "conservation.tsv"),
              "--pair-scores", str(out / "track" / "conservation.scores.tsv"),
              "--out-truth", str(truth_out)])
    except SystemExit as exc:
        assert not exc.code, capsys.readouterr().err
    sep = json.loads(truth_out.with_suffix(".summary.json").read_text())
    assert sep["n_kept"] > 100 and sep["n_lost"] > 50
    assert sep["mean_kept"] > sep["mean_lost"]
    assert sep["kept_vs_lost_auroc"] > 0.7


def test_track_covers_every_pair_window(stage):
    out, _ = stage
    scores = pd.read_csv(out / "track" / "conservation.scores.tsv", sep="\t")
    pairs = pd.read_csv(out / "regions" / "pairs.tsv", sep="\t")
    assert sorted(scores["index"]) == pairs["index"].tolist()  # both halves, once each
    assert scores["n_networks"].eq(3).all() and scores["score"].between(0, 1).all()
    bw = pyBigWig.open(str(out / "track" / "conservation.bw"))
    row = scores.iloc[len(scores) // 2]
    value = bw.values(row["chrom_a"], int(row["start_a"]), int(row["window_end_a"]))
    bw.close()
    np.testing.assert_allclose(value, row["score"], rtol=1e-5)


def test_search_table_and_best_choice(stage):
    out, _ = stage
    for half in ("odd", "even"):
        table = pd.read_csv(out / "search" / half / "trials.tsv", sep="\t")
        best = json.loads((out / "search" / half / "best.json").read_text())
        assert len(table) == 2 and table["valid_auroc"].iloc[0] == table["valid_auroc"].max()
        assert best["trial"] == int(table["trial"].iloc[0])
