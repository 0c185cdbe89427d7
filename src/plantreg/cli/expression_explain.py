"""EXPLAIN's commands of the ``plantreg expression`` group: ``explain`` (per-base importance of one
chunk of genes), ``cre-threshold`` (one CRE threshold over every chunk), ``scan-cre`` (CREs of one
chunk) and ``gather`` (genome coordinates, bigWigs, evaluation against planted sites).

The group module registers them: ``app.command("explain")(explain)``,
``app.command("cre-threshold")(cre_threshold)``, ``app.command("scan-cre")(scan_cre)``,
``app.command("gather")(gather)``. Thin wrappers around ``plantreg.expression.explain``,
``.threshold``, ``.cre`` and ``.export``; bad input is an :class:`InputError`
(one line and exit code 2 through ``plantreg.cli.main``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import typer

from plantreg.threads import set_threads, threads_option

log = logging.getLogger(__name__)

N_PLOTS = 6  # scan-cre figures: the first genes with a CRE (then the others), in file order
_THREADS = threads_option()  # --threads, declared once in plantreg.threads


def explain(
    dataset: Path = typer.Option(..., "--dataset", help="Folder of `expression dataset`."),
    checkpoint: Path = typer.Option(..., "--checkpoint", help="model.pt of `expression train`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for scores.npz and scores.tsv."),
    chunk: int = typer.Option(0, "--chunk", help="This task's chunk, 0 to --n-chunks - 1."),
    n_chunks: int = typer.Option(1, "--n-chunks", help="Chunks the genes are split into."),
    genes: str = typer.Option("test", "--genes", help="test (the test split) or all."),
    max_genes: int = typer.Option(0, "--max-genes",
                                  help="The first M genes of each species (by gene_id); 0 = all."),
    methods: str = typer.Option("ism,occlusion,gxi", "--methods",
                                help="Comma-separated: ism, occlusion, gxi, ig."),
    occlusion_window: int = typer.Option(20, "--occlusion-window", help="Occluded bases."),
    occlusion_stride: int = typer.Option(5, "--occlusion-stride", help="Window step (bp)."),
    occlusion_fill: str = typer.Option("n", "--occlusion-fill",
                                       help="n (all-N window) or shuffle (dinucleotide)."),
    batch_size: int = typer.Option(
        64, "--batch-size", help="Sequences per forward pass (16-64 fastest on a CPU)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the occlusion shuffles."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda, cuda:1, mps."),
    threads: int = _THREADS,
) -> None:
    """Per-base signed importance (ISM, occlusion, gradient×input, IG) of one chunk of genes."""
    from plantreg.errors import InputError
    from plantreg.expression.dataset import load_dataset
    from plantreg.expression.explain import (
        ExplainSettings,
        Scores,
        explain_genes,
        parse_methods,
        select_genes,
        write_scores,
    )
    from plantreg.expression.train import load_expression_model
    from plantreg.training.device import select_device

    set_threads(threads)  # after the imports: OpenMP/BLAS limits apply to loaded libraries
    names = parse_methods(methods)
    dev = select_device(device)
    settings = ExplainSettings(batch_size=batch_size, occlusion_window=occlusion_window,
                               occlusion_stride=occlusion_stride, occlusion_fill=occlusion_fill,
                               seed=seed, device=dev)
    settings.check()
    data = load_dataset(dataset)
    species = np.asarray(data.meta["species"], dtype=str)[data.species]
    rows = select_genes(species, data.gene_id, data.split, genes, max_genes, chunk, n_chunks)
    model, _ = load_expression_model(checkpoint, species=list(data.meta["species"]))
    length = getattr(getattr(model, "config", None), "length", data.codes.shape[1])
    if length != data.codes.shape[1]:
        raise InputError(f"the model reads {length} bp windows, the dataset has "
                         f"{data.codes.shape[1]} bp", checkpoint)
    model.to(dev).eval()
    log.info("chunk %d of %d: %d genes (%s set), methods %s", chunk, n_chunks, len(rows), genes,
             ",".join(names))
    scores = explain_genes(model.expression_one_hot, data.codes[rows], names, settings,
                           gene_ids=data.gene_id[rows])
    write_scores(outdir, Scores(data.gene_id[rows], species[rows], data.codes[rows], scores))


_METHOD = typer.Option("ism", "--method", help="Which scores: ism, occlusion, gxi, ig.")
_QUANTILE = typer.Option(0.98, "--threshold-quantile",
                         help="Threshold = this quantile of |score| over every real base given.")


def cre_threshold(
    scores: list[Path] = typer.Argument(..., help="Every chunk's scores.npz."),
    out: Path = typer.Option(..., "--out", help="threshold.json to write."),
    method: str = _METHOD,
    threshold_quantile: float = _QUANTILE,
) -> None:
    """One CRE threshold over every chunk's scores (so CREs do not depend on the chunking)."""
    from plantreg.expression.cre import CreSettings
    from plantreg.expression.explain import parse_method
    from plantreg.expression.threshold import run_threshold, write_threshold

    CreSettings(threshold_quantile).check()
    record = run_threshold(scores, parse_method(method), threshold_quantile)
    write_threshold(record, out)


