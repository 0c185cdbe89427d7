"""TRAIN_CHROMATIN and CROSS_SPECIES_INFERENCE as the one-machine runner sees them: the same
``plantreg chromatin`` calls as ``subworkflows/local/train_chromatin/main.nf`` and
``subworkflows/local/cross_species_inference/main.nf``, in the same order.

One difference: the runner predicts all chromosomes of the target in one CHROMATIN_PREDICT call
(Nextflow scatters per chromosome); CHROMATIN_MERGE_TRACKS then gathers one shard per mark here,
one per chromosome there; both leave the same bedGraph and bigWig per mark. Cross-species inference
is skipped when ``target_fasta`` is empty; scoring when neither truth nor peaks are given.
"""

from __future__ import annotations

from pathlib import Path

from plantreg.run.params import Params
from plantreg.run.step import Step

GROUP = "chromatin"

def _paths(params: Params) -> dict[str, Path]:
    root = Path(params["outdir"])
    return {
        "dataset": root / "prepare_data" / "dataset",
        "split": root / "prepare_data" / "split" / "split.json",
        "train": root / "train_chromatin" / "model",
        "evaluate": root / "train_chromatin" / "evaluate",
        "cross": root / "cross_species_inference",
    }


def train_chromatin_steps(params: Params) -> list[Step]:
    """CHROMATIN_TRAIN → CHROMATIN_EVALUATE."""
    p = _paths(params)
    model = p["train"] / "model.pt"
    train = [
        "train", "--dataset", str(p["dataset"]), "--split", str(p["split"]),
        "--preset", str(params["chromatin_preset"]),
        "--epochs", str(params["chromatin_epochs"]),
        "--batch-size", str(params["chromatin_batch_size"]),
        "--lr", str(params["chromatin_lr"]),
        "--patience", str(params["chromatin_patience"]),
        "--class-weights" if params["chromatin_class_weights"] else "--no-class-weights",
        "--seed", str(params["seed"]),
        "--outdir", str(p["train"]),
    ]
    evaluate = [
        "evaluate", "--checkpoint", str(model), "--dataset", str(p["dataset"]),
        "--metrics", str(p["train"] / "metrics.tsv"), "--outdir", str(p["evaluate"]),
    ]
    return [
        Step("CHROMATIN_TRAIN", train, [model], group=GROUP),
        Step("CHROMATIN_EVALUATE", evaluate, [p["evaluate"] / "evaluation.tsv"], group=GROUP),
    ]


def _marks(params: Params) -> list[str]:
    """Marks the model predicts: the PREPARE_DATA tag file once written, else the samplesheet."""
    tags = _paths(params)["dataset"] / "tags.txt"
    if tags.exists():
        return [t.strip() for t in tags.read_text().splitlines() if t.strip()]
    from plantreg.run.samplesheet import read_samplesheet

    return sorted({r.mark for r in read_samplesheet(params["input"]) if r.type == "peaks"})


def cross_species_steps(params: Params) -> list[Step]:
    """PREP_INDEX (target) → CHROMATIN_PREDICT → CHROMATIN_MERGE_TRACKS per mark → SCORE."""
    target = params["target_fasta"]
    if not target:
        return []
    p = _paths(params)
    out = p["cross"]
    sizes, model = out / "genome" / "target.size", p["train"] / "model.pt"
    predictions, tracks = out / "predictions", out / "tracks"
    stride = str(params["predict_stride"])
    steps = [
        Step("PREP_INDEX", ["index", "--fasta", str(target), "--out-sizes", str(sizes)], [sizes],
             tag="target"),
        Step("CHROMATIN_PREDICT",
             ["predict", "--checkpoint", str(model), "--fasta", str(target), "--stride", stride,
              "--max-n-fraction", str(params["max_n_fraction"]), "--outdir", str(predictions)],
             [predictions / "predict.report.tsv"], group=GROUP),
    ]
    for mark in _marks(params):
        prefix = tracks / mark
        steps.append(Step(
            "CHROMATIN_MERGE_TRACKS",
            ["merge-tracks", "--sizes", str(sizes), "--out-prefix", str(prefix),
             str(predictions / f"{mark}.bedGraph")],
            [Path(f"{prefix}.bw"), Path(f"{prefix}.bedGraph")], tag=mark, group=GROUP))
    labels = _score_labels(params)
    if labels:
        score = ["score", "--tracks", str(tracks), "--fasta", str(target), "--checkpoint",
                 str(model), "--dataset", str(p["dataset"]), *labels, "--predict-stride", stride,
                 "--eval-stride", str(params["eval_stride"]),
                 "--min-overlap", str(params["min_overlap"]), "--outdir", str(out / "score")]
        steps.append(Step("CHROMATIN_SCORE", score, [out / "score" / "evaluation.tsv"],
                          group=GROUP))
    return steps


def _score_labels(params: Params) -> list[str]:
    truth, peaks = params["target_truth"], params["target_peaks"]
    if truth:
        return ["--truth", str(truth)]
    return [a for f in str(peaks or "").split(",") if f.strip() for a in ("--peaks", f.strip())]
