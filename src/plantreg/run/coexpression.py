"""TRAIN_COEXPRESSION as the one-machine runner sees it: the same ``plantreg coexpression`` calls
as ``subworkflows/local/train_coexpression/main.nf``, in the same order, scattered the same way
(one extraction per chromosome that holds promoters, then the gather). Extraction shards are not
published, as in Nextflow: the runner keeps them in its work folder. The stage is skipped when
``coexpression_pairs`` is empty."""

from __future__ import annotations

from pathlib import Path

from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.step import Step, device_args, threads_args

GROUP = "coexpression"
META = {"id": "genome"}
FOLDERS = ("signal", "pairs", "normalise", "vocabulary", "model", "evaluate", "network",
           "attention")


def coexpression_steps(params: Params) -> list[Step]:
    """The ordered steps of TRAIN_COEXPRESSION (none without a pair list)."""
    pairs_tsv = params["coexpression_pairs"]
    if not pairs_tsv:
        return []
    root = Path(params["outdir"])
    d = {name: root / "train_coexpression" / name for name in FOLDERS}
    promoters = root / "prepare_data" / "promoters" / "promoters.tsv"
    sig, norm = d["signal"] / "signal", d["normalise"] / "norm"
    split_json, pairs_out = d["pairs"] / "split.json", d["pairs"] / "pairs.tsv"
    ckpt, vocabulary = d["model"] / "model.pt", str(d["vocabulary"])
    shards = params.work_dir / "plantreg-run" / "coexpression" / "shards"
    chroms = _chromosomes(params, promoters)
    rows = read_samplesheet(params["input"])
    steps = [_extract(params, rows, promoters, shards, chrom, len(chroms)) for chrom in chroms]
    shard_prefixes = sorted(str(shards / f"genome.{chrom}") for chrom in chroms)
    steps.append(Step(
        "COEXPRESSION_GATHER",
        ["gather", "--promoters", str(promoters), "--out-prefix", str(sig),
         *[a for s in shard_prefixes for a in ("--shard", s)]],
        [Path(f"{sig}.signal.npy"), Path(f"{sig}.genes.tsv")], group=GROUP, meta=META,
        inputs={"shard_files": [f"{s}.genes.tsv" for s in shard_prefixes],
                "promoters": str(promoters)}))
    steps.append(Step(
        "COEXPRESSION_PAIRS",
        ["pairs", "--pairs", str(pairs_tsv), "--genes", f"{sig}.genes.tsv",
         "--outdir", str(d["pairs"]), *step_args("COEXPRESSION_PAIRS", params)],
        [pairs_out, split_json], group=GROUP, meta=META,
        inputs={"pairs": str(pairs_tsv), "genes": f"{sig}.genes.tsv"}))
    steps.append(Step(
        "COEXPRESSION_NORMALISE",
        ["normalise", "--signal-prefix", str(sig), "--split", str(split_json),
         "--out-prefix", str(norm), *step_args("COEXPRESSION_NORMALISE", params)],
        [Path(f"{norm}.signal.npy"), Path(f"{norm}.json")], group=GROUP, meta=META,
        inputs={"signal_files": [f"{sig}.genes.tsv"], "split": str(split_json)}))
    steps.append(Step(
        "COEXPRESSION_VOCABULARY",
        ["vocabulary", "--norm-prefix", str(norm), "--split", str(split_json),
         *threads_args(params), "--outdir", vocabulary,
         *step_args("COEXPRESSION_VOCABULARY", params)],
        [d["vocabulary"] / "tokens.npy", d["vocabulary"] / "vocabulary.json"], group=GROUP,
        meta=META, inputs={"signal": f"{norm}.signal.npy", "genes": f"{norm}.genes.tsv",
                           "tfs": f"{norm}.tfs.tsv", "split": str(split_json)}))
    config = params["coexpression_config"]
    steps.append(Step(
        "COEXPRESSION_TRAIN",
        ["train", "--vocabulary", vocabulary, "--pairs", str(pairs_out), "--split",
         str(split_json), "--normalisation", f"{norm}.json",
         *(["--config", str(config)] if config else []), *threads_args(params),
         *device_args(params), "--outdir", str(d["model"]),
         *step_args("COEXPRESSION_TRAIN", params)],
        [ckpt], group=GROUP, meta=META,
        inputs={"vocabulary": vocabulary, "pairs": str(pairs_out), "split": str(split_json),
                "norm_params": f"{norm}.json", "config": config}))
    model = {"checkpoint": str(ckpt), "vocabulary": vocabulary}
    hidden = params["coexpression_hidden_pairs"]
    listed = ["--listed", str(pairs_tsv), "--hidden", str(hidden)] if hidden else []
    steps.append(Step(
        "COEXPRESSION_EVALUATE",
        ["evaluate", "--checkpoint", str(ckpt), "--vocabulary", vocabulary, "--pairs",
         str(pairs_out), *listed, *threads_args(params), "--outdir", str(d["evaluate"]),
         *step_args("COEXPRESSION_EVALUATE", params)],
        [d["evaluate"] / "metrics.json"], group=GROUP, meta=META,
        inputs={**model, "pairs": str(pairs_out), "listed": str(pairs_tsv) if hidden else None,
                "hidden": str(hidden) if hidden else None}))
    steps.append(Step(
        "COEXPRESSION_NETWORK",
        ["network", "--checkpoint", str(ckpt), "--vocabulary", vocabulary,
         *threads_args(params), "--outdir", str(d["network"]),
         *step_args("COEXPRESSION_NETWORK", params)],
        [d["network"] / "network.tsv", d["network"] / "network.graphml"], group=GROUP,
        meta=META, inputs=model))
    steps.append(Step(
        "COEXPRESSION_ATTENTION",
        ["attention", "--checkpoint", str(ckpt), "--vocabulary", vocabulary, "--pairs",
         str(pairs_out), *threads_args(params), "--outdir", str(d["attention"]),
         *step_args("COEXPRESSION_ATTENTION", params)],
        [d["attention"] / "attention.tsv"], group=GROUP, meta=META,
        inputs={**model, "pairs": str(pairs_out)}))
    return steps


