"""PREPARE_DATA as the one-machine runner sees it: the same processes, in the same order, as
``subworkflows/local/prepare_data/main.nf``, each the same ``plantreg prep`` call as its module."""

from __future__ import annotations

from pathlib import Path

from plantreg.run.params import Params
from plantreg.run.samplesheet import Row, read_samplesheet
from plantreg.run.step import Step

SPLITS = ("train", "valid", "test")


def prepare_data_steps(params: Params) -> list[Step]:
    """The ordered steps of PREPARE_DATA for these parameters."""
    rows = read_samplesheet(params["input"])
    out = Path(params["outdir"]) / "prepare_data"
    fasta, gff = str(params["fasta"]), str(params["gff"])
    sizes = out / "genome" / "genome.size"
    name_map = ["--name-map", str(params["name_map"])] if params["name_map"] else []
    peaks_by_mark = _files_by_mark(rows, "peaks")
    merged = [out / "peaks" / f"{mark}.merged.bed" for mark in peaks_by_mark]
    signals = [str(r.file) for r in rows if r.type == "signal"]
    split_json = out / "split" / "split.json"

    steps = [
        Step("PREP_INDEX", ["index", "--fasta", fasta, "--out-sizes", str(sizes)], [sizes]),
        _check_names(out, fasta, gff, rows, name_map),
    ]
    for (mark, files), merged_bed in zip(peaks_by_mark.items(), merged, strict=True):
        argv = [
            "merge-peaks",
            "--mark",
            mark,
            "--sizes",
            str(sizes),
            *name_map,
            "--out",
            str(merged_bed),
            *files,
        ]
        steps.append(Step("PREP_MERGE_PEAKS", argv, [merged_bed], tag=mark))
    steps.append(_split(params, sizes, split_json))
    steps.append(_windows(params, out, fasta, sizes, split_json, merged))
    steps += [_labels(params, out, split, merged, signals, name_map) for split in SPLITS]
    steps += [_encode(out, fasta, split) for split in SPLITS]
    steps += [_seiplant(out, fasta, split) for split in SPLITS]
    steps.append(_promoters(params, out, fasta, gff))
    return steps


def _files_by_mark(rows: list[Row], kind: str) -> dict[str, list[str]]:
    by_mark: dict[str, list[str]] = {}
    for row in rows:
        if row.type == kind:
            by_mark.setdefault(row.mark, []).append(str(row.file))
    return dict(sorted(by_mark.items()))


def _check_names(out: Path, fasta: str, gff: str, rows: list[Row], name_map: list[str]) -> Step:
    report = out / "genome" / "names.report.tsv"
    argv = ["check-names", "--fasta", fasta, "--gff", gff, *name_map, "--out-report", str(report)]
    for row in rows:
        argv += ["--peaks" if row.type == "peaks" else "--bigwig", str(row.file)]
    return Step("PREP_CHECK_NAMES", argv, [report])


def _split(params: Params, sizes: Path, split_json: Path) -> Step:
    argv = ["split", "--sizes", str(sizes), "--out", str(split_json)]
    for key in ("valid_chroms", "test_chroms", "exclude_chroms"):
        if params[key]:
            argv += [f"--{key.replace('_', '-')}", str(params[key])]
    return Step("PREP_SPLIT", argv, [split_json])


def _windows(
    params: Params, out: Path, fasta: str, sizes: Path, split_json: Path, merged: list[Path]
) -> Step:
    outdir = out / "windows"
    argv = [
        "windows",
        "--fasta",
        fasta,
        "--sizes",
        str(sizes),
        "--split",
        str(split_json),
        *_repeat("--peaks", merged),
        "--window",
        str(params["window_size"]),
        "--stride",
        str(params["train_stride"]),
        "--background-ratio",
        str(params["background_ratio"]),
        "--max-n-fraction",
        str(params["max_n_fraction"]),
        "--seed",
        str(params["seed"]),
        "--outdir",
        str(outdir),
    ]
    outputs = [outdir / f"{s}.bed" for s in SPLITS] + [outdir / "windows.report.tsv"]
    return Step("PREP_WINDOWS", argv, outputs)


def _labels(
    params: Params,
    out: Path,
    split: str,
    merged: list[Path],
    signals: list[str],
    name_map: list[str],
) -> Step:
    prefix = out / "dataset" / split
    argv = [
        "labels",
        "--windows",
        str(out / "windows" / f"{split}.bed"),
        *_repeat("--peaks", merged),
        *_repeat("--signal", signals),
        *name_map,
        "--min-overlap",
        str(params["min_overlap"]),
        "--overlap-mode",
        params["overlap_mode"],
        "--signal-summary",
        params["signal_summary"],
        "--out-prefix",
        str(prefix),
    ]
    outputs = [Path(f"{prefix}.labels.npy")] + ([Path(f"{prefix}.signal.npy")] if signals else [])
    return Step("PREP_LABELS", argv, outputs, tag=split)


def _encode(out: Path, fasta: str, split: str) -> Step:
    seq = out / "dataset" / f"{split}.seq.npy"
    argv = [
        "encode",
        "--fasta",
        fasta,
        "--windows",
        str(out / "windows" / f"{split}.bed"),
        "--out",
        str(seq),
    ]
    return Step("PREP_ENCODE", argv, [seq], tag=split)


def _seiplant(out: Path, fasta: str, split: str) -> Step:
    fa = out / "seiplant" / f"{split}.fa"
    argv = [
        "seiplant-export",
        "--fasta",
        fasta,
        "--windows",
        str(out / "windows" / f"{split}.bed"),
        "--labels",
        str(out / "dataset" / f"{split}.labels.npy"),
        "--tags",
        str(out / "dataset" / "tags.txt"),
        "--out",
        str(fa),
        "--out-tags",
        str(out / "seiplant" / "tag.txt"),
    ]
    return Step("PREP_SEIPLANT_EXPORT", argv, [fa], tag=split)


def _promoters(params: Params, out: Path, fasta: str, gff: str) -> Step:
    prefix = out / "promoters" / "promoters"
    argv = [
        "promoters",
        "--gff",
        gff,
        "--fasta",
        fasta,
        "--upstream",
        str(params["promoter_upstream"]),
        "--downstream",
        str(params["promoter_downstream"]),
        "--out-prefix",
        str(prefix),
    ]
    outputs = [Path(f"{prefix}.{ext}") for ext in ("bed", "tsv", "fa", "report.tsv")]
    return Step("PREP_PROMOTERS", argv, outputs)


def _repeat(flag: str, values: list) -> list[str]:
    return [item for value in values for item in (flag, str(value))]
