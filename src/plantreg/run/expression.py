"""TRAIN_EXPRESSION and EXPLAIN as the one-machine runner sees them: the same processes, in the
same order, as ``subworkflows/local/train_expression/main.nf`` and
``subworkflows/local/explain/main.nf``, each the same ``plantreg expression`` call.

Both run only when ``expression_input`` (the species sheet, :mod:`plantreg.run.species_sheet`) is
set. TRAIN_EXPRESSION: one dataset of every species (``--species --fasta --gff --expression`` per
sheet row, in sheet order) → the model → its evaluation. EXPLAIN: per gene chunk ``i`` of
``explain_chunks`` (0-based), the attributions and the CREs they call; then one gather of every
chunk. A folder input is named with a trailing ``/`` in ``Step.inputs``.
"""

from __future__ import annotations

from pathlib import Path

from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.species_sheet import Species, read_species_sheet
from plantreg.run.step import Step, device_args, threads_args

GROUP = "expression"
DATASET_FILES = ("dataset.npz", "genes.tsv", "meta.json", "chrom_sizes.tsv", "scaling.json",
                 "report.tsv", "targets.png")
MODEL_FILES = ("model.pt", "metrics.tsv", "learning_curve.png")
EVALUATE_FILES = ("evaluation.tsv", "confusion.tsv", "scatter.png", "confusion.png",
                  "expression_means.json")
EXPLAIN_FILES = ("scores.npz", "scores.tsv")
GATHER_FILES = ("cre.bed", "cre_evaluation.tsv", "cre_example.png")


def _train_dir(params: Params) -> Path:
    return Path(params["outdir"]) / "train_expression"


def _dataset_dir(params: Params) -> Path:
    return _train_dir(params) / "dataset"


def _checkpoint(params: Params) -> Path:
    return _train_dir(params) / "model" / "model.pt"


def _meta(species: list[Species]) -> dict[str, object]:
    """The meta of the TRAIN_EXPRESSION tasks (the workflow's, built from the sheet's rows)."""
    return {"id": "expression", "species": [s.name for s in species],
            "valid_chroms": [s.valid_chroms for s in species],
            "test_chroms": [s.test_chroms for s in species]}


def expression_steps(params: Params) -> list[Step]:
    """The ordered steps of TRAIN_EXPRESSION (empty without ``expression_input``)."""
    if not params["expression_input"]:
        return []
    species = read_species_sheet(str(params["expression_input"]))
    meta = _meta(species)
    out = _train_dir(params)
    dataset, model, evaluate = out / "dataset", out / "model", out / "evaluate"
    checkpoint = _checkpoint(params)

    species_argv = [a for s in species
                    for a in ("--species", s.name, "--fasta", str(s.fasta), "--gff", str(s.gff),
                              "--expression", str(s.expression), *s.split_argv())]
    families = str(params["expr_families"]) if params["expr_families"] else None
    data = Step("EXPR_DATASET",
                ["dataset", *species_argv, "--outdir", str(dataset),
                 *(["--families", families] if families else []),
                 *step_args("EXPR_DATASET", params)],
                [dataset / name for name in DATASET_FILES], group=GROUP, meta=meta,
                inputs={"fastas": [str(s.fasta) for s in species],
                        "gffs": [str(s.gff) for s in species],
                        "tables": [str(s.expression) for s in species],
                        "families": families})
    train = Step("EXPR_TRAIN",
                 ["train", "--dataset", str(dataset), "--outdir", str(model),
                  *device_args(params), *threads_args(params),
                  *step_args("EXPR_TRAIN", params)],
                 [model / name for name in MODEL_FILES], group=GROUP, meta=meta,
                 inputs={"dataset": f"{dataset}/"})
    evaluation = Step("EXPR_EVALUATE",
                      ["evaluate", "--dataset", str(dataset), "--checkpoint", str(checkpoint),
                       "--outdir", str(evaluate), *threads_args(params),
                       *step_args("EXPR_EVALUATE", params)],
                      [evaluate / name for name in EVALUATE_FILES], group=GROUP, meta=meta,
                      inputs={"dataset": f"{dataset}/", "checkpoint": str(checkpoint)})
    return [data, train, evaluation]


def explain_steps(params: Params) -> list[Step]:
    """The ordered steps of EXPLAIN (empty without ``expression_input``): explain per chunk, one
    CRE threshold over every chunk, scan per chunk, then the gather of every chunk, in chunk
    order."""
    if not params["expression_input"]:
        return []
    species = read_species_sheet(str(params["expression_input"]))
    out = Path(params["outdir"]) / "explain"
    dataset, checkpoint = _dataset_dir(params), _checkpoint(params)
    n_chunks = int(params["explain_chunks"])
    steps: list[Step] = []
    metas = [{"id": f"chunk{i}", "chunk": i, "n_chunks": n_chunks} for i in range(n_chunks)]
    chunks = [out / "chunks" / str(i) for i in range(n_chunks)]
    scores = [str(chunk / "scores.npz") for chunk in chunks]
    for chunk, meta in zip(chunks, metas, strict=True):
        steps.append(Step(
            "EXPR_EXPLAIN",
            ["explain", "--dataset", str(dataset), "--checkpoint", str(checkpoint),
             "--chunk", str(meta["chunk"]), "--n-chunks", str(n_chunks), "--outdir", str(chunk),
             *device_args(params), *threads_args(params),
             *step_args("EXPR_EXPLAIN", params)],
            [chunk / name for name in EXPLAIN_FILES], tag=meta["id"], group=GROUP, meta=meta,
            inputs={"dataset": f"{dataset}/", "checkpoint": str(checkpoint)}))
    threshold = out / "cre" / "threshold.json"
    steps.append(Step(
        "EXPR_CRE_THRESHOLD",
        ["cre-threshold", "--out", str(threshold), *scores,
         *step_args("EXPR_CRE_THRESHOLD", params)],
        [threshold], group=GROUP, meta={"id": "explain"}, inputs={"scores": scores}))
    beds: list[str] = []
    for score, meta in zip(scores, metas, strict=True):
        cre = out / "cre" / str(meta["chunk"])
        steps.append(Step(
            "EXPR_SCAN_CRE",
            ["scan-cre", "--scores", score, "--threshold", str(threshold), "--outdir", str(cre),
             *step_args("EXPR_SCAN_CRE", params)],
            [cre / "cre.bed"], tag=meta["id"], group=GROUP, meta=meta,
            inputs={"scores": score, "threshold": str(threshold)}))
        beds.append(str(cre / "cre.bed"))
    merged = out / "merged"
    truth = str(params["expr_truth_sites"]) if params["expr_truth_sites"] else None
    steps.append(Step(
        "EXPR_GATHER",
        ["gather", "--dataset", str(dataset), "--outdir", str(merged),
         *(["--truth-sites", truth] if truth else []), *scores, *beds,
         *step_args("EXPR_GATHER", params)],
        [merged / name for name in GATHER_FILES]
        + [merged / f"{s.name}.importance.bw" for s in species],
        group=GROUP, meta={"id": "explain"},
        inputs={"dataset": f"{dataset}/", "scores": scores, "beds": beds, "truth": truth}))
    return steps