def _chromosomes(params: Params, promoters: Path) -> list[str]:
    """Chromosomes holding promoters, in table order (the workflow's scatter); before
    PREP_PROMOTERS has run (a dry run), those of the GFF3's genes, renamed by the name map."""
    if promoters.is_file():
        import pandas as pd

        chroms = pd.read_csv(promoters, sep="\t", usecols=["chrom"], dtype=str)["chrom"]
        return list(dict.fromkeys(chroms))
    from plantreg.genome.gff import read_gff, rename_annotation
    from plantreg.genome.names import read_name_map

    annotation = rename_annotation(read_gff(params["gff"]), read_name_map(params["name_map"]))
    return list(dict.fromkeys(annotation.genes["chrom"]))


def _extract(params: Params, rows: list, promoters: Path, shards: Path, chrom: str,
             n_shards: int) -> Step:
    sizes = Path(params["outdir"]) / "prepare_data" / "genome" / "genome.size"
    dapseq = [str(r.file) for r in rows if r.type == "dapseq"]
    controls = [str(r.file) for r in rows if r.type == "control"]
    name_map = params["name_map"]
    prefix = shards / f"genome.{chrom}"
    argv = ["extract", "--promoters", str(promoters), "--sizes", str(sizes),
            *[a for f in dapseq for a in ("--bigwig", f)],
            *[a for f in controls for a in ("--control", f)],
            *(["--name-map", str(name_map)] if name_map else []),
            "--chrom", chrom, "--out-prefix", str(prefix),
            *step_args("COEXPRESSION_EXTRACT", params)]
    return Step("COEXPRESSION_EXTRACT", argv, [Path(f"{prefix}.genes.tsv")], tag=chrom,
                group=GROUP, inputs={"promoters": str(promoters), "sizes": str(sizes),
                                     "bigwigs": dapseq, "control": controls,
                                     "name_map": name_map},
                meta={"id": f"genome.{chrom}", "chrom": chrom, "n_shards": n_shards})
