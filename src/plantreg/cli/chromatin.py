"""The ``plantreg chromatin`` command group: train, evaluate, predict, export, merge-tracks, score.

torch, scikit-learn and matplotlib are imported inside the commands, so ``plantreg --help`` and
every other group start without them.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from plantreg.errors import InputError
from plantreg.threads import set_threads, threads_option

app = typer.Typer(no_args_is_help=True)

_THREADS = threads_option()  # --threads, declared once in plantreg.threads
_DEVICE = typer.Option("auto", "--device", help="auto, cpu, cuda or mps.")


@app.command("train")
def train(
    dataset: Path = typer.Option(
        None, "--dataset", help="PREPARE_DATA dataset folder ({train,valid}.seq/labels.npy, tags)."
    ),
    seiplant_train: Path = typer.Option(
        None, "--seiplant-train", help="SeiPlant training FASTA (instead of --dataset)."
    ),
    seiplant_valid: Path = typer.Option(
        None, "--seiplant-valid", help="SeiPlant validation FASTA (with --seiplant-train)."
    ),
    tags: Path = typer.Option(None, "--tags", help="SeiPlant tag file (with --seiplant-train)."),
    split: Path = typer.Option(None, "--split", help="split.json, stored in the checkpoint."),
    preset: str = typer.Option("small", "--preset", help="Model size: small (CPU) or full (Sei)."),
    epochs: int = typer.Option(20, "--epochs", help="Maximum epochs."),
    batch_size: int = typer.Option(64, "--batch-size", help="Training batch size."),
    lr: float = typer.Option(1e-3, "--lr", help="Peak learning rate (AdamW, warm-up + cosine)."),
    patience: int = typer.Option(5, "--patience", help="Early stopping on valid mean AUPRC."),
    epoch_windows: int = typer.Option(
        0, "--epoch-windows",
        help="Training windows drawn per epoch (a fresh sample each epoch); 0: each training "
        "base about once (windows × --grid-stride / window length).",
    ),
    grid_stride: int = typer.Option(
        None, "--grid-stride",
        help="bp between neighbouring training windows (PREPARE_DATA's train_stride); sets the "
        "automatic epoch size. Absent: windows taken as not overlapping.",
    ),
    valid_windows: int = typer.Option(
        4096, "--valid-windows", help="Validation windows scored each epoch (fixed sample); 0: all."
    ),
    motif_seeds: int = typer.Option(
        4, "--motif-seeds",
        help="Enriched 8-mers per mark that seed the motif scanner; 0: random start.",
    ),
    class_weights: bool = typer.Option(
        False, "--class-weights/--no-class-weights", help="Per-mark positive class weights."
    ),
    rc_average: bool = typer.Option(
        True, "--rc-average/--no-rc-average", help="Average strands at evaluation/inference."
    ),
    rc_augment: bool = typer.Option(
        True, "--rc-augment/--no-rc-augment", help="Train on both strands of every window."
    ),
    padding: str = typer.Option(
        "valid", "--padding",
        help="valid: unpadded convolutions, exact fast inference on overlapping windows (needs "
        "windows of 704 bp or more); same: Sei's zero padding (short windows).",
    ),
    model_option: list[str] = typer.Option(
        [], "--model-option",
        help="Override one model setting, KEY=VALUE with a JSON value (repeatable), e.g. "
        "spline_df=8, channels=[64,96,128], batch_norm=false.",
    ),
    stop_after: int = typer.Option(
        None, "--stop-after", help="Stop after this many epochs in this call (resume later)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    device: str = _DEVICE,
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir", help="Output folder (model.pt, metrics.tsv)."),
) -> None:
    """Train the Sei-style chromatin model; re-running into the same --outdir resumes."""
    from plantreg.chromatin.train import TrainSettings, import_seiplant_split, train_chromatin

    set_threads(threads)
    if (dataset is None) == (seiplant_train is None):
        raise InputError("give either --dataset or --seiplant-train (+ --seiplant-valid, --tags)")
    if seiplant_train is not None:
        if seiplant_valid is None or tags is None:
            raise InputError("--seiplant-train needs --seiplant-valid and --tags", seiplant_train)
        dataset = outdir / "seiplant_dataset"
        for name, fasta in (("train", seiplant_train), ("valid", seiplant_valid)):
            import_seiplant_split(fasta, tags, dataset, name)
    settings = TrainSettings(
        preset=preset, epochs=epochs, batch_size=batch_size, lr=lr, patience=patience, seed=seed,
        device=device, class_weights=class_weights, rc_average=rc_average, stop_after=stop_after,
        rc_augment=rc_augment, model_overrides={"padding": padding, **_model_options(model_option)},
        epoch_windows=epoch_windows or None, grid_stride=grid_stride,
        valid_windows=valid_windows or None, motif_seeds=motif_seeds,
    )
    try:
        train_chromatin(dataset, outdir, settings, split)
    except ValueError as err:  # settings rejected by the model or training config
        raise InputError(str(err)) from err


def _model_options(options: list[str]) -> dict:
    parsed = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--model-option must be KEY=VALUE, got {option!r}")
        try:
            parsed[key.strip()] = json.loads(value)
        except ValueError:
            parsed[key.strip()] = value  # a bare word: a string setting such as padding
    return parsed


@app.command("evaluate")
def evaluate(
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt from `train`."),
    dataset: Path = typer.Option(..., "--dataset", help="PREPARE_DATA dataset folder."),
    split: str = typer.Option("test", "--split", help="Split to score (held-out chromosomes)."),
    metrics: Path = typer.Option(None, "--metrics", help="Training metrics.tsv (loss curve)."),
    kmer: int = typer.Option(4, "--kmer", help="k of the k-mer logistic-regression baseline."),
    batch_size: int = typer.Option(256, "--batch-size", help="Inference batch size."),
    device: str = _DEVICE,
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir", help="evaluation.tsv/.json and curve PNGs."),
) -> None:
    """Per-mark AUROC/AUPRC on a held-out split, next to the k-mer baseline."""
    from plantreg.chromatin.evaluate import evaluate_checkpoint

    set_threads(threads)
    evaluate_checkpoint(checkpoint, dataset, outdir, split, metrics, kmer, batch_size, device)


@app.command("predict")
def predict(
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt from `train`."),
    fasta: Path = typer.Option(..., "--fasta", help="Target genome FASTA (with a fresh .fai)."),
    chrom: list[str] = typer.Option(None, "--chrom", help="Only these chromosomes (repeatable)."),
    chunk: str = typer.Option(
        None, "--chunk",
        help="Only this chunk (e.g. chunk_0001) of `plantreg prep chunks` (instead of --chrom); "
        "rebuilt from the .fai with --chunk-size. Records shorter than the window are skipped "
        "and counted: a chunk of them alone gives empty bedGraphs and a report.",
    ),
    chunk_size: int = typer.Option(
        None, "--chunk-size",
        help="The --chunk-size given to `plantreg prep chunks` (read with --chunk only).",
    ),
    stride: int = typer.Option(128, "--stride", help="Window step; each window fills its centre."),
    batch_size: int = typer.Option(256, "--batch-size", help="Windows per forward pass."),
    max_n_fraction: float = typer.Option(
        0.0, "--max-n-fraction", help="Skip (and count) windows with more N than this."
    ),
    amp: bool = typer.Option(True, "--amp/--no-amp", help="Mixed precision on a GPU."),
    device: str = _DEVICE,
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir", help="<MARK>.bedGraph + predict.report.tsv."),
) -> None:
    """Genome-wide predictions, streamed from the indexed FASTA: one bedGraph per mark."""
    from plantreg.chromatin.predict import predict_genome

    set_threads(threads)
    predict_genome(checkpoint, fasta, outdir, stride, chrom or None, batch_size, max_n_fraction,
                   device, amp, chunk=chunk, chunk_size=chunk_size)


@app.command("export")
def export(
    predictions: Path = typer.Option(..., "--predictions", help="Folder written by `predict`."),
    sizes: Path = typer.Option(..., "--sizes", help="Target genome sizes TSV."),
    outdir: Path = typer.Option(..., "--outdir", help="<MARK>.bedGraph and <MARK>.bw."),
) -> None:
    """bedGraph + bigWig per mark (raw probabilities) from one `predict` folder."""
    from plantreg.chromatin.export import export_predictions
    from plantreg.genome.fasta import read_sizes

    export_predictions(predictions, read_sizes(sizes), outdir)


@app.command("merge-tracks")
def merge_tracks(
    shards: list[Path] = typer.Argument(..., help="bedGraph shards of one mark (any order)."),
    sizes: Path = typer.Option(..., "--sizes", help="Target genome sizes TSV."),
    out_prefix: Path = typer.Option(..., "--out-prefix", help="Writes <prefix>.bedGraph/.bw."),
) -> None:
    """Gather the bedGraph shards (one per chunk) of one mark into one bedGraph and one bigWig."""
    from plantreg.chromatin.export import merge_tracks as merge
    from plantreg.genome.fasta import read_sizes

    merge(shards, read_sizes(sizes), out_prefix)


@app.command("score")
def score(
    tracks: Path = typer.Option(..., "--tracks", help="Folder of <MARK>.bw prediction tracks."),
    fasta: Path = typer.Option(..., "--fasta", help="The genome the tracks cover."),
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt (for the tag order)."),
    dataset: Path = typer.Option(
        ..., "--dataset", help="Training dataset folder (k-mer baseline fitted on its train split)."
    ),
    truth: Path = typer.Option(None, "--truth", help="marks.tsv: mark chrom start end (header)."),
    peaks: list[Path] = typer.Option(None, "--peaks", help="<MARK>*.bed peak files (repeatable)."),
    predict_stride: int = typer.Option(128, "--predict-stride", help="Stride of `predict`."),
    eval_stride: int = typer.Option(512, "--eval-stride", help="Stride of evaluation windows."),
    min_overlap: float = typer.Option(0.5, "--min-overlap", help="Label overlap (SeiPlant rule)."),
    outdir: Path = typer.Option(..., "--outdir", help="evaluation.tsv/.json, curves, report."),
) -> None:
    """Score prediction tracks against a species' planted truth or its peaks (vs k-mer baseline)."""
    from plantreg.chromatin.crossspecies import read_peak_sets, read_truth, score_tracks
    from plantreg.chromatin.load import load_chromatin_model
    from plantreg.genome.fasta import read_fai

    if (truth is None) == (not peaks):
        raise InputError("give either --truth or --peaks")
    _, ckpt = load_chromatin_model(checkpoint)
    if truth is not None:
        intervals = read_truth(truth, ckpt.tags)
    else:
        intervals = read_peak_sets(peaks, ckpt.tags, dict(read_fai(fasta)))
    score_tracks(tracks, fasta, ckpt.tags, intervals, outdir, dataset, predict_stride,
                 eval_stride, min_overlap)
