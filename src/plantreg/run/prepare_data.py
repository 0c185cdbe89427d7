"""PREPARE_DATA as the one-machine runner sees it: the same processes, in the same order, as
``subworkflows/local/prepare_data/main.nf``, each the same ``plantreg prep`` call as its module
(options from parameters: :func:`plantreg.run.args.step_args`; the argv-equality test renders
each module's script with these inputs and compares)."""

from __future__ import annotations

from pathlib import Path

from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.samplesheet import Row, read_samplesheet
from plantreg.run.step import Step

SPLITS = ("train", "valid", "test")
GENOME = {"id": "genome"}


def prepare_data_steps(params: Params) -> list[Step]:
    """The ordered steps of PREPARE_DATA for these parameters."""
    rows = read_samplesheet(params["input"])
    out = Path(params["outdir"]) / "prepare_data"
    fasta, gff = str(params["fasta"]), str(params["gff"])
    sizes = out / "genome" / "genome.size"
    name_map = str(params["name_map"]) if params["name_map"] else None
    peaks_by_mark = _files_by_mark(rows, "peaks")
    merged = [out / "peaks" / f"{mark}.merged.bed" for mark in peaks_by_mark]
    split_json = out / "split" / "split.json"

    steps = [index_step(fasta, sizes), _check_names(out, fasta, gff, rows, name_map)]
    for (mark, files), merged_bed in zip(peaks_by_mark.items(), merged, strict=True):
        steps.append(_merge_peaks(mark, files, sizes, name_map, merged_bed))
    steps.append(_split(params, sizes, split_json))
    steps.append(_windows(params, out, fasta, sizes, split_json, merged))
    signals = _by_name([str(r.file) for r in rows if r.type == "signal"])
    steps += [_labels(params, out, split, merged, signals, name_map) for split in SPLITS]
    steps += [_encode(out, fasta, split) for split in SPLITS]
    steps += [_seiplant(out, fasta, split) for split in SPLITS]
    steps.append(_promoters(params, out, fasta, gff, name_map))
    return steps


INTERVAL_TYPES = ("peaks", "tfpeaks")


def index_step(fasta: str, sizes: Path, tag: str = "", alias: str = "",
               meta: dict | None = None) -> Step:
    """PREP_INDEX: validate the (staged) FASTA, write its .fai beside it and the sizes file."""
    meta = meta or GENOME
    argv = ["index", "--fasta", fasta, "--out-sizes", str(sizes)]
    return Step("PREP_INDEX", argv, [sizes], tag=tag, inputs={"fasta": fasta}, meta=meta,
                alias=alias)


def _by_name(files: list[str]) -> list[str]:
    """Files in the order Nextflow's `toSortedList { a.name <=> b.name }` gives them."""
    return sorted(files, key=lambda f: Path(f).name)


def _files_by_mark(rows: list[Row], kind: str) -> dict[str, list[str]]:
    by_mark: dict[str, list[str]] = {}
    for row in rows:
        if row.type == kind:
            by_mark.setdefault(row.mark, []).append(str(row.file))
    return {mark: _by_name(files) for mark, files in sorted(by_mark.items())}


def _genome(fasta: str) -> dict[str, str]:
    return {"fasta": fasta, "fai": f"{fasta}.fai"}


def _repeat(flag: str, values: list) -> list[str]:
    return [item for value in values for item in (flag, str(value))]


def _optional(flag: str, value: str | None) -> list[str]:
    return [flag, value] if value else []


def _check_names(out: Path, fasta: str, gff: str, rows: list[Row], name_map: str | None) -> Step:
    report = out / "genome" / "names.report.tsv"
    # every file is name-checked here, also those later stages read (TF peaks, DAP-seq bigWigs)
    peaks = _by_name([str(r.file) for r in rows if r.type in INTERVAL_TYPES])
    bigwigs = _by_name([str(r.file) for r in rows if r.type not in INTERVAL_TYPES])
    argv = ["check-names", "--fasta", fasta, *_repeat("--peaks", peaks),
            *_repeat("--bigwig", bigwigs), "--gff", gff, *_optional("--name-map", name_map),
            "--out-report", str(report), *step_args("PREP_CHECK_NAMES", {})]
    inputs = {**_genome(fasta), "peaks": peaks, "bigwigs": bigwigs, "gff": gff,
              "name_map": name_map}
    return Step("PREP_CHECK_NAMES", argv, [report], inputs=inputs, meta=GENOME)


