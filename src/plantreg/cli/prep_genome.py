"""``plantreg prep`` commands for the genome: index, chunks, split, windows, tile, encode,
seiplant-export, seiplant-import. Thin: parse options, call ``plantreg.genome``, report."""

from __future__ import annotations

from pathlib import Path

import typer

from plantreg.cli.prep import app
from plantreg.genome import chunks as chunking
from plantreg.genome import fasta as fa
from plantreg.genome import seiplant, split, windows

_FASTA_HELP = "Genome FASTA (plain text, indexed or indexable with samtools faidx)."


@app.command("index")
def index(
    fasta: Path = typer.Option(..., "--fasta", help=f"{_FASTA_HELP} Validated, then "
                               "FASTA.fai is rebuilt next to it."),
    out_sizes: Path = typer.Option(..., "--out-sizes", help="Sizes TSV to write: chrom<TAB>length, "
                                   "no header, FASTA order."),
) -> None:
    """Validate a FASTA, rebuild its .fai index and write the chromosome sizes file."""
    fa.write_sizes(out_sizes, fa.index_fasta(fasta))


@app.command("chunks")
def chunks_cmd(
    sizes: Path = typer.Option(..., "--sizes", help="Sizes TSV (chrom<TAB>length, FASTA order) "
                               "of the genome, from `plantreg prep index`."),
    chunk_size: int = typer.Option(10_000_000, "--chunk-size", help="Target bp per chunk: "
                                   "records are grouped in FASTA order up to this size; a longer "
                                   "record is a chunk of its own (records are never split)."),
    window: int = typer.Option(1024, "--window", help="The model's window in bp: records "
                               "shorter than it are listed as too_short (skipped and counted by "
                               "`chromatin predict`)."),
    out: Path = typer.Option(..., "--out", help="Chunk list TSV to write: chunk, chrom, start, "
                             "end, status; one row per record, FASTA order."),
) -> None:
    """Group a genome's records into chunks of about --chunk-size bp, for scattered inference."""
    chunking.make_chunks(fa.read_sizes(sizes), chunk_size, window, out, sizes_path=sizes)


@app.command("split")
def split_cmd(
    sizes: Path = typer.Option(..., "--sizes", help="Sizes TSV (chrom<TAB>length) of the genome."),
    valid_chroms: str = typer.Option("", "--valid-chroms", help="Comma list of validation "
                                     "chromosomes; empty = automatic from the sizes."),
    test_chroms: str = typer.Option("", "--test-chroms", help="Comma list of test chromosomes; "
                                    "empty = automatic from the sizes."),
    exclude_chroms: str = typer.Option("", "--exclude-chroms", help="Comma list of chromosomes "
                                       "left out of every set."),
    out: Path = typer.Option(..., "--out", help="split.json to write (train, valid, test, "
                             "excluded, method)."),
) -> None:
    """Split chromosomes by name into train / valid / test (validated; rule recorded)."""
    chosen = split.make_split(fa.read_sizes(sizes), split.parse_list(valid_chroms),
                              split.parse_list(test_chroms), split.parse_list(exclude_chroms),
                              sizes_path=sizes)
    split.write_split(out, chosen)


@app.command("windows")
def windows_cmd(
    fasta: Path = typer.Option(..., "--fasta", help=_FASTA_HELP),
    sizes: Path = typer.Option(..., "--sizes", help="Sizes TSV; must match the FASTA index."),
    split_json: Path = typer.Option(..., "--split", help="split.json from `plantreg prep split`."),
    peaks: list[Path] = typer.Option(..., "--peaks", help="Merged peak BED (repeat the option "
                                     "once per mark); a grid window overlapping any peak by "
                                     ">=1 bp is a peak window."),
    window: int = typer.Option(1024, "--window", help="Window length in bp."),
    stride: int = typer.Option(512, "--stride", help="Grid step in bp (from 0, plus one window "
                               "ending at each chromosome end)."),
    background_ratio: float = typer.Option(1.0, "--background-ratio", help="Background windows "
                                           "sampled per peak window, in each split."),
    max_n_fraction: float = typer.Option(0.0, "--max-n-fraction", help="Drop windows whose N "
                                         "fraction exceeds this (0 = any N drops the window)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the background sampling."),
    outdir: Path = typer.Option(..., "--outdir", help="Folder for {train,valid,test}.bed, "
                                "{split}.index.tsv and windows.report.tsv."),
) -> None:
    """Training windows: the stride grid on each split, peak windows plus sampled background."""
    chrom_sizes = fa.read_sizes(sizes)
    with fa.open_fasta(fasta):
        fa.check_sizes_match(fasta, chrom_sizes, sizes)
    chosen = split.read_split(split_json, chrom_sizes)
    windows.training_windows(fasta, chrom_sizes, chosen, peaks, outdir, window, stride,
                             background_ratio, max_n_fraction, seed, split_path=split_json)


