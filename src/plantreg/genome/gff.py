"""A GFF3 reader for what promoters need: genes, their transcripts and the transcripts' CDS.

Hierarchy: gene → transcript (any feature whose Parent is a gene: mRNA, transcript, ...) → CDS
(Parent = transcript, or directly the gene). Gene features are ``gene``, ``pseudogene`` and any
``*_gene`` type. Coordinates are converted to 0-based half-open. A CDS line may share its ID with
other CDS lines (one CDS split over exons, as GFF3 allows); only gene IDs must be unique.
Bad input (a malformed line, duplicate gene IDs, no CDS anywhere) raises :class:`InputError`.
"""

from __future__ import annotations

import gzip
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from plantreg.errors import InputError

log = logging.getLogger(__name__)

STRANDS = ("+", "-", ".", "?")
_MAX_DEPTH = 4  # gene → transcript → (sub-feature) → CDS is as deep as real annotations go


def is_gene_type(kind: str) -> bool:
    return kind in ("gene", "pseudogene") or kind.endswith("_gene")


@dataclass
class Annotation:
    """Genes (file order) and the CDS parts of their transcripts, 0-based half-open."""

    path: str
    genes: pd.DataFrame  # gene_id chrom start end strand
    cds: pd.DataFrame  # gene_id transcript_id transcript_order chrom start end


@dataclass
class _Raw:
    genes: list[tuple[str, str, int, int, str]]
    parents: dict[str, list[str]]  # non-gene feature ID -> Parent IDs
    first_seen: dict[str, int]  # feature ID -> line number (transcript order)
    cds: list[tuple[list[str], str, int, int, int]]  # parents chrom start end line


def parse_attributes(text: str, number: int, path: str | Path) -> dict[str, str]:
    """``key=value;key=value`` (values still comma-joined where GFF3 allows lists)."""
    attrs: dict[str, str] = {}
    if text.strip() in ("", "."):
        return attrs
    for piece in text.strip().split(";"):
        if not piece.strip():
            continue
        key, sep, value = piece.partition("=")
        if not sep:
            raise InputError(f"line {number}: attribute {piece.strip()!r} is not key=value", path)
        attrs[key.strip()] = value.strip()
    return attrs


def _fields(line: str, number: int, path: str | Path) -> tuple[list[str], int, int]:
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != 9:
        raise InputError(
            f"line {number}: expected 9 tab-separated columns, found {len(fields)}", path
        )
    try:
        start, end = int(fields[3]), int(fields[4])
    except ValueError as err:
        raise InputError(
            f"line {number}: start/end {fields[3]!r}, {fields[4]!r} are not integers", path
        ) from err
    if start < 1 or start > end:
        raise InputError(f"line {number}: need 1 <= start <= end, got {start}..{end}", path)
    if fields[6] not in STRANDS:
        raise InputError(f"line {number}: strand {fields[6]!r} is not one of + - . ?", path)
    return fields, start, end


def _read_raw(path: str | Path) -> _Raw:
    raw = _Raw([], {}, {}, [])
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith("##FASTA"):
                    break
                if line.strip() and not line.startswith("#"):
                    _add_line(raw, line, number, path)
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"cannot read the GFF3 ({err})", path) from err
    return raw


def _add_line(raw: _Raw, line: str, number: int, path: str | Path) -> None:
    fields, start, end = _fields(line, number, path)
    attrs = parse_attributes(fields[8], number, path)
    ident = unquote(attrs["ID"]) if "ID" in attrs else None
    parents = [unquote(p) for p in attrs.get("Parent", "").split(",") if p]
    if is_gene_type(fields[2]):
        if ident is None:
            raise InputError(f"line {number}: {fields[2]} feature has no ID attribute", path)
        raw.genes.append((ident, fields[0], start - 1, end, fields[6]))
    elif fields[2] == "CDS":
        raw.cds.append((parents, fields[0], start - 1, end, number))
    elif ident is not None and parents:
        raw.parents.setdefault(ident, parents)
    if ident is not None:
        raw.first_seen.setdefault(ident, number)


def _gene_of(feature: str, gene_ids: set[str], parents: dict[str, list[str]]) -> str | None:
    for _ in range(_MAX_DEPTH):
        if feature in gene_ids:
            return feature
        up = parents.get(feature)
        if not up:
            return None
        feature = up[0]
    return None


def _cds_table(raw: _Raw, gene_ids: set[str]) -> tuple[pd.DataFrame, int]:
    rows, orphans = [], 0
    for parents, chrom, start, end, number in raw.cds:
        resolved = False
        for parent in parents:
            gene = _gene_of(parent, gene_ids, raw.parents)
            if gene is not None:
                order = raw.first_seen.get(parent, number)
                rows.append((gene, parent, order, chrom, start, end))
                resolved = True
        orphans += not resolved
    columns = ["gene_id", "transcript_id", "transcript_order", "chrom", "start", "end"]
    return pd.DataFrame(rows, columns=columns), orphans


def rename_annotation(annotation: Annotation, mapping: dict[str, str]) -> Annotation:
    """The annotation with its chromosome names renamed through a name map (others kept), as
    ``prep check-names`` and the track readers rename them."""
    if not mapping:
        return annotation
    from plantreg.genome.names import apply_name_map

    return Annotation(annotation.path, apply_name_map(annotation.genes, mapping),
                      apply_name_map(annotation.cds, mapping))


def read_gff(path: str | Path) -> Annotation:
    """Parse a GFF3 file; see the module doc for what is kept and what is an error."""
    raw = _read_raw(path)
    genes = pd.DataFrame(raw.genes, columns=["gene_id", "chrom", "start", "end", "strand"])
    if genes.empty:
        raise InputError("no gene features in the GFF3", path)
    counts = Counter(genes["gene_id"])
    duplicated = [g for g, n in counts.items() if n > 1]
    if duplicated:
        raise InputError(
            f"{len(duplicated)} duplicate gene ID(s), e.g. {', '.join(duplicated[:5])}", path
        )
    cds, orphans = _cds_table(raw, set(genes["gene_id"]))
    if orphans:
        log.warning(
            "%s: %d CDS line(s) whose Parent is no gene or transcript (ignored)", path, orphans
        )
    if cds.empty:
        raise InputError(
            f"none of the {len(genes)} genes has a CDS (a GFF3 with CDS is needed)", path
        )
    log.info("%s: %d genes, %d CDS parts", path, len(genes), len(cds))
    return Annotation(str(path), genes, cds)