def scan_cre(
    scores: Path = typer.Option(..., "--scores", help="scores.npz of `expression explain`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for cre.bed and plots/."),
    method: str = _METHOD,
    threshold: Path = typer.Option(
        None, "--threshold", help="threshold.json of `cre-threshold` (a whole run's); without "
        "it, --threshold-quantile of this file's scores."),
    threshold_quantile: float = _QUANTILE,
    max_gap: int = typer.Option(10, "--max-gap", help="Merge same-sign runs this close (bp)."),
    min_length: int = typer.Option(6, "--min-length", help="Drop CREs shorter than this (bp)."),
) -> None:
    """CREs (runs of high |importance|) of one chunk, in window coordinates (chrom = gene)."""
    from plantreg.expression.cre import CreSettings, plot_track, scan_genes, write_cre_bed
    from plantreg.expression.explain import parse_method, read_scores
    from plantreg.expression.export import safe_name
    from plantreg.expression.threshold import read_threshold

    settings = CreSettings(threshold_quantile, max_gap, min_length)
    settings.check()
    method = parse_method(method)
    cut = read_threshold(threshold, method) if threshold is not None else None
    data = read_scores(scores, method)
    track = data.methods[method]
    cres, _ = scan_genes(track, data.gene_id, settings, data.codes, cut)
    outdir = Path(outdir)
    write_cre_bed(cres, outdir / "cre.bed")
    with_cre = set(cres["gene_id"])
    order = sorted(range(len(data.gene_id)), key=lambda i: data.gene_id[i] not in with_cre)
    for i in order[:N_PLOTS]:
        gene = str(data.gene_id[i])
        plot_track(track[i], cres[cres["gene_id"] == gene],
                   outdir / "plots" / f"{safe_name(gene)}.png",
                   title=f"{data.species[i]} {gene} ({method})")


def gather(
    dataset: Path = typer.Option(..., "--dataset", help="Folder of `expression dataset`."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for the merged outputs."),
    files: list[Path] = typer.Argument(..., help="Every chunk's scores.npz and cre.bed."),
    truth_sites: Path = typer.Option(None, "--truth-sites",
                                     help="Planted sites TSV (simulator) to evaluate CREs."),
    method: str = typer.Option("ism", "--method", help="Scores written to the bigWigs."),
) -> None:
    """cre.bed in genome coordinates, <species>.importance.bw, cre_evaluation.tsv and
    cre_example.png over every chunk."""
    from plantreg.expression.dataset import load_dataset
    from plantreg.expression.explain import parse_method
    from plantreg.expression.export import gather_outputs

    method = parse_method(method)
    data = load_dataset(dataset)
    gather_outputs(data.genes, data.meta, data.sizes, files, outdir, method, truth_sites)


app = typer.Typer(no_args_is_help=True)
app.command("explain")(explain)
app.command("cre-threshold")(cre_threshold)
app.command("scan-cre")(scan_cre)
app.command("gather")(gather)
