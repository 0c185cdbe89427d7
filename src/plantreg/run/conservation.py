"""TRAIN_CONSERVATION as the one-machine runner sees it: the same processes, in the same order, as
``subworkflows/local/train_conservation/main.nf``, each the same ``plantreg conservation`` call.

Species A is the pipeline's genome (``fasta``, ``input``); species B comes from
``conservation_fasta_b`` and ``conservation_input_b``; the alignment is ``conservation_axt``
(axtNet, A = reference). The stage runs only when ``conservation_axt`` is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plantreg.genome.fasta import fai_path, read_fai, read_sizes
from plantreg.run.defaults import TRAIN_CONSERVATION as STAGE_DEFAULTS
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.step import Step

HALVES = ("odd", "even")
GROUP = "conservation"


def _other(half: str) -> str:
    return "even" if half == "odd" else "odd"


def _p(params: Any, key: str) -> Any:
    try:
        return params[key]
    except KeyError:
        return STAGE_DEFAULTS[key]


def _feature_args(sheet: str, states: str, cage: str | None) -> list[str]:
    argv: list[str] = []
    for row in read_samplesheet(sheet):
        if row.type == "peaks":
            argv += ["--peaks", str(row.file)]
        elif row.type == "signal":
            argv += ["--signal", str(row.file)]
    for bed in [s for s in (states or "").split(",") if s]:
        argv += ["--states", bed]
    if cage:
        argv += ["--cage", str(cage)]
    return argv


def _train_opts(params: Any) -> list[str]:
    return [
        "--seed",
        str(_p(params, "seed")),
        "--neg-ratio",
        str(_p(params, "conservation_neg_ratio")),
        "--max-epochs",
        str(_p(params, "conservation_max_epochs")),
        "--patience",
        str(_p(params, "conservation_patience")),
        "--min-epochs",
        str(_p(params, "conservation_min_epochs")),
    ]


def _chromosomes(params: Any, sizes_a: Path) -> list[str | None]:
    """A chromosomes to scatter over: from the sizes file or the FASTA index; else one step."""
    if sizes_a.exists():
        return list(read_sizes(sizes_a))
    fai = fai_path(params["fasta"])
    return [name for name, _ in read_fai(params["fasta"])] if fai.exists() else [None]


def _data_steps(params: Any, out: Path, sizes_a: Path) -> list[Step]:
    """B sizes, region pairs per A chromosome, merge, features, partition, negatives."""
    fasta_b = str(_p(params, "conservation_fasta_b"))
    sizes_b = out / "genome_b" / "genome.size"
    axt = str(_p(params, "conservation_axt"))
    steps = [
        Step(
            "PREP_INDEX",
            ["index", "--fasta", fasta_b, "--out-sizes", str(sizes_b)],
            [sizes_b],
            tag="speciesB",
            group="prep",
        )
    ]
    parts = []
    for chrom in _chromosomes(params, sizes_a):
        part = out / "regions" / f"{chrom or 'all'}.pairs.tsv"
        parts.append(part)
        steps.append(
            Step(
                "CONSERVATION_REGIONS",
                [
                    "regions",
                    "--axt",
                    axt,
                    "--sizes-a",
                    str(sizes_a),
                    "--sizes-b",
                    str(sizes_b),
                    *(["--chrom", chrom] if chrom else []),
                    "--bin-size",
                    str(_p(params, "conservation_bin_size")),
                    "--out",
                    str(part),
                ],
                [part],
                tag=chrom or "all",
                group=GROUP,
            )
        )
    pairs = out / "regions" / "pairs.tsv"
    steps.append(
        Step(
            "CONSERVATION_MERGE_REGIONS",
            ["merge-regions", "--sizes-a", str(sizes_a), "--out", str(pairs), *map(str, parts)],
            [pairs],
            group=GROUP,
        )
    )
    for sp, sheet, sizes in (
        ("A", params["input"], sizes_a),
        ("B", _p(params, "conservation_input_b"), sizes_b),
    ):
        store = out / "features" / sp
        extra = _feature_args(
            str(sheet),
            _p(params, f"conservation_states_{sp.lower()}"),
            _p(params, f"conservation_cage_{sp.lower()}"),
        )
        steps.append(
            Step(
                "CONSERVATION_FEATURES",
                [
                    "features",
                    "--pairs",
                    str(pairs),
                    "--species",
                    sp,
                    "--sizes",
                    str(sizes),
                    "--outdir",
                    str(store),
                    *extra,
                ],
                [store / "meta.json"],
                tag=sp,
                group=GROUP,
            )
        )
    split = _p(params, "conservation_split")
    part_json = out / "partition" / "partition.json"
    steps.append(
        Step(
            "CONSERVATION_PARTITION",
            [
                "partition",
                "--pairs",
                str(pairs),
                "--sizes-a",
                str(sizes_a),
                "--sizes-b",
                str(sizes_b),
                "--outdir",
                str(out / "partition"),
                *(["--split-file", str(split)] if split else []),
            ],
            [part_json],
            group=GROUP,
        )
    )
    ex = out / "examples"
    steps.append(
        Step(
            "CONSERVATION_NEGATIVES",
            [
                "negatives",
                "--pairs",
                str(pairs),
                "--partition",
                str(part_json),
                "--outdir",
                str(ex),
                "--seed",
                str(_p(params, "seed")),
                "--valid-size",
                str(_p(params, "conservation_valid_size")),
            ],
            [
                ex / f"{h}.{s}.examples.npy"
                for h in HALVES
                for s in ("training", "validation", "test", "prediction")
            ],
            group=GROUP,
        )
    )
    return steps


def _model_steps(params: Any, out: Path, sizes_a: Path) -> list[Step]:
    """Per half: search trials, select, ensemble members, predictions; then average/track/eval."""
    fa, fb = str(out / "features" / "A"), str(out / "features" / "B")
    ex = out / "examples"
    steps: list[Step] = []
    n_trials = int(_p(params, "conservation_trials"))
    n_members = int(_p(params, "conservation_ensemble"))
    for half in HALVES:
        data = [
            "--features-a",
            fa,
            "--features-b",
            fb,
            "--train",
            str(ex / f"{half}.training.examples.npy"),
            "--valid",
            str(ex / f"{half}.validation.examples.npy"),
        ]
        trials = [out / "search" / half / f"trial{k}" for k in range(n_trials)]
        for k, folder in enumerate(trials):
            steps.append(
                Step(
                    "CONSERVATION_SEARCH",
                    [
                        "search",
                        *data,
                        "--trial",
                        str(k),
                        "--outdir",
                        str(folder),
                        *_train_opts(params),
                    ],
                    [folder / "summary.json"],
                    tag=f"{half}:{k}",
                    group=GROUP,
                )
            )
        best = out / "search" / half / "best.json"
        steps.append(
            Step(
                "CONSERVATION_SELECT",
                [
                    "select",
                    "--out-table",
                    str(out / "search" / half / "trials.tsv"),
                    "--out-best",
                    str(best),
                    *[str(t / "summary.json") for t in trials],
                ],
                [best],
                tag=half,
                group=GROUP,
            )
        )
        for m in range(n_members):
            member = out / "ensemble" / half / f"member{m}"
            steps.append(
                Step(
                    "CONSERVATION_TRAIN",
                    [
                        "train",
                        *data,
                        "--best",
                        str(best),
                        "--member",
                        str(m),
                        "--outdir",
                        str(member),
                        "--train-size",
                        str(_p(params, "conservation_train_size")),
                        *_train_opts(params),
                    ],
                    [member / "model.pt"],
                    tag=f"{half}:{m}",
                    group=GROUP,
                )
            )
            scored = _other(half)
            outs = [member / f"{scored}.{s}.scores.npy" for s in ("prediction", "test")]
            steps.append(
                Step(
                    "CONSERVATION_PREDICT",
                    [
                        "predict",
                        "--checkpoint",
                        str(member / "model.pt"),
                        "--features-a",
                        fa,
                        "--features-b",
                        fb,
                        "--examples",
                        str(ex / f"{scored}.prediction.examples.npy"),
                        "--out",
                        str(outs[0]),
                        "--examples",
                        str(ex / f"{scored}.test.examples.npy"),
                        "--out",
                        str(outs[1]),
                    ],
                    outs,
                    tag=f"{half}:{m}",
                    group=GROUP,
                )
            )
    return steps + _final_steps(params, out, sizes_a, n_members)


def _final_steps(params: Any, out: Path, sizes_a: Path, n_members: int) -> list[Step]:
    ex = out / "examples"
    pairs = out / "regions" / "pairs.tsv"
    steps: list[Step] = []
    tables = []
    for scored in HALVES:
        trained = _other(scored)
        members = [out / "ensemble" / trained / f"member{m}" for m in range(n_members)]
        table = out / "scores" / f"{scored}.scores.tsv"
        tables.append(table)
        steps.append(
            Step(
                "CONSERVATION_AVERAGE",
                [
                    "average",
                    "--pairs",
                    str(pairs),
                    "--examples",
                    str(ex / f"{scored}.prediction.examples.npy"),
                    "--out",
                    str(table),
                    *[str(m / f"{scored}.prediction.scores.npy") for m in members],
                ],
                [table],
                tag=scored,
                group=GROUP,
            )
        )
    prefix = out / "track" / "conservation"
    steps.append(
        Step(
            "CONSERVATION_TRACK",
            ["track", "--sizes-a", str(sizes_a), "--out-prefix", str(prefix), *map(str, tables)],
            [Path(f"{prefix}.bw"), Path(f"{prefix}.bedGraph"), Path(f"{prefix}.scores.tsv")],
            group=GROUP,
        )
    )
    metrics = out / "evaluate" / "test_metrics.tsv"
    argv = ["evaluate", "--out", str(metrics), "--halves", ",".join(HALVES)]
    for scored in HALVES:
        trained = _other(scored)
        files = [
            out / "ensemble" / trained / f"member{m}" / f"{scored}.test.scores.npy"
            for m in range(n_members)
        ]
        argv += [
            "--examples",
            str(ex / f"{scored}.test.examples.npy"),
            "--scores",
            ",".join(map(str, files)),
        ]
    steps.append(Step("CONSERVATION_EVALUATE", argv, [metrics], group=GROUP))
    return steps


def conservation_steps(params: Any) -> list[Step]:
    """The ordered steps of TRAIN_CONSERVATION (empty when ``conservation_axt`` is not set).

    Region parsing is scattered per A chromosome, named by PREPARE_DATA's sizes file or else the
    FASTA index; when neither exists yet, one step parses every chromosome.
    """
    if not _p(params, "conservation_axt"):
        return []
    out = Path(params["outdir"]) / "train_conservation"
    sizes_a = Path(params["outdir"]) / "prepare_data" / "genome" / "genome.size"
    return _data_steps(params, out, sizes_a) + _model_steps(params, out, sizes_a)