@app.command("tile")
def tile(
    fasta: Path = typer.Option(..., "--fasta", help=_FASTA_HELP),
    window: int = typer.Option(1024, "--window", help="Window length in bp."),
    stride: int = typer.Option(128, "--stride", help="Step between tiles in bp (tiles start at "
                               "0, stride, ...; no extra window at the chromosome end)."),
    chrom: list[str] = typer.Option([], "--chrom", help="Tile only this chromosome (repeatable); "
                                    "default: every sequence long enough. A named chromosome "
                                    "shorter than the window is an error."),
    max_n_fraction: float = typer.Option(0.0, "--max-n-fraction", help="Drop tiles whose N "
                                         "fraction exceeds this (0 = any N drops the tile)."),
    out_prefix: Path = typer.Option(..., "--out-prefix", help="Writes PREFIX.bed, PREFIX.seq.npy "
                                    "(uint8 codes, streamed) and PREFIX.report.tsv."),
) -> None:
    """Tile a genome for inference, streaming windows to BED + .npy with flat memory."""
    windows.tile_genome(fasta, out_prefix, window, stride, chrom or None, max_n_fraction)


@app.command("encode")
def encode_cmd(
    fasta: Path = typer.Option(..., "--fasta", help=_FASTA_HELP),
    windows_bed: Path = typer.Option(..., "--windows", help="Windows BED (BED3+), all windows of "
                                     "one length."),
    out: Path = typer.Option(..., "--out", help="Output .npy: uint8 (n x window), A0 C1 G2 T3 N4, "
                             "rows in BED order."),
) -> None:
    """Encode the sequence of every window of a BED into a uint8 code array."""
    windows.encode_windows(fasta, windows_bed, out)


@app.command("seiplant-export")
def seiplant_export(
    fasta: Path = typer.Option(..., "--fasta", help=_FASTA_HELP),
    windows_bed: Path = typer.Option(..., "--windows", help="Windows BED (rows match the labels)."),
    labels: Path = typer.Option(..., "--labels", help="Label .npy (n_windows x n_marks)."),
    tags: Path = typer.Option(..., "--tags", help="Tag file: one mark per line, label column "
                              "order."),
    out: Path = typer.Option(..., "--out", help="SeiPlant training FASTA to write "
                             "(>MARK_SCORE,...::chrom:start-end + sequence)."),
    out_tags: Path | None = typer.Option(None, "--out-tags", help="Tag file to write beside it "
                                         "[default: tag.txt in the folder of --out]."),
) -> None:
    """Write windows and labels in SeiPlant's training FASTA format plus its tag file."""
    seiplant.export_seiplant(fasta, windows_bed, labels, tags, out, out_tags)


@app.command("seiplant-import")
def seiplant_import(
    seiplant_fasta: Path = typer.Option(..., "--seiplant-fasta", help="SeiPlant training FASTA."),
    tags: Path = typer.Option(..., "--tags", help="Its tag file (one mark per line): every mark "
                              "in a header must be listed; gives the label column order."),
    out_prefix: Path = typer.Option(..., "--out-prefix", help="Writes PREFIX.bed, PREFIX.seq.npy, "
                                    "PREFIX.labels.npy (float32 scores) and tags.txt beside them."),
) -> None:
    """Read a SeiPlant training FASTA into BED, encoded sequences and a label matrix."""
    seiplant.import_seiplant(seiplant_fasta, tags, out_prefix)
