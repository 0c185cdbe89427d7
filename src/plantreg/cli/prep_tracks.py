"""``plantreg prep`` commands for tracks and annotation: check-names, merge-peaks, labels,
promoters. Each command is a thin wrapper: parsing and checks live in ``plantreg.tracks`` and
``plantreg.genome``; bad input surfaces as one ``error: <file>: <problem>`` line (exit 2)."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

import typer

from plantreg.cli.prep import app
from plantreg.genome.fasta import read_sizes
from plantreg.genome.gff import read_gff, rename_annotation
from plantreg.genome.names import check_names, fasta_sizes, read_name_map
from plantreg.genome.promoters import compute_promoters, write_promoters
from plantreg.tracks.labels import build_labels
from plantreg.tracks.peaks import merge_peaks, read_peaks, write_bed3

log = logging.getLogger(__name__)

NAME_MAP_HELP = (
    "TSV 'from<TAB>to' (no header) renaming chromosomes of the non-FASTA files to FASTA names; "
    "names not listed are kept."
)

CHECK_NAMES_HELP = (
    "Check that every chromosome named in the peaks, bigWigs and GFF3 exists in the FASTA.\n\n"
    "The report is always written. If any name is missing, the command fails with one line that "
    "lists the missing names per file (fix the files or pass --name-map)."
)
MERGE_HELP = (
    "Merge the peak files of one mark like 'bedtools merge'.\n\n"
    "Overlapping and book-ended peaks join. Every peak is checked against the chromosome sizes "
    "(after --name-map); a bad line is an error naming the file and the line, and nothing is "
    "written."
)
LABELS_HELP = (
    "Label every window per mark from its merged peaks; summarise signal bigWigs.\n\n"
    "Mark names come from file names (text before the first '.'). The channel order is the tag "
    "file's, else sorted marks, and is written to tags.txt (signal_tags.txt for --signal)."
)
PROMOTERS_HELP = (
    "Promoters around each gene's start codon, strand-aware.\n\n"
    "The start codon p comes from the transcript with the longest total CDS. The promoter is "
    "[p-UP, p+DOWN+1) on + and [p-DOWN, p+UP+1) on -, clipped at chromosome ends (recorded in "
    "PREFIX.tsv); PREFIX.fa holds the sequences, reverse-complemented on -. Genes without CDS are "
    "listed in PREFIX.report.tsv with the reason."
)


class OverlapMode(str, Enum):
    seiplant = "seiplant"
    peak = "peak"
    window = "window"


class SignalSummary(str, Enum):
    mean = "mean"
    max = "max"


@app.command("check-names", help=CHECK_NAMES_HELP)
def check_names_cmd(
    fasta: Path = typer.Option(
        ..., "--fasta", help="Reference FASTA (its .fai is built if missing)."
    ),
    peaks: list[Path] = typer.Option(
        None, "--peaks", help="Peak file (BED/narrowPeak); repeatable."
    ),
    bigwig: list[Path] = typer.Option(None, "--bigwig", help="bigWig file; repeatable."),
    gff: Path = typer.Option(None, "--gff", help="GFF3 annotation."),
    name_map: Path = typer.Option(None, "--name-map", help=NAME_MAP_HELP),
    out_report: Path = typer.Option(
        ...,
        "--out-report",
        help="Report TSV: file, kind, chrom, status (ok, mapped:NAME, missing).",
    ),
) -> None:
    """Check that every chromosome named in the peaks, bigWigs and GFF3 exists in the FASTA."""
    files = [(p, "peaks") for p in peaks or []] + [(b, "bigwig") for b in bigwig or []]
    files += [(gff, "gff")] if gff else []
    check_names(fasta, files, out_report, name_map)


@app.command("merge-peaks", help=MERGE_HELP)
def merge_peaks_cmd(
    peaks: list[Path] = typer.Argument(..., help="Peak files (BED3+ or narrowPeak, .gz allowed)."),
    mark: str = typer.Option(
        ..., "--mark", help="Mark name (used in logs; the output is <MARK>.merged.bed)."
    ),
    sizes: Path = typer.Option(..., "--sizes", help="Chromosome sizes TSV 'chrom<TAB>length'."),
    name_map: Path = typer.Option(None, "--name-map", help=NAME_MAP_HELP),
    out: Path = typer.Option(
        ..., "--out", help="Merged BED3, sorted in FASTA order then by start."
    ),
) -> None:
    """Merge the peak files of one mark like 'bedtools merge'."""
    chrom_sizes = read_sizes(sizes)
    mapping = read_name_map(name_map)
    frames = [read_peaks(path, chrom_sizes, mapping) for path in peaks]
    merged = merge_peaks(frames, order=chrom_sizes)
    write_bed3(merged, out)
    log.info(
        "%s: %d peaks from %d file(s) merged into %d intervals covering %d bp",
        mark,
        sum(len(f) for f in frames),
        len(frames),
        len(merged),
        int((merged["end"] - merged["start"]).sum()),
    )


@app.command("labels", help=LABELS_HELP)
def labels_cmd(
    windows: Path = typer.Option(..., "--windows", help="Windows BED (from 'prep windows')."),
    peaks: list[Path] = typer.Option(
        ..., "--peaks", help="Merged peaks <MARK>.merged.bed; repeatable."
    ),
    signal: list[Path] = typer.Option(
        None, "--signal", help="Signal bigWig <MARK>.bw; repeatable."
    ),
    tags: Path = typer.Option(
        None, "--tags", help="Channel order, one mark per line (default: sorted marks)."
    ),
    name_map: Path = typer.Option(None, "--name-map", help=NAME_MAP_HELP),
    min_overlap: float = typer.Option(0.5, "--min-overlap", help="Overlap fraction f, 0 < f <= 1."),
    overlap_mode: OverlapMode = typer.Option(
        OverlapMode.seiplant,
        "--overlap-mode",
        help="seiplant: some peak overlaps >= f*min(peak, window); peak: >= f*peak; "
        "window: peak-covered bases >= f*window.",
    ),
    signal_summary: SignalSummary = typer.Option(
        SignalSummary.mean,
        "--signal-summary",
        help="Per-window bigWig summary; bases without data count as 0.",
    ),
    out_prefix: Path = typer.Option(
        ...,
        "--out-prefix",
        help="Writes PREFIX.labels.npy (uint8), "
        "PREFIX.signal.npy (float32) and tags.txt / signal_tags.txt beside.",
    ),
) -> None:
    """Label every window per mark from its merged peaks; summarise signal bigWigs."""
    if not 0.0 < min_overlap <= 1.0:
        raise typer.BadParameter("must be in (0, 1]", param_hint="--min-overlap")
    build_labels(
        windows,
        peaks,
        out_prefix,
        signal or [],
        tags,
        read_name_map(name_map),
        overlap_mode.value,
        min_overlap,
        signal_summary.value,
    )


@app.command("promoters", help=PROMOTERS_HELP)
def promoters_cmd(
    gff: Path = typer.Option(..., "--gff", help="GFF3 with gene, mRNA and CDS features."),
    fasta: Path = typer.Option(..., "--fasta", help="Reference FASTA (same chromosome names)."),
    upstream: int = typer.Option(
        2000, "--upstream", min=0, help="Bases upstream of the start codon."
    ),
    downstream: int = typer.Option(
        500, "--downstream", min=0, help="Bases downstream of the A of ATG."
    ),
    name_map: Path = typer.Option(None, "--name-map", help=NAME_MAP_HELP),
    out_prefix: Path = typer.Option(
        ..., "--out-prefix", help="Writes PREFIX.bed, .tsv, .fa, .report.tsv."
    ),
) -> None:
    """Promoters around each gene's start codon, strand-aware."""
    annotation = rename_annotation(read_gff(gff), read_name_map(name_map))
    table, report = compute_promoters(annotation, fasta_sizes(fasta), upstream, downstream)
    write_promoters(table, report, fasta, out_prefix)
