"""TRAIN_COEXPRESSION as the one-machine runner sees it: the same ``plantreg coexpression`` calls
as ``subworkflows/local/train_coexpression/main.nf``, in the same order. One difference: the
runner extracts all chromosomes in one call (Nextflow scatters per chromosome and gathers);
both leave the same arrays. The stage is skipped when ``coexpression_pairs`` is empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plantreg.run.defaults import TRAIN_COEXPRESSION as STAGE_DEFAULTS
from plantreg.run.params import Params
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.step import Step

GROUP = "coexpression"


def _get(params: Params, key: str) -> Any:
    return params.values.get(key, STAGE_DEFAULTS.get(key))


def coexpression_steps(params: Params) -> list[Step]:
    """The ordered steps of TRAIN_COEXPRESSION (none without a pair list)."""
    pairs_tsv = _get(params, "coexpression_pairs")
    if not pairs_tsv:
        return []
    rows = read_samplesheet(params["input"])
    root = Path(params["outdir"])
    out = root / "train_coexpression"
    promoters = root / "prepare_data" / "promoters" / "promoters.tsv"
    sizes = root / "prepare_data" / "genome" / "genome.size"
    seed = str(params["seed"])
    d = {
        name: out / name
        for name in (
            "signal",
            "pairs",
            "normalise",
            "vocabulary",
            "model",
            "evaluate",
            "network",
            "attention",
        )
    }
    sig, norm = d["signal"] / "signal", d["normalise"] / "norm"
    split_json, pairs_out = d["pairs"] / "split.json", d["pairs"] / "pairs.tsv"
    ckpt = d["model"] / "model.pt"
    return [
        _extract(params, rows, promoters, sizes, sig),
        Step(
            "COEXPRESSION_PAIRS",
            [
                "pairs",
                "--pairs",
                str(pairs_tsv),
                "--genes",
                f"{sig}.genes.tsv",
                "--neg-ratio",
                str(_get(params, "coexpression_neg_ratio")),
                *(["--degree-match"] if _get(params, "coexpression_degree_match") else []),
                "--split",
                _get(params, "coexpression_split"),
                "--valid-fraction",
                str(_get(params, "coexpression_valid_fraction")),
                "--test-fraction",
                str(_get(params, "coexpression_test_fraction")),
                *_opt("--valid-chroms", _get(params, "coexpression_valid_chroms")),
                *_opt("--test-chroms", _get(params, "coexpression_test_chroms")),
                "--seed",
                seed,
                "--outdir",
                str(d["pairs"]),
            ],
            [pairs_out, split_json],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_NORMALISE",
            [
                "normalise",
                "--signal-prefix",
                str(sig),
                "--split",
                str(split_json),
                "--pseudocount",
                str(_get(params, "coexpression_pseudocount")),
                "--max-missing",
                str(_get(params, "coexpression_max_missing")),
                "--out-prefix",
                str(norm),
            ],
            [Path(f"{norm}.signal.npy"), Path(f"{norm}.json")],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_VOCABULARY",
            [
                "vocabulary",
                "--norm-prefix",
                str(norm),
                "--split",
                str(split_json),
                "--window",
                str(_get(params, "coexpression_window")),
                "--stride",
                str(_get(params, "coexpression_stride")),
                "--aggregate",
                _get(params, "coexpression_aggregate"),
                "--k",
                str(_get(params, "coexpression_vocab_size")),
                "--seed",
                seed,
                "--outdir",
                str(d["vocabulary"]),
            ],
            [d["vocabulary"] / "tokens.npy", d["vocabulary"] / "vocabulary.json"],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_TRAIN",
            [
                "train",
                "--vocabulary",
                str(d["vocabulary"]),
                "--pairs",
                str(pairs_out),
                "--split",
                str(split_json),
                "--normalisation",
                f"{norm}.json",
                *_opt("--config", _get(params, "coexpression_config")),
                "--input-mode",
                _get(params, "coexpression_input_mode"),
                "--seed",
                seed,
                "--outdir",
                str(d["model"]),
            ],
            [ckpt],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_EVALUATE",
            [
                "evaluate",
                "--checkpoint",
                str(ckpt),
                "--vocabulary",
                str(d["vocabulary"]),
                "--pairs",
                str(pairs_out),
                "--top-k",
                str(_get(params, "coexpression_top_k")),
                *_hidden(params, pairs_tsv),
                "--seed",
                seed,
                "--outdir",
                str(d["evaluate"]),
            ],
            [d["evaluate"] / "metrics.json"],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_NETWORK",
            [
                "network",
                "--checkpoint",
                str(ckpt),
                "--vocabulary",
                str(d["vocabulary"]),
                "--top",
                str(_get(params, "coexpression_network_top")),
                "--outdir",
                str(d["network"]),
            ],
            [d["network"] / "network.tsv", d["network"] / "network.graphml"],
            group=GROUP,
        ),
        Step(
            "COEXPRESSION_ATTENTION",
            [
                "attention",
                "--checkpoint",
                str(ckpt),
                "--vocabulary",
                str(d["vocabulary"]),
                "--pairs",
                str(pairs_out),
                "--outdir",
                str(d["attention"]),
            ],
            [d["attention"] / "attention.tsv"],
            group=GROUP,
        ),
    ]


def _opt(flag: str, value: Any) -> list[str]:
    return [flag, str(value)] if value not in (None, "") else []


def _hidden(params: Params, pairs_tsv: str) -> list[str]:
    hidden = _get(params, "coexpression_hidden_pairs")
    return ["--listed", str(pairs_tsv), "--hidden", str(hidden)] if hidden else []


def _extract(params: Params, rows, promoters: Path, sizes: Path, sig: Path) -> Step:
    argv = ["extract", "--promoters", str(promoters), "--sizes", str(sizes)]
    for row in rows:
        if row.type == "dapseq":
            argv += ["--bigwig", str(row.file)]
    controls = [row.file for row in rows if row.type == "control"]
    if controls:
        argv += ["--control", str(controls[0])]
    if params["name_map"]:
        argv += ["--name-map", str(params["name_map"])]
    argv += ["--no-data", _get(params, "coexpression_no_data"), "--out-prefix", str(sig)]
    return Step("COEXPRESSION_EXTRACT", argv, [Path(f"{sig}.signal.npy")], group=GROUP)
