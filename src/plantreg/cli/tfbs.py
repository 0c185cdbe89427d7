"""The ``plantreg tfbs`` command group: TRAIN_TFBS, one command per step.

dataset (peaks → NyxBind CSVs) → pretrain (a DNA language model, optional) → train (CNN, or the
language model fine-tuned with LoRA) → evaluate (every model beside the PWM scan) → motifs
(attributions → TF-MoDISco → JASPAR matches) → summary (all TFs).

Thin wrappers around ``plantreg.tfbs``; bad input is one line and exit code 2.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from plantreg.threads import set_threads, threads_option

app = typer.Typer(no_args_is_help=True)

_THREADS = threads_option()  # --threads, declared once in plantreg.threads


@app.command("dataset")
def dataset_cmd(
    tf: str = typer.Option(..., "--tf", help="TF name (reports, log)."),
    peaks: Path = typer.Option(..., "--peaks", help="The TF's narrowPeak (summits in column 10)."),
    fasta: Path = typer.Option(..., "--fasta", help="Genome FASTA (indexed when it has no .fai)."),
    split: Path = typer.Option(..., "--split", help="split.json of PREPARE_DATA."),
    outdir: Path = typer.Option(..., "--outdir",
                                help="The TF's folder (NyxBind layout: train/dev/test.csv)."),
    length: int = typer.Option(101, "--length", help="Window length in bp, centred on summits."),
    ratio: float = typer.Option(1.0, "--ratio", help="GC-matched negatives per positive."),
    flank: int = typer.Option(100, "--flank", help="bp around each peak that negatives avoid."),
    max_n_fraction: float = typer.Option(0.0, "--max-n-fraction",
                                         help="Windows with more N than this are dropped."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random choice."),
) -> None:
    """Positives at peak summits, GC-matched negatives, NyxBind CSVs per split, report, GC plot."""
    from plantreg.tfbs.dataset import DatasetSettings, build_tf_dataset

    settings = DatasetSettings(length=length, ratio=ratio, flank=flank,
                               max_n_fraction=max_n_fraction, seed=seed)
    build_tf_dataset(tf, peaks, fasta, split, outdir, settings)


class ModelKind(str, Enum):
    cnn = "cnn"
    lm = "lm"


def _load_model(kind: ModelKind, checkpoint: Path, tf: str):
    """The trained CNN or language model of a ``tfbs train`` checkpoint, strictly for ``tf``."""
    if kind is ModelKind.lm:
        from plantreg.tfbs.lm.finetune import load_lm

        return load_lm(checkpoint, tf)
    from plantreg.tfbs.train import load_cnn

    return load_cnn(checkpoint, tf)[0]


@app.command("train")
def train_cmd(
    tf: str = typer.Option(..., "--tf", help="TF name (the checkpoint's one tag)."),
    data: Path = typer.Option(..., "--data", help="The TF's folder: train.csv, dev.csv, test.csv."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for model.pt and metrics.tsv."),
    model: ModelKind = typer.Option(ModelKind.cnn, "--model", help="cnn or lm."),
    base_model: str = typer.Option(None, "--base-model",
                                   help="lm: a local folder or hub id (save_pretrained layout)."),
    lora: bool = typer.Option(True, "--lora/--full", help="lm: LoRA adapters or all weights."),
    lora_rank: int = typer.Option(8, "--lora-rank"),
    lora_alpha: int = typer.Option(16, "--lora-alpha"),
    lora_targets: str = typer.Option("query,key,value,dense", "--lora-targets",
                                     help="lm: comma-separated module names LoRA adapts."),
    epochs: int = typer.Option(None, "--epochs", help="Most epochs (cnn 60, lm 20)."),
    patience: int = typer.Option(None, "--patience", help="Epochs without a better dev AUPRC."),
    lr: float = typer.Option(None, "--lr", help="Peak learning rate (cnn 3e-3, lm 5e-3)."),
    batch_size: int = typer.Option(None, "--batch-size", help="Training batch (cnn 16, lm 16)."),
    seed: int = typer.Option(0, "--seed"),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda, cuda:1, mps."),
    amp: bool = typer.Option(True, "--amp/--no-amp", help="Mixed precision on a GPU."),
    threads: int = _THREADS,
) -> None:
    """Train one TF's CNN or fine-tune a DNA language model (early stopping on dev AUPRC)."""
    given = {k: v for k, v in {"epochs": epochs, "patience": patience, "lr": lr,
                               "batch_size": batch_size}.items() if v is not None}
    common = {"seed": seed, "device": device, "amp": amp, **given}
    if model is ModelKind.cnn:
        from plantreg.tfbs.train import CnnTrainSettings, train_cnn

        set_threads(threads)  # after the import: OpenMP/BLAS limits apply to loaded libraries
        train_cnn(tf, data, outdir, CnnTrainSettings(**common))
        return
    from plantreg.errors import InputError
    from plantreg.tfbs.lm.finetune import LmTrainSettings, LoraSettings, train_lm

    set_threads(threads)
    if not base_model:
        raise InputError("--model lm needs --base-model (a folder or hub id; "
                         "`plantreg tfbs pretrain` makes one)")
    adapters = LoraSettings(enabled=lora, rank=lora_rank, alpha=lora_alpha,
                            target_modules=[t for t in lora_targets.split(",") if t])
    train_lm(tf, data, base_model, outdir, LmTrainSettings(lora=adapters, **common))


