"""The ``plantreg expression`` command group: TRAIN_EXPRESSION and EXPLAIN, one command per step.

dataset (species → sequences and scaled targets) → train (the hybrid model) → evaluate (beside
the k-mer ridge baseline) → explain (ISM, occlusion, gradient×input per chunk of genes) →
cre-threshold (one threshold over every chunk) → scan-cre (candidate CREs per chunk) → gather
(one BED, one bigWig per species); predict for new sequences.

Thin wrappers around ``plantreg.expression``; bad input is one line and exit code 2.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from plantreg.cli.expression_explain import cre_threshold, explain, gather, scan_cre
from plantreg.errors import InputError
from plantreg.threads import set_threads, threads_option

app = typer.Typer(no_args_is_help=True)
app.command("explain")(explain)
app.command("cre-threshold")(cre_threshold)
app.command("scan-cre")(scan_cre)
app.command("gather")(gather)

_THREADS = threads_option()  # --threads, declared once in plantreg.threads


class Anchor(str, Enum):
    tss = "tss"
    start_codon = "start_codon"


class Target(str, Enum):
    max = "max"
    mean = "mean"
    tissues = "tissues"


class Preset(str, Enum):
    small = "small"
    full = "full"


@app.command("dataset")
def dataset_cmd(
    species: list[str] = typer.Option(..., "--species", help="Species name (repeat per species)."),
    fasta: list[Path] = typer.Option(..., "--fasta", help="Its genome FASTA (one per --species)."),
    gff: list[Path] = typer.Option(..., "--gff", help="Its GFF3 (one per --species)."),
    expression: list[Path] = typer.Option(
        ..., "--expression", help="Its TPM table: gene_id + tissues (one per --species)."),
    outdir: Path = typer.Option(..., "--outdir", help="The dataset folder."),
    upstream: int = typer.Option(2000, "--upstream", help="bp upstream (5′) of the anchor."),
    downstream: int = typer.Option(1000, "--downstream", help="bp downstream of the anchor."),
    anchor: Anchor = typer.Option(Anchor.tss, "--anchor", help="tss or start_codon."),
    target: Target = typer.Option(Target.max, "--target",
                                  help="log1p of the max or mean over tissues, or every tissue."),
    families: Path | None = typer.Option(None, "--families",
                                         help="gene_id<TAB>family TSV: families kept together."),
    seed: int = typer.Option(0, "--seed", help="Recorded with the dataset."),
    valid_chroms: list[str] = typer.Option(
        [], "--valid-chroms", help="SPECIES=CHR[;CHR...]: that species' validation chromosomes "
        "(repeat per species; default: chosen automatically)."),
    test_chroms: list[str] = typer.Option(
        [], "--test-chroms", help="SPECIES=CHR[;CHR...]: that species' held-out test "
        "chromosomes (repeat per species; default: chosen automatically)."),
) -> None:
    """Sequences around each gene's anchor, targets scaled per species, split by chromosome."""
    from plantreg.expression.dataset import (
        DatasetSettings,
        SpeciesInput,
        build_dataset,
        write_dataset,
    )
    from plantreg.expression.plots import target_plot

    settings = DatasetSettings(upstream=upstream, downstream=downstream, anchor=anchor.value,
                               target=target.value,
                               families=str(families) if families else None, seed=seed)
    if not len(species) == len(fasta) == len(gff) == len(expression):
        raise InputError("give one --fasta, --gff and --expression per --species, in order")
    valid = _chrom_lists(valid_chroms, "--valid-chroms", species)
    test = _chrom_lists(test_chroms, "--test-chroms", species)
    inputs = [SpeciesInput(n, str(f), str(g), str(t), valid.get(n, ()), test.get(n, ()))
              for n, f, g, t in zip(species, fasta, gff, expression, strict=True)]
    data = build_dataset(inputs, settings)
    write_dataset(data, outdir)
    target_plot(data, outdir / "targets.png")


