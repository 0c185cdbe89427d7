"""The ``plantreg coexpression`` command group: TRAIN_COEXPRESSION, one command per step.

extract (per chromosome) → gather → pairs → normalise → vocabulary → train → evaluate →
network / attention. Thin wrappers around ``plantreg.coexpression``; bad input is one line.
Library modules (torch, scikit-learn, pandas) are imported inside the commands so that
``plantreg --help`` and every other group start without them.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from plantreg.genome.fasta import read_sizes
from plantreg.threads import set_threads, threads_option

app = typer.Typer(no_args_is_help=True)

_THREADS = threads_option()  # --threads, declared once in plantreg.threads
PU = "Negatives are unlabelled pairs (not listed), not known negatives."


class NoData(str, Enum):
    zero = "zero"
    nan = "nan"


class Aggregate(str, Enum):
    mean = "mean"
    max = "max"
    sum = "sum"


class InputMode(str, Enum):
    tokens = "tokens"
    vectors = "vectors"


class SplitMethod(str, Enum):
    genes = "genes"
    chroms = "chroms"


class UnknownGenes(str, Enum):
    drop = "drop"
    error = "error"


@app.command("extract")
def extract_cmd(
    promoters: Path = typer.Option(..., "--promoters", help="promoters.tsv of prep promoters."),
    sizes: Path = typer.Option(..., "--sizes", help="Genome sizes TSV (chrom, length)."),
    bigwig: list[Path] = typer.Option(..., "--bigwig", help="DAP-seq bigWig <TF>.bw; repeat."),
    control: list[Path] = typer.Option(
        None,
        "--control",
        help="Input-control bigWig; repeat for several: their per-base mean is the control.",
    ),
    name_map: Path = typer.Option(None, "--name-map", help="TSV from<TAB>to for bigWig names."),
    chrom: list[str] = typer.Option(None, "--chrom", help="Only these chromosomes (a shard)."),
    no_data: NoData = typer.Option(
        NoData.zero,
        "--no-data",
        help="Bases without a bigWig interval: zero (bigWig convention) or nan (masked).",
    ),
    out_prefix: Path = typer.Option(
        ...,
        "--out-prefix",
        help="Writes PREFIX.signal.npy, .control.npy, .genes.tsv, .tfs.tsv, .report.tsv.",
    ),
) -> None:
    """Promoter × TF base-level signal (genes × TFs × L), oriented 5'→3'; clipped bases NaN."""
    from plantreg.coexpression.extraction import run_extract
    from plantreg.genome.names import read_name_map

    run_extract(
        promoters,
        list(bigwig),
        read_sizes(sizes),
        out_prefix,
        list(control or []),
        read_name_map(name_map),
        list(chrom or []),
        no_data.value,
    )


@app.command("gather")
def gather_cmd(
    promoters: Path = typer.Option(..., "--promoters", help="promoters.tsv (gives the order)."),
    out_prefix: Path = typer.Option(..., "--out-prefix", help="Prefix of the joined arrays."),
    shard: list[str] = typer.Option(..., "--shard", help="Prefix of a per-chromosome shard; "
                                    "repeat."),
) -> None:
    """Join per-chromosome extraction shards in promoter-table order."""
    from plantreg.coexpression.extraction import run_gather

    run_gather(shard, promoters, str(out_prefix))


@app.command("pairs")
def pairs_cmd(
    pairs: Path = typer.Option(..., "--pairs", help="TSV of co-expressed pairs gene_a gene_b."),
    genes: Path = typer.Option(..., "--genes", help="PREFIX.genes.tsv of extract/gather."),
    unknown_genes: UnknownGenes = typer.Option(
        UnknownGenes.drop,
        "--unknown-genes",
        help="Pairs naming a gene without a promoter (not in --genes): drop (counted in "
        "pairs.report.tsv; an error only when no pair remains) or error.",
    ),
    neg_ratio: float = typer.Option(5.0, "--neg-ratio", min=0.0, help="Unlabelled per listed."),
    degree_match: bool = typer.Option(
        False,
        "--degree-match",
        help="Sample negatives with the listed pairs' gene-degree distribution.",
    ),
    split: SplitMethod = typer.Option(SplitMethod.genes, "--split", help="genes or chroms."),
    valid_fraction: float = typer.Option(0.2, "--valid-fraction", min=0.0, max=0.9),
    test_fraction: float = typer.Option(0.2, "--test-fraction", min=0.0, max=0.9),
    valid_chroms: str = typer.Option("", "--valid-chroms", help="Comma list (--split chroms)."),
    test_chroms: str = typer.Option("", "--test-chroms", help="Comma list (--split chroms)."),
    seed: int = typer.Option(0, "--seed"),
    outdir: Path = typer.Option(..., "--outdir", help="pairs.tsv, split.json, reports."),
) -> None:
    """Clean listed pairs, split genes (no gene in two splits), sample unlabelled negatives."""
    from plantreg.coexpression.pairs import PairSettings
    from plantreg.coexpression.steps_data import run_pairs
    from plantreg.genome.split import parse_list

    settings = PairSettings(
        neg_ratio,
        degree_match,
        split.value,
        valid_fraction,
        test_fraction,
        tuple(parse_list(valid_chroms)),
        tuple(parse_list(test_chroms)),
        unknown_genes.value,
        seed,
    )
    run_pairs(pairs, genes, settings, outdir)


@app.command("normalise")
def normalise_cmd(
    signal_prefix: Path = typer.Option(..., "--signal-prefix", help="Prefix of extract/gather."),
    split: Path = typer.Option(..., "--split", help="split.json of pairs (z-score on train)."),
    depth: bool = typer.Option(True, "--depth/--no-depth", help="Scale by bigWig sumData."),
    control: bool = typer.Option(True, "--control/--no-control", help="Subtract the control."),
    pseudocount: float = typer.Option(1.0, "--pseudocount", min=0.0, help="c of log2(x + c)."),
    log_transform: bool = typer.Option(True, "--log/--no-log"),
    zscore: bool = typer.Option(True, "--zscore/--no-zscore"),
    max_missing: float = typer.Option(
        0.5, "--max-missing", min=0.0, max=1.0, help="Drop TFs, then genes, with more missing data."
    ),
    out_prefix: Path = typer.Option(
        ...,
        "--out-prefix",
        help="PREFIX.signal.npy, .genes.tsv, .tfs.tsv, .report.tsv, .json (parameters).",
    ),
) -> None:
    """Depth scaling, control subtraction, log2(x + c), z-score per TF (fitted on train)."""
    from plantreg.coexpression.normalise import NormSettings
    from plantreg.coexpression.steps_data import run_normalise

    settings = NormSettings(
        depth, control, pseudocount if log_transform else None, zscore, max_missing
    )
    run_normalise(signal_prefix, split, settings, out_prefix)


@app.command("vocabulary")
def vocabulary_cmd(
    norm_prefix: Path = typer.Option(..., "--norm-prefix", help="Prefix of normalise."),
    split: Path = typer.Option(..., "--split", help="split.json (fitted on train genes)."),
    window: int = typer.Option(50, "--window", min=1),
    stride: int = typer.Option(50, "--stride", min=1),
    aggregate: Aggregate = typer.Option(Aggregate.mean, "--aggregate"),
    k: int = typer.Option(32, "--k", help="Vocabulary size (clusters)."),
    seed: int = typer.Option(0, "--seed"),
    threads: int = _THREADS,
    outdir: Path = typer.Option(
        ...,
        "--outdir",
        help="windows.npy, tokens.npy, centroids.npy, "
        "tfs.txt, vocabulary.json, tokens.report.tsv, vocabulary.png.",
    ),
) -> None:
    """Window vectors per TF, MiniBatchKMeans tokens, token report and heat-map."""
    from plantreg.coexpression.steps_data import run_vocabulary

    set_threads(threads)  # after the import: OpenMP/BLAS limits apply to loaded libraries
    run_vocabulary(norm_prefix, split, window, stride, aggregate.value, k, seed, outdir)


@app.command("train")
def train_cmd(
    vocabulary: Path = typer.Option(..., "--vocabulary", help="Output folder of vocabulary."),
    pairs: Path = typer.Option(..., "--pairs", help="pairs.tsv of the pairs step."),
    split: Path = typer.Option(..., "--split", help="split.json of the pairs step."),
    normalisation: Path = typer.Option(..., "--normalisation", help="PREFIX.json of normalise."),
    config: Path = typer.Option(
        None, "--config", help="YAML hyper-parameters (model:, train:, batch_size:)."
    ),
    input_mode: InputMode = typer.Option(
        InputMode.tokens,
        "--input-mode",
        help="tokens, or vectors (linear projection of window vectors).",
    ),
    seed: int = typer.Option(0, "--seed"),
    threads: int = _THREADS,
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or mps."),
    outdir: Path = typer.Option(..., "--outdir", help="model.pt, training/, training.json."),
) -> None:
    """Train the Siamese transformer (weighted BCE, AdamW, early stop on valid AUPRC)."""
    from plantreg.coexpression.steps_model import run_train

    set_threads(threads)
    run_train(vocabulary, pairs, split, normalisation, outdir, config, input_mode.value, seed,
              device)


@app.command("evaluate", help=f"Test metrics of model and baselines. {PU}")
def evaluate_cmd(
    checkpoint: Path = typer.Option(..., "--checkpoint"),
    vocabulary: Path = typer.Option(..., "--vocabulary"),
    pairs: Path = typer.Option(..., "--pairs", help="pairs.tsv of the pairs step."),
    top_k: int = typer.Option(50, "--top-k", min=1, help="k of precision at top k."),
    listed: Path = typer.Option(None, "--listed", help="The pair TSV given to pairs."),
    hidden: Path = typer.Option(
        None,
        "--hidden",
        help="Pairs left out of --listed (e.g. the "
        "simulator's withheld pairs): recovery among all unlisted.",
    ),
    seed: int = typer.Option(0, "--seed"),
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir"),
) -> None:
    from plantreg.coexpression.steps_model import run_evaluate

    set_threads(threads)
    run_evaluate(checkpoint, vocabulary, pairs, outdir, top_k, seed, listed, hidden)


@app.command("network", help=f"Score all pairs of a gene set; top edges as TSV + GraphML. {PU}")
def network_cmd(
    checkpoint: Path = typer.Option(..., "--checkpoint"),
    vocabulary: Path = typer.Option(..., "--vocabulary"),
    genes: Path = typer.Option(None, "--genes", help="Gene ids (whitespace separated)."),
    top: int = typer.Option(10000, "--top", min=1, help="Edges kept."),
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir"),
) -> None:
    from plantreg.coexpression.steps_model import run_network

    set_threads(threads)
    run_network(checkpoint, vocabulary, outdir, top, genes)


@app.command("attention")
def attention_cmd(
    checkpoint: Path = typer.Option(..., "--checkpoint"),
    vocabulary: Path = typer.Option(..., "--vocabulary"),
    pairs: Path = typer.Option(..., "--pairs", help="pairs.tsv of the pairs step."),
    pair: str = typer.Option("", "--pair", help="GENE_A,GENE_B (default: best test pair)."),
    top_pairs: int = typer.Option(100, "--top-pairs", min=1),
    threads: int = _THREADS,
    outdir: Path = typer.Option(..., "--outdir"),
) -> None:
    """Attention per promoter window for a pair; tokens that drive positive predictions."""
    from plantreg.coexpression.steps_model import run_attention

    set_threads(threads)
    chosen = None
    if pair:
        parts = pair.split(",")
        if len(parts) != 2:
            raise typer.BadParameter("--pair takes GENE_A,GENE_B")
        chosen = (parts[0], parts[1])
    run_attention(checkpoint, vocabulary, pairs, outdir, chosen, top_pairs)
