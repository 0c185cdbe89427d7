"""TRAIN_CHROMATIN and CROSS_SPECIES_INFERENCE as the one-machine runner sees them: the same
``plantreg chromatin`` calls as ``subworkflows/local/train_chromatin/main.nf`` and
``subworkflows/local/cross_species_inference/main.nf``, in the same order.

Genome-wide prediction is scattered by the chunks of PREP_CHUNKS (about ``chunk_size`` bp, small
scaffolds grouped) in both executors: the runner runs the chunks one after the other, Nextflow side
by side; CHROMATIN_MERGE_TRACKS gathers one shard per chunk per mark. Cross-species inference is
skipped when ``target_fasta`` is empty; scoring when neither truth nor peaks are given.
"""

from __future__ import annotations

from pathlib import Path

from plantreg.genome.fasta import fai_path, read_fai, read_sizes, validate_fasta
from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.prepare_data import index_step
from plantreg.run.step import Step, device_args, threads_args

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
    model, metrics, dataset = p["train"] / "model.pt", p["train"] / "metrics.tsv", p["dataset"]
    train = ["train", "--dataset", str(dataset), "--split", str(p["split"]),
             *device_args(params), *threads_args(params), "--outdir", str(p["train"]),
             *step_args("CHROMATIN_TRAIN", params)]
    evaluate = ["evaluate", "--checkpoint", str(model), "--dataset", str(dataset),
                "--metrics", str(metrics), *device_args(params), *threads_args(params),
                "--outdir", str(p["evaluate"]), *step_args("CHROMATIN_EVALUATE", params)]
    meta = {"id": "chromatin"}
    return [
        Step("CHROMATIN_TRAIN", train, [model], group=GROUP, meta=meta,
             inputs={"dataset": str(dataset), "split": str(p["split"])}),
        Step("CHROMATIN_EVALUATE", evaluate, [p["evaluate"] / "evaluation.tsv"], group=GROUP,
             meta=meta, inputs={"model": str(model), "metrics": str(metrics),
                                "dataset": str(dataset)}),
    ]


def _marks(params: Params) -> list[str]:
    """Marks the model predicts: the PREPARE_DATA tag file once written, else the samplesheet."""
    tags = _paths(params)["dataset"] / "tags.txt"
    if tags.exists():
        return [t.strip() for t in tags.read_text().splitlines() if t.strip()]
    from plantreg.run.samplesheet import read_samplesheet

    return sorted({r.mark for r in read_samplesheet(params["input"]) if r.type == "peaks"})


def cross_species_steps(params: Params) -> list[Step]:
    """PREP_INDEX (target) → PREP_CHUNKS → CHROMATIN_PREDICT per chunk → CHROMATIN_MERGE_TRACKS per
    mark → CHROMATIN_SCORE, as the subworkflow scatters and gathers them."""
    target = params["target_fasta"]
    if not target:
        return []
    p = _paths(params)
    out = p["cross"]
    sizes, chunks = out / "genome" / "target.size", out / "genome" / "target.chunks.tsv"
    model, predictions, tracks = p["train"] / "model.pt", out / "predictions", out / "tracks"
    meta = {"id": "target"}
    steps = [
        index_step(str(target), sizes, tag="target", alias="PREP_INDEX_TARGET", meta=meta),
        Step("PREP_CHUNKS", ["chunks", "--sizes", str(sizes), "--out", str(chunks),
                             *step_args("PREP_CHUNKS", params)],
             [chunks], inputs={"sizes": str(sizes)}, meta=meta, replan=True),
    ]
    ids = _chunk_ids(params, sizes, chunks)
    for chunk in ids:
        folder = predictions / chunk
        argv = ["predict", "--checkpoint", str(model), "--fasta", str(target), "--chunk", chunk,
                *device_args(params), *threads_args(params), "--outdir", str(folder),
                *step_args("CHROMATIN_PREDICT", params)]
        steps.append(Step(
            "CHROMATIN_PREDICT", argv, [folder / "predict.report.tsv"], tag=chunk, group=GROUP,
            inputs={"fasta": str(target), "fai": f"{target}.fai", "model": str(model)},
            meta={"id": f"target_{chunk}", "chunk": chunk, "n_chunks": len(ids)}))
    for mark in _marks(params):
        prefix = tracks / mark
        shards = [str(predictions / chunk / f"{mark}.bedGraph") for chunk in ids]
        steps.append(Step(
            "CHROMATIN_MERGE_TRACKS",
            ["merge-tracks", "--sizes", str(sizes), "--out-prefix", str(prefix), *shards],
            [Path(f"{prefix}.bw"), Path(f"{prefix}.bedGraph")], tag=mark, group=GROUP,
            inputs={"shards": shards, "sizes": str(sizes)}, meta={"id": mark, "mark": mark}))
    steps += _score(params, p, target, tracks)
    return steps


def _chunk_ids(params: Params, sizes: Path, chunks: Path) -> list[str]:
    """The chunk ids: from the chunk list once PREP_CHUNKS wrote it; before that (a dry run, or
    planning ahead) by the same rule from the target's record lengths."""
    from plantreg.genome.chunks import plan_chunks

    if chunks.is_file():
        rows = [line.split("\t")[0] for line in chunks.read_text().splitlines()[1:] if line]
        return list(dict.fromkeys(rows))
    if sizes.is_file():
        records = list(read_sizes(sizes).items())
    else:
        target = Path(params["target_fasta"])
        records = read_fai(target) if fai_path(target).is_file() else validate_fasta(target)
    return [chunk.id for chunk in plan_chunks(records, int(params["chunk_size"]))]


def _score(params: Params, p: dict[str, Path], target: str, tracks: Path) -> list[Step]:
    truth, peaks = params["target_truth"], params["target_peaks"]
    peak_files = [f.strip() for f in str(peaks or "").split(",") if f.strip()]
    if not truth and not peak_files:
        return []
    labels = ["--truth", str(truth)] if truth else [a for f in peak_files for a in ("--peaks", f)]
    out = p["cross"] / "score"
    marks = _marks(params)
    bigwigs = [str(tracks / f"{mark}.bw") for mark in sorted(marks)]
    argv = ["score", "--tracks", str(tracks), "--fasta", str(target), "--checkpoint",
            str(p["train"] / "model.pt"), "--dataset", str(p["dataset"]), *labels,
            "--outdir", str(out), *step_args("CHROMATIN_SCORE", params)]
    inputs = {"tracks": bigwigs, "fasta": str(target), "fai": f"{target}.fai",
              "model": str(p["train"] / "model.pt"), "dataset": str(p["dataset"]),
              "truth": str(truth) if truth else None, "peaks": None if truth else peak_files}
    return [Step("CHROMATIN_SCORE", argv, [out / "evaluation.tsv"], group=GROUP,
                 inputs=inputs, meta={"id": "target"})]
