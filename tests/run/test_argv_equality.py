"""Both executors run the same command lines: for every step of the bundled run, the runner's
argv equals the one Nextflow would run — the module's real ``script:`` block rendered by real
Groovy with the task's ``meta``, staged inputs, ``task.cpus``/``task.accelerator`` and the
``ext.args``/``ext.prefix`` of ``conf/*.config``. Paths are compared by file name (Nextflow stages
inputs into the task folder by name; the runner passes the same files by full path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantreg.run.params import load_params
from plantreg.run.runner import STAGES, plan
from plantreg.run.step import Step, runner_threads
from tests.conftest import bundled_params
from tests.nextflow.nfsource import all_processes
from tests.nextflow.render import Task, by_name, render, staged_argv
from tests.run.conftest import REPO, TEST_PARAMS


def _tasks(steps: list[Step], params) -> list[Task]:
    processes = all_processes()
    return [
        Task(
            process=processes[step.process],
            alias=step.called,
            params=dict(params.values),
            meta=dict(step.meta),
            inputs=dict(step.inputs),
            cpus=runner_threads(params),
            accelerator=bool(params["use_gpu"])
            and "process_gpu" in processes[step.process].header,
        )
        for step in steps
    ]


def _assert_same(steps: list[Step], params) -> list[tuple[Task, list[str]]]:
    """Both sides run the same argv; each task (with the names its inputs were staged under) and
    the argv Nextflow renders for it."""
    tasks = _tasks(steps, params)
    nextflow = render(tasks)
    for step, task, theirs in zip(steps, tasks, nextflow, strict=True):
        ours = staged_argv(step.command(), task)
        assert by_name(ours) == by_name(theirs), step.label
    return list(zip(tasks, nextflow, strict=True))


@pytest.mark.parametrize("stage", list(STAGES))
def test_every_step_runs_the_nextflow_argv(stage: str, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    params = load_params(TEST_PARAMS)
    steps = plan(params, [stage])
    assert steps, f"{stage} has no steps with {TEST_PARAMS.name}"
    _assert_same(steps, params)


def test_device_threads_and_optional_options_follow_the_parameters(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """With a GPU asked for, 3 threads and the optional options set, both sides still agree,
    and the options really changed (the comparison is not blind to them)."""
    monkeypatch.chdir(REPO)
    species = REPO / "assets" / "test_data" / "expression"
    sheet = tmp_path / "species.csv"  # with held-out chromosomes for one species (';' quoted)
    sheet.write_text("species,fasta,gff,expression,valid_chroms,test_chroms\n" + "".join(
        f"{s},{species / s / 'genome.fa'},{species / s / 'genes.gff3'},{species / s / 'tpm.tsv'},"
        f"{chroms}\n" for s, chroms in (("speciesA", "Chr3;Chr4,Chr2"), ("speciesB", ","))))
    params = load_params(bundled_params(tmp_path, use_gpu=True, threads=3, test_chroms="Chr3",
                                        expression_input=str(sheet),
                                        chromatin_class_weights=True,
                                        coexpression_degree_match=True,
                                        expr_rc_pool=True,
                                        expr_families="assets/test_data/truth/genes.tsv",
                                        expr_truth_sites="assets/test_data/truth/sites.tsv"))
    steps = plan(params)
    _assert_same(steps, params)
    argv = {s.label: s.argv for s in steps}
    assert argv["CHROMATIN_TRAIN"][argv["CHROMATIN_TRAIN"].index("--device") + 1] == "cuda"
    assert "--class-weights" in argv["CHROMATIN_TRAIN"]
    for label in ("EXPR_TRAIN", "EXPR_EXPLAIN (chunk0)"):
        assert argv[label][argv[label].index("--device") + 1] == "cuda"
    assert "--rc-pool" in argv["EXPR_TRAIN"]
    assert argv["EXPR_DATASET"][argv["EXPR_DATASET"].index("--families") + 1].endswith("genes.tsv")
    dataset = argv["EXPR_DATASET"]
    assert dataset[dataset.index("--valid-chroms") + 1] == "speciesA=Chr3;Chr4"
    assert dataset[dataset.index("--test-chroms") + 1] == "speciesA=Chr2"
    assert dataset.count("--test-chroms") == 1
    assert argv["EXPR_GATHER"][argv["EXPR_GATHER"].index("--truth-sites") + 1].endswith("sites.tsv")
    assert argv["PREP_SPLIT"][-2:] == ["--test-chroms", "Chr3"]
    threads = [a[a.index("--threads") + 1] for a in argv.values() if "--threads" in a]
    assert threads and set(threads) == {"3"}


def test_gathers_of_many_files_keep_the_runner_order(tmp_path: Path, monkeypatch) -> None:
    """The gathering steps stage each file into a folder named by its index (``stageAs:
    'evaluate/*/*'``: Nextflow's ``*`` is the index, however many files; a ``??`` only sets a
    minimum width) and pass the staged list in input order: with 101 TFs, 101 explain chunks and
    12 target chunks, every file keeps its own folder and the command lists them in the runner's
    order (a shell glob over ``shard1 … shard12`` would sort 10, 11, 12 before 2)."""
    monkeypatch.chdir(REPO)
    tfs = [f"TF{i:03d}" for i in range(101)]
    for tf in tfs:
        (tmp_path / "tfbs" / tf).mkdir(parents=True)
        (tmp_path / "tfbs" / tf / "train.csv").write_text("sequence,label\n")
    target = tmp_path / "target.fa"
    target.write_text("".join(f">scaffold{i}\n{'ACGT' * 300}\n" for i in range(12)))
    params = load_params(bundled_params(
        tmp_path, outdir=str(tmp_path / "results"), tfbs_csv_dir=str(tmp_path / "tfbs"),
        explain_chunks=101, target_fasta=str(target), target_truth=None, chunk_size=1))
    gathers = ("TFBS_SUMMARY", "EXPR_GATHER", "EXPR_CRE_THRESHOLD", "CHROMATIN_MERGE_TRACKS")
    steps = [s for s in plan(params, ["train_tfbs", "explain", "cross_species_inference"])
             if s.process in gathers]
    assert {s.process for s in steps} == set(gathers)
    rendered = _assert_same(steps, params)
    staged = {task.alias: task.staged for task, _ in rendered}
    assert staged["TFBS_SUMMARY"]["evaluations"][-1] == "evaluate/101/evaluation.tsv"
    assert staged["TFBS_SUMMARY"]["motifs"][-1] == "motifs/101/summary.json"
    assert staged["EXPR_GATHER"]["scores"][-1] == "scores/101/scores.npz"
    assert staged["EXPR_CRE_THRESHOLD"]["scores"][-1] == "scores/101/scores.npz"
    assert len(staged["CHROMATIN_MERGE_TRACKS"]["shards"]) == 12
    for task, argv in rendered:  # the staged files, in input order, on the rendered command line
        for name, files in task.staged.items():
            if isinstance(files, list) and len(files) > 1:
                places = [argv.index(f) for f in files]
                assert places == sorted(places), (task.alias, name)
