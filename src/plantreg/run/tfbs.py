"""TRAIN_TFBS as the one-machine runner sees it: the same processes, in the same order, as
``subworkflows/local/train_tfbs/main.nf``, each the same ``plantreg tfbs`` call.

One TF per samplesheet row of type ``tfpeaks`` (its ``mark``), or per folder of
``tfbs_csv_dir`` (NyxBind's layout, used as it is). Per TF: dataset (from peaks) → CNN and
language model → evaluate (beside the PWM scan when ``tfbs_known_motifs`` names the TF) → motifs;
one pretraining of the language model for all TFs unless ``tfbs_base_model`` is given; one
summary. A folder input is named with a trailing ``/`` in ``Step.inputs``.
"""

from __future__ import annotations

from pathlib import Path

from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.step import Step, device_args, threads_args

GROUP = "tfbs"


def tfbs_peaks(params: Params) -> dict[str, str]:
    """TF → its narrowPeak, from the samplesheet's ``tfpeaks`` rows (none with tfbs_csv_dir)."""
    if params["tfbs_csv_dir"]:
        return {}
    rows = read_samplesheet(str(params["input"]))
    return {r.mark: str(r.file) for r in sorted(rows, key=lambda r: r.mark) if r.type == "tfpeaks"}


def tfbs_steps(params: Params) -> list[Step]:
    """The ordered steps of TRAIN_TFBS (empty without tfpeaks rows and tfbs_csv_dir)."""
    out = Path(params["outdir"]) / "train_tfbs"
    if params["tfbs_csv_dir"]:
        root = Path(params["tfbs_csv_dir"])
        tfs = {p.parent.name: p.parent for p in sorted(root.glob("*/train.csv"))}
        steps: list[Step] = []
    else:
        root = out / "datasets"
        peaks = tfbs_peaks(params)
        tfs = {tf: root / tf for tf in peaks}
        steps = [_dataset(params, tf, bed, root) for tf, bed in peaks.items()]
    if not tfs:
        return []
    base = params["tfbs_base_model"]
    if not base:
        base = str(out / "base_model")
        steps.append(_pretrain(params, root, list(tfs.values()), Path(base)))
    known = str(params["tfbs_known_motifs"]) if params["tfbs_known_motifs"] else None
    for tf, folder in tfs.items():
        steps += _per_tf(params, out, tf, folder, base, known)
    steps.append(_summary(out, list(tfs)))
    return steps


def _split(params: Params) -> Path:
    """PREPARE_DATA's chromosome split, which every TRAIN_TFBS dataset and pretraining follows."""
    return Path(params["outdir"]) / "prepare_data" / "split" / "split.json"


def _dataset(params: Params, tf: str, peaks: str, root: Path) -> Step:
    split = _split(params)
    fasta = str(params["fasta"])
    return Step("TFBS_DATASET",
                ["dataset", "--tf", tf, "--peaks", peaks, "--fasta", fasta, "--split", str(split),
                 "--outdir", str(root / tf), *step_args("TFBS_DATASET", params)],
                [root / tf / name for name in ("train.csv", "dev.csv", "test.csv")], tag=tf,
                group=GROUP, meta={"id": tf},
                inputs={"peaks": peaks, "fasta": fasta, "fai": f"{fasta}.fai",
                        "split": str(split)})


def _pretrain(params: Params, root: Path, folders: list[Path], base: Path) -> Step:
    split = _split(params)
    fasta = str(params["fasta"])
    return Step("TFBS_PRETRAIN",
                ["pretrain", "--fasta", fasta, "--split", str(split), "--bound", str(root),
                 "--outdir", str(base), *device_args(params), *threads_args(params),
                 *step_args("TFBS_PRETRAIN", params)],
                [base / "config.json"], group=GROUP, meta={"id": "base_model"},
                inputs={"fasta": fasta, "fai": f"{fasta}.fai", "split": str(split),
                        "datasets": [f"{f}/" for f in folders]})


def _per_tf(params: Params, out: Path, tf: str, folder: Path, base: str,
            known: str | None) -> list[Step]:
    models = out / "models" / tf
    data = {"dataset": f"{folder}/"}
    meta = {"id": tf}
    cnn = Step("TFBS_TRAIN_CNN",
               ["train", "--tf", tf, "--data", str(folder), "--model", "cnn",
                "--outdir", str(models / "cnn"), *device_args(params), *threads_args(params),
                *step_args("TFBS_TRAIN_CNN", params)],
               [models / "cnn" / "model.pt"], tag=tf, group=GROUP, meta=meta, inputs=data)
    lm = Step("TFBS_TRAIN_LM",
              ["train", "--tf", tf, "--data", str(folder), "--model", "lm", "--base-model", base,
               "--outdir", str(models / "lm"), *device_args(params), *threads_args(params),
               *step_args("TFBS_TRAIN_LM", params)],
              [models / "lm" / "model.pt"], tag=tf, group=GROUP, meta=meta,
              inputs={**data, "base_model": f"{base}/"})
    trained = {"cnn": f"{models / 'cnn'}/", "lm": f"{models / 'lm'}/"}
    known_args = ["--motifs", known] if known else []
    evaluate = Step("TFBS_EVALUATE",
                    ["evaluate", "--tf", tf, "--data", str(folder),
                     "--cnn", str(models / "cnn" / "model.pt"),
                     "--lm", str(models / "lm" / "model.pt"), *known_args,
                     "--outdir", str(out / "evaluate" / tf), *threads_args(params)],
                    [out / "evaluate" / tf / "evaluation.tsv"], tag=tf, group=GROUP, meta=meta,
                    inputs={**data, **trained, "known": known})
    motifs = Step("TFBS_MOTIFS",
                  ["motifs", "--tf", tf, "--data", str(folder),
                   "--checkpoint", str(models / "lm" / "model.pt"), "--model", "lm",
                   *(["--known", known] if known else []), "--outdir", str(out / "motifs" / tf),
                   *threads_args(params), *step_args("TFBS_MOTIFS", params)],
                  [out / "motifs" / tf / "summary.json"], tag=tf, group=GROUP, meta=meta,
                  inputs={**data, "lm": trained["lm"], "known": known})
    return [cnn, lm, evaluate, motifs]


def _summary(out: Path, tfs: list[str]) -> Step:
    tables = [str(out / "evaluate" / tf / "evaluation.tsv") for tf in tfs]
    motifs = [str(out / "motifs" / tf / "summary.json") for tf in tfs]
    folder = out / "summary"
    return Step("TFBS_SUMMARY", ["summary", "--outdir", str(folder), *tables, *motifs],
                [folder / name for name in ("tfbs_summary.tsv", "tfbs_summary.png",
                                            "tfbs_means.json")], group=GROUP,
                meta={"id": "tfbs"}, inputs={"evaluations": tables, "motifs": motifs})