def _merge_peaks(mark: str, files: list[str], sizes: Path, name_map: str | None,
                 merged_bed: Path) -> Step:
    argv = ["merge-peaks", "--mark", mark, "--sizes", str(sizes),
            *_optional("--name-map", name_map), "--out", str(merged_bed), *files]
    return Step("PREP_MERGE_PEAKS", argv, [merged_bed], tag=mark,
                inputs={"peaks": files, "sizes": str(sizes), "name_map": name_map},
                meta={"id": mark, "mark": mark})


def _split(params: Params, sizes: Path, split_json: Path) -> Step:
    argv = ["split", "--sizes", str(sizes), "--out", str(split_json),
            *step_args("PREP_SPLIT", params)]
    return Step("PREP_SPLIT", argv, [split_json], inputs={"sizes": str(sizes)}, meta=GENOME)


def _windows(
    params: Params, out: Path, fasta: str, sizes: Path, split_json: Path, merged: list[Path]
) -> Step:
    outdir = out / "windows"
    argv = ["windows", "--fasta", fasta, "--sizes", str(sizes), "--split", str(split_json),
            *_repeat("--peaks", merged), "--outdir", str(outdir),
            *step_args("PREP_WINDOWS", params)]
    outputs = [outdir / f"{s}.bed" for s in SPLITS] + [outdir / "windows.report.tsv"]
    inputs = {**_genome(fasta), "sizes": str(sizes), "split": str(split_json),
              "peaks": [str(m) for m in merged]}
    return Step("PREP_WINDOWS", argv, outputs, inputs=inputs, meta=GENOME)


def _labels(params: Params, out: Path, split: str, merged: list[Path], signals: list[str],
            name_map: str | None) -> Step:
    prefix = out / "dataset" / split
    windows = str(out / "windows" / f"{split}.bed")
    argv = ["labels", "--windows", windows, *_repeat("--peaks", merged),
            *_repeat("--signal", signals), *_optional("--name-map", name_map),
            "--out-prefix", str(prefix), *step_args("PREP_LABELS", params)]
    outputs = [Path(f"{prefix}.labels.npy")] + ([Path(f"{prefix}.signal.npy")] if signals else [])
    inputs = {"windows": windows, "peaks": [str(m) for m in merged], "signal": signals,
              "name_map": name_map}
    return Step("PREP_LABELS", argv, outputs, tag=split, inputs=inputs,
                meta={"id": split, "split": split})


def _encode(out: Path, fasta: str, split: str) -> Step:
    seq = out / "dataset" / f"{split}.seq.npy"
    windows = str(out / "windows" / f"{split}.bed")
    argv = ["encode", "--fasta", fasta, "--windows", windows, "--out", str(seq)]
    return Step("PREP_ENCODE", argv, [seq], tag=split,
                inputs={"windows": windows, **_genome(fasta)},
                meta={"id": split, "split": split})


def _seiplant(out: Path, fasta: str, split: str) -> Step:
    fa, tag_file = out / "seiplant" / f"{split}.fa", out / "seiplant" / "tag.txt"
    windows = str(out / "windows" / f"{split}.bed")
    labels = str(out / "dataset" / f"{split}.labels.npy")
    tags = str(out / "dataset" / "tags.txt")
    argv = ["seiplant-export", "--fasta", fasta, "--windows", windows, "--labels", labels,
            "--tags", tags, "--out", str(fa), "--out-tags", str(tag_file)]
    inputs = {"windows": windows, "labels": labels, "tags": tags, **_genome(fasta)}
    return Step("PREP_SEIPLANT_EXPORT", argv, [fa, tag_file], tag=split, inputs=inputs,
                meta={"id": split, "split": split})


def _promoters(params: Params, out: Path, fasta: str, gff: str, name_map: str | None) -> Step:
    prefix = out / "promoters" / "promoters"
    argv = ["promoters", "--gff", gff, "--fasta", fasta, *_optional("--name-map", name_map),
            "--out-prefix", str(prefix), *step_args("PREP_PROMOTERS", params)]
    outputs = [Path(f"{prefix}.{ext}") for ext in ("bed", "tsv", "fa", "report.tsv")]
    inputs = {"gff": gff, **_genome(fasta), "name_map": name_map}
    return Step("PREP_PROMOTERS", argv, outputs, inputs=inputs, meta=GENOME)
