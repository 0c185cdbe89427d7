"""The runner's TRAIN_COEXPRESSION steps name real commands and options, in pipeline order."""

from __future__ import annotations

import typer.main

from plantreg.cli.coexpression import app
from plantreg.run.coexpression import coexpression_steps
from plantreg.run.params import DEFAULTS, Params
from tests.coexpression.conftest import SPECIES

ORDER = ["COEXPRESSION_EXTRACT", "COEXPRESSION_GATHER", "COEXPRESSION_PAIRS",
         "COEXPRESSION_NORMALISE",
         "COEXPRESSION_VOCABULARY", "COEXPRESSION_TRAIN", "COEXPRESSION_EVALUATE",
         "COEXPRESSION_NETWORK", "COEXPRESSION_ATTENTION"]


def _params(tmp_path, **extra) -> Params:
    values = {**DEFAULTS, "input": str(SPECIES / "samplesheet.csv"),
              "gff": str(SPECIES / "genes.gff3"), "outdir": str(tmp_path), **extra}
    return Params(values=values, work_dir=tmp_path / "work")


def test_no_pairs_no_steps(tmp_path):
    assert coexpression_steps(_params(tmp_path)) == []


def test_steps_call_existing_commands_and_options(tmp_path):
    steps = coexpression_steps(_params(tmp_path, coexpression_pairs="pairs.tsv",
                                       coexpression_hidden_pairs="hidden.tsv"))
    assert list(dict.fromkeys(s.process for s in steps)) == ORDER
    extracts = [s for s in steps if s.process == "COEXPRESSION_EXTRACT"]
    assert len(extracts) > 1 and all("--chrom" in s.argv for s in extracts)  # one per chromosome
    group = typer.main.get_group(app)
    for step in steps:
        assert step.group == "coexpression"
        command = group.commands[step.argv[0]]
        options = {o for p in command.params for o in p.opts + p.secondary_opts}
        used = {a for a in step.argv[1:] if a.startswith("--")}
        assert used <= options, (step.process, used - options)
    extract = steps[0].argv
    assert extract.count("--bigwig") == 12 and "--control" in extract


def test_runner_steps_run_end_to_end(tmp_path, promoters):
    """Every step of the runner's plan runs, in order, through the same CLI (short training)."""
    from tests.coexpression.conftest import DATA, cli

    prep = tmp_path / "prepare_data"
    (prep / "promoters").mkdir(parents=True)
    (prep / "genome").mkdir()
    (prep / "promoters" / "promoters.tsv").write_text(promoters.read_text())
    (prep / "genome" / "genome.size").write_text((SPECIES / "genome.size").read_text())
    config = tmp_path / "hp.yaml"
    config.write_text("train: {max_epochs: 2, min_epochs: 1}\n")
    steps = coexpression_steps(_params(
        tmp_path, coexpression_pairs=str(SPECIES / "coexpression" / "pairs.tsv"),
        coexpression_hidden_pairs=str(DATA / "truth" / "pairs_withheld.tsv"),
        coexpression_config=str(config), coexpression_network_top=50,
    ))
    for step in steps:
        assert not any(p.exists() for p in step.outputs)
        assert cli(*step.command()) == 0, step.label
        assert all(p.exists() for p in step.outputs), step.label
