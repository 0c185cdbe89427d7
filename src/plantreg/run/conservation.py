"""TRAIN_CONSERVATION as the one-machine runner sees it: the same processes, in the same order, as
``subworkflows/local/train_conservation/main.nf``, each the same ``plantreg conservation`` call.

Species A is the pipeline's genome (``fasta``, ``input``); species B comes from
``conservation_fasta_b`` and ``conservation_input_b``; the alignment is ``conservation_axt``
(axtNet, A = reference), read once for every A chromosome. The stage runs only when
``conservation_axt`` is set. A folder input is named with a trailing ``/`` in ``Step.inputs``
(Nextflow stages its files into one folder of the task).
"""

from __future__ import annotations

from pathlib import Path

from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.prepare_data import index_step
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.step import Step, device_args, threads_args

HALVES = ("odd", "even")
GROUP = "conservation"
SETS = ("training", "validation", "test", "prediction")


def _other(half: str) -> str:
    return "even" if half == "odd" else "odd"


def conservation_steps(params: Params) -> list[Step]:
    """The ordered steps of TRAIN_CONSERVATION (empty when ``conservation_axt`` is not set)."""
    if not params["conservation_axt"]:
        return []
    out = Path(params["outdir"]) / "train_conservation"
    sizes_a = Path(params["outdir"]) / "prepare_data" / "genome" / "genome.size"
    return _data_steps(params, out, sizes_a) + _model_steps(params, out, sizes_a)


def _feature_inputs(sheet: str, states: str, cage: str | None) -> dict[str, object]:
    rows = read_samplesheet(sheet)
    return {"peaks": [str(r.file) for r in rows if r.type == "peaks"],
            "signal": [str(r.file) for r in rows if r.type == "signal"],
            "states": [s.strip() for s in (states or "").split(",") if s.strip()],
            "cage": str(cage) if cage else None}


def _data_steps(params: Params, out: Path, sizes_a: Path) -> list[Step]:
    """B index, region pairs (one pass over the axt), features, partition, negatives."""
    sizes_b = out / "genome_b" / "genome.size"
    axt, pairs = str(params["conservation_axt"]), out / "regions" / "pairs.tsv"
    sizes = {"sizes_a": str(sizes_a), "sizes_b": str(sizes_b)}
    steps = [
        index_step(str(params["conservation_fasta_b"]), sizes_b, tag="speciesB",
                   alias="PREP_INDEX_B", meta={"id": "speciesB"}),
        Step("CONSERVATION_REGIONS",
             ["regions", "--axt", axt, "--sizes-a", str(sizes_a), "--sizes-b", str(sizes_b),
              "--out", str(pairs), *step_args("CONSERVATION_REGIONS", params)],
             [pairs], group=GROUP, inputs={"axt": axt, **sizes}, meta={"id": "alignment"}),
    ]
    for sp, sheet, sp_sizes in (("A", params["input"], sizes_a),
                                ("B", params["conservation_input_b"], sizes_b)):
        store = out / "features" / sp
        inputs = _feature_inputs(str(sheet), params[f"conservation_states_{sp.lower()}"],
                                 params[f"conservation_cage_{sp.lower()}"])
        argv = ["features", "--pairs", str(pairs), "--species", sp, "--sizes", str(sp_sizes),
                "--outdir", str(store), *[a for f in inputs["peaks"] for a in ("--peaks", f)],
                *[a for f in inputs["signal"] for a in ("--signal", f)],
                *[a for f in inputs["states"] for a in ("--states", f)],
                *(["--cage", inputs["cage"]] if inputs["cage"] else []),
                *step_args("CONSERVATION_FEATURES", params)]
        steps.append(Step("CONSERVATION_FEATURES", argv, [store / "meta.json"], tag=sp,
                          group=GROUP, inputs={**inputs, "sizes": str(sp_sizes),
                                               "pairs": str(pairs)},
                          meta={"id": sp, "species": sp}))
    split = params["conservation_split"]
    part_json = out / "partition" / "partition.json"
    steps.append(Step(
        "CONSERVATION_PARTITION",
        ["partition", "--pairs", str(pairs), "--sizes-a", str(sizes_a), "--sizes-b",
         str(sizes_b), *(["--split-file", str(split)] if split else []),
         "--outdir", str(out / "partition"), *step_args("CONSERVATION_PARTITION", params)],
        [part_json], group=GROUP, meta={"id": "alignment"},
        inputs={"pairs": str(pairs), **sizes, "split_file": str(split) if split else None}))
    ex = out / "examples"
    steps.append(Step(
        "CONSERVATION_NEGATIVES",
        ["negatives", "--pairs", str(pairs), "--partition", str(part_json), "--outdir", str(ex),
         *step_args("CONSERVATION_NEGATIVES", params)],
        [ex / f"{h}.{s}.examples.npy" for h in HALVES for s in SETS], group=GROUP,
        meta={"id": "alignment"}, inputs={"pairs": str(pairs), "partition": str(part_json)}))
    return steps


def _stores(out: Path) -> dict[str, str]:
    """The two feature stores as folder inputs (trailing '/')."""
    return {"features_a": f"{out / 'features' / 'A'}/", "features_b": f"{out / 'features' / 'B'}/"}