def _chrom_lists(values: list[str], option: str, species: list[str]) -> dict[str, tuple]:
    """``SPECIES=CHR;CHR`` options (``,`` works too) → ``{species: (CHR, CHR)}``."""
    out: dict[str, tuple] = {}
    for value in values:
        name, sep, chroms = value.partition("=")
        names = tuple(c for c in chroms.replace(",", ";").split(";") if c)
        if not sep or not names:
            raise InputError(f"{option} takes SPECIES=CHR[;CHR...], got {value!r}")
        if name not in species:
            raise InputError(f"{option} names species {name!r}, which no --species gives")
        if name in out:
            raise InputError(f"{option} is given twice for species {name!r}")
        out[name] = names
    return out


@app.command("train")
def train_cmd(
    dataset: Path = typer.Option(..., "--dataset", help="Folder of `expression dataset`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for model.pt and metrics."),
    preset: Preset = typer.Option(Preset.small, "--preset", help="small (CPU) or full (GPU)."),
    epochs: int = typer.Option(40, "--epochs", help="Most epochs."),
    patience: int = typer.Option(10, "--patience", help="Epochs without improvement to stop."),
    batch_size: int = typer.Option(16, "--batch-size", help="Genes per optimiser step."),
    lr: float = typer.Option(1e-3, "--lr", help="Peak learning rate (AdamW)."),
    species_weight: float = typer.Option(0.2, "--species-weight",
                                         help="Weight of the species loss."),
    rc_pool: bool = typer.Option(False, "--rc-pool",
                                 help="Average each window with its reverse complement."),
    motif_seeds: int = typer.Option(12, "--motif-seeds",
                                    help="Stem filters seeded per direction (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Seed of weights, order and jitter."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    threads: int = _THREADS,
) -> None:
    """The hybrid model on every species (early stop on validation macro Spearman)."""
    from plantreg.expression.plots import learning_curve
    from plantreg.expression.train import ExpressionTrainSettings, train_expression

    set_threads(threads)
    settings = ExpressionTrainSettings(
        preset=preset.value, epochs=epochs, patience=patience, batch_size=batch_size, lr=lr,
        species_weight=species_weight, rc_pool=rc_pool, motif_seeds=motif_seeds, seed=seed,
        device=device)
    train_expression(dataset, outdir, settings)
    learning_curve(outdir / "metrics.tsv", outdir / "learning_curve.png")


@app.command("evaluate")
def evaluate_cmd(
    dataset: Path = typer.Option(..., "--dataset", help="Folder of `expression dataset`."),
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt of `expression train`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for the tables and plots."),
    kmer: int = typer.Option(5, "--kmer", help="k of the k-mer ridge baseline."),
    threads: int = _THREADS,
) -> None:
    """Held-out chromosomes: model and k-mer ridge per species, species accuracy, plots."""
    from plantreg.expression.evaluate import evaluate

    set_threads(threads)
    evaluate(dataset, checkpoint, outdir, kmer)


@app.command("predict")
def predict_cmd(
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt of `expression train`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for predictions.tsv."),
    fasta: Path | None = typer.Option(None, "--fasta",
                                      help="Sequences of the model's window length."),
    dataset: Path | None = typer.Option(None, "--dataset", help="A dataset folder (with --genes)."),
    genes: str | None = typer.Option(None, "--genes", help="Comma-separated gene IDs."),
    species: str | None = typer.Option(None, "--species",
                                       help="Species whose TPM scale to use (default: predicted)."),
    threads: int = _THREADS,
) -> None:
    """Expression in z-scores and TPM, with species probabilities."""
    from plantreg.expression.predict import predict

    set_threads(threads)
    ids = [g.strip() for g in genes.split(",") if g.strip()] if genes else None
    predict(checkpoint, outdir, fasta=fasta, dataset=dataset, genes=ids, species=species)