@app.command("pretrain")
def pretrain_cmd(
    fasta: Path = typer.Option(..., "--fasta", help="Genome FASTA."),
    split: Path = typer.Option(..., "--split", help="split.json of PREPARE_DATA."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder the model is saved to."),
    length: int = typer.Option(101, "--length", help="Window length (bp)."),
    train_windows: int = typer.Option(20_000, "--train-windows"),
    valid_windows: int = typer.Option(2_000, "--valid-windows"),
    epochs: int = typer.Option(10, "--epochs", help="Most masked-LM epochs."),
    bound: Path = typer.Option(None, "--bound",
                               help="NyxBind-layout root of TF folders: adds the contrastive "
                                    "step on their bound training windows."),
    contrastive_epochs: int = typer.Option(20, "--contrastive-epochs"),
    seed: int = typer.Option(0, "--seed"),
    device: str = typer.Option("auto", "--device"),
    threads: int = _THREADS,
) -> None:
    """Masked language modelling from scratch on a genome, then (with --bound) NyxBind's
    contrastive step; saved with save_pretrained."""
    from plantreg.tfbs.lm.pretrain import PretrainSettings, pretrain

    set_threads(threads)
    pretrain(fasta, split, outdir, PretrainSettings(
        length=length, train_windows=train_windows, valid_windows=valid_windows, epochs=epochs,
        contrastive_epochs=contrastive_epochs, seed=seed, device=device), bound=bound)


@app.command("evaluate")
def evaluate_cmd(
    tf: str = typer.Option(..., "--tf", help="TF name."),
    data: Path = typer.Option(..., "--data", help="The TF's folder: train.csv, dev.csv, test.csv."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for evaluation.tsv/.json."),
    cnn: Path = typer.Option(None, "--cnn", help="CNN checkpoint (model.pt) of `tfbs train`."),
    lm: Path = typer.Option(None, "--lm", help="Language-model checkpoint (model.pt, with the "
                                               "model/ folder of `tfbs train` beside it)."),
    motifs: Path = typer.Option(None, "--motifs",
                                help="MEME file holding the TF's matrix (PWM scan baseline)."),
    motif: str = typer.Option(None, "--motif", help="Matrix id or name in --motifs (default: TF)."),
    threads: int = _THREADS,
) -> None:
    """AUROC, AUPRC, MCC and F1 of every given method on the same test windows."""
    from plantreg.tfbs.evaluate import evaluate_methods, write_evaluation
    from plantreg.tfbs.pwm import log_odds, read_matrix, scan_max
    from plantreg.tfbs.train import model_scores

    set_threads(threads)
    scorers = {}
    if cnn is not None:
        model = _load_model(ModelKind.cnn, cnn, tf)
        scorers["cnn"] = lambda codes: model_scores(model, codes)
    if lm is not None:
        language_model = _load_model(ModelKind.lm, lm, tf)
        scorers["lm"] = lambda codes: model_scores(language_model, codes, batch=256)
    if motifs is not None:
        _, prob = read_matrix(motifs, motif or tf)
        matrix = log_odds(prob)
        scorers["pwm_scan"] = lambda codes: scan_max(codes, matrix)
    write_evaluation(evaluate_methods(tf, data, scorers), outdir)


class Attribution(str, Enum):
    ig = "ig"
    ism = "ism"
    attention = "attention"


@app.command("motifs")
def motifs_cmd(
    tf: str = typer.Option(..., "--tf", help="TF name."),
    data: Path = typer.Option(..., "--data", help="The TF's folder: train.csv, dev.csv, test.csv."),
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt of `tfbs train`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for motifs, logos and matches."),
    model: ModelKind = typer.Option(ModelKind.lm, "--model", help="The checkpoint's kind."),
    database: Path = typer.Option(None, "--database",
                                  help="MEME file to match against (default: JASPAR CORE "
                                       "plants of --jaspar-release, read offline)."),
    jaspar_release: str = typer.Option("JASPAR2026", "--jaspar-release"),
    known: Path = typer.Option(None, "--known",
                               help="MEME file with the TF's known matrix (by TF name or id): "
                                    "the summary says whether the motif's best match is it."),
    max_windows: int = typer.Option(300, "--max-windows",
                                    help="Bound windows explained (a seeded sample)."),
    attribution: Attribution = typer.Option(Attribution.ig, "--attribution",
                                            help="ig: integrated gradients (captum); ism: "
                                                 "in-silico mutagenesis (tangermeme, slower); "
                                                 "attention: [CLS] attention (NyxBind; lm)."),
    q_threshold: float = typer.Option(0.05, "--q-threshold"),
    seed: int = typer.Option(0, "--seed"),
    threads: int = _THREADS,
) -> None:
    """Attributions → TF-MoDISco → PFMs (MEME, JASPAR, logos) → TomTom vs JASPAR plants."""
    from plantreg.errors import InputError
    from plantreg.tfbs.motifs.discover import ModiscoSettings
    from plantreg.tfbs.motifs.extract import MotifSettings, extract_motifs
    from plantreg.tfbs.motifs.tomtom import jaspar_plants, meme_database
    from plantreg.tfbs.pwm import read_matrix

    set_threads(threads)
    network = _load_model(model, checkpoint, tf)
    db = meme_database(database) if database else jaspar_plants(jaspar_release)
    expected = None
    if known is not None:
        try:
            expected = read_matrix(known, tf)
        except InputError:
            expected = None  # a TF without a known matrix is reported without the check
    extract_motifs(tf, network, data, outdir, db,
                   MotifSettings(max_windows=max_windows, attribution=attribution.value,
                                 q_threshold=q_threshold, seed=seed,
                                 modisco=ModiscoSettings(seed=seed)),
                   method=model.value, known=expected)


@app.command("summary")
def summary_cmd(
    outdir: Path = typer.Option(..., "--outdir", help="Folder for tfbs_summary.tsv and .png."),
    files: list[Path] = typer.Argument(..., help="evaluation.tsv and motif summary.json files."),
) -> None:
    """One table and one figure over every TF: metrics per method, motif matches."""
    from plantreg.tfbs.summary import summarise, write_summary

    write_summary(summarise(files), outdir)