def _model_steps(params: Params, out: Path, sizes_a: Path) -> list[Step]:
    """Per half: search trials, select, ensemble members, predictions; then average/track/eval."""
    stores, ex = _stores(out), out / "examples"
    data = ["--features-a", stores["features_a"].rstrip("/"),
            "--features-b", stores["features_b"].rstrip("/")]
    steps: list[Step] = []
    n_members = int(params["conservation_ensemble"])
    for half in HALVES:
        train, valid = (str(ex / f"{half}.{s}.examples.npy") for s in ("training", "validation"))
        examples = ["--train", train, "--valid", valid]
        trials = [out / "search" / half / f"trial{k}"
                  for k in range(int(params["conservation_trials"]))]
        for k, folder in enumerate(trials):
            steps.append(Step(
                "CONSERVATION_SEARCH",
                ["search", *data, *examples, "--trial", str(k), "--outdir", str(folder),
                 *threads_args(params), *device_args(params),
                 *step_args("CONSERVATION_SEARCH", params)],
                [folder / "summary.json"], tag=f"{half}:{k}", group=GROUP,
                inputs={"train": train, "valid": valid, **stores},
                meta={"id": f"{half}_trial{k}", "half": half, "trial": k}))
        best, table = out / "search" / half / "best.json", out / "search" / half / "trials.tsv"
        summaries = [str(t / "summary.json") for t in trials]
        steps.append(Step(
            "CONSERVATION_SELECT",
            ["select", "--out-table", str(table), "--out-best", str(best),
             *step_args("CONSERVATION_SELECT", params), *summaries],
            [best, table], tag=half, group=GROUP, inputs={"summaries": summaries},
            meta={"id": half, "half": half}))
        for m in range(n_members):
            steps += _member_steps(params, out, half, m, examples, data, stores, best)
    return steps + _final_steps(params, out, sizes_a, n_members)


def _member_steps(params: Params, out: Path, half: str, m: int, examples: list[str],
                  data: list[str], stores: dict[str, str], best: Path) -> list[Step]:
    member, ex, scored = out / "ensemble" / half / f"member{m}", out / "examples", _other(half)
    meta = {"id": f"{half}_member{m}", "half": half, "member": m}
    train = Step(
        "CONSERVATION_TRAIN",
        ["train", *data, *examples, "--best", str(best), "--member", str(m),
         "--outdir", str(member), *threads_args(params), *device_args(params),
         *step_args("CONSERVATION_TRAIN", params)],
        [member / "model.pt"], tag=f"{half}:{m}", group=GROUP, meta=meta,
        inputs={"train": examples[1], "valid": examples[3], "best": str(best), **stores})
    sets = {s: str(ex / f"{scored}.{s}.examples.npy") for s in ("prediction", "test")}
    outs = [member / f"{scored}.{s}.scores.npy" for s in ("prediction", "test")]
    predict = Step(
        "CONSERVATION_PREDICT",
        ["predict", "--checkpoint", str(member / "model.pt"), *data,
         "--examples", sets["prediction"], "--out", str(outs[0]),
         "--examples", sets["test"], "--out", str(outs[1]), *threads_args(params),
         *step_args("CONSERVATION_PREDICT", params)],
        outs, tag=f"{half}:{m}", group=GROUP, meta={**meta, "scored": scored},
        inputs={"model": str(member / "model.pt"), "prediction_examples": sets["prediction"],
                "test_examples": sets["test"], **stores})
    return [train, predict]


def _final_steps(params: Params, out: Path, sizes_a: Path, n_members: int) -> list[Step]:
    ex, pairs = out / "examples", str(out / "regions" / "pairs.tsv")
    steps: list[Step] = []
    tables, test_scores = [], {}
    for scored in HALVES:
        members = [out / "ensemble" / _other(scored) / f"member{m}" for m in range(n_members)]
        scores = [str(m / f"{scored}.prediction.scores.npy") for m in members]
        test_scores[scored] = [str(m / f"{scored}.test.scores.npy") for m in members]
        table = out / "scores" / f"{scored}.scores.tsv"
        tables.append(str(table))
        examples = str(ex / f"{scored}.prediction.examples.npy")
        steps.append(Step(
            "CONSERVATION_AVERAGE",
            ["average", "--pairs", pairs, "--examples", examples, "--out", str(table),
             *step_args("CONSERVATION_AVERAGE", params), *scores],
            [table], tag=scored, group=GROUP, meta={"id": scored, "half": scored},
            inputs={"examples": examples, "scores": scores, "pairs": pairs}))
    prefix = out / "track" / "conservation"
    steps.append(Step(
        "CONSERVATION_TRACK",
        ["track", "--sizes-a", str(sizes_a), "--out-prefix", str(prefix),
         *step_args("CONSERVATION_TRACK", params), *sorted(tables, key=lambda t: Path(t).name)],
        [Path(f"{prefix}.bw"), Path(f"{prefix}.bedGraph"), Path(f"{prefix}.scores.tsv")],
        group=GROUP, meta={"id": "conservation"},
        inputs={"tables": sorted(tables, key=lambda t: Path(t).name), "sizes_a": str(sizes_a)}))
    metrics = out / "evaluate" / "test_metrics.tsv"
    test_sets = {h: str(ex / f"{h}.test.examples.npy") for h in HALVES}
    argv = ["evaluate", "--halves", ",".join(HALVES)]
    for half in HALVES:
        argv += ["--examples", test_sets[half], "--scores", ",".join(test_scores[half])]
    argv += ["--out", str(metrics), *step_args("CONSERVATION_EVALUATE", params)]
    steps.append(Step(
        "CONSERVATION_EVALUATE", argv, [metrics], group=GROUP, meta={"id": "conservation"},
        inputs={"odd_examples": test_sets["odd"], "odd_scores": test_scores["odd"],
                "even_examples": test_sets["even"], "even_scores": test_scores["even"]}))
    return steps
