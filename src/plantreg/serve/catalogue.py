"""What the genome browser can show: each genome of a run and the tracks drawn on it.

Built once when the app starts, from the results folder and the run's parameters (genomes, GFF3s
and samplesheet tracks are inputs, not results). Every file the app will ever send is in
:attr:`Catalogue.files`, under a key of its own making: a URL never carries a path, so nothing
outside this list can be asked for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pysam
import yaml

log = logging.getLogger(__name__)

BIGWIG = (".bw", ".bigwig", ".bigWig")
# results files drawn on each genome (docs/output.md), glob → igv track kind
REFERENCE_RESULTS = (("train_conservation/track/conservation.bw", "wig"),
                     ("prepare_data/peaks/*.merged.bed", "annotation"))
TARGET_RESULTS = (("cross_species_inference/tracks/*.bw", "wig"),)
SPECIES_RESULTS = (("explain/merged/{species}.importance.bw", "wig"),)
CRE_BED = Path("explain/merged/cre.bed")


@dataclass
class Track:
    name: str
    url: str
    format: str
    type: str  # igv.js track type: wig or annotation
    visible: bool = True  # drawn when the genome opens (the run's results and the genes)


@dataclass
class Genome:
    id: str
    name: str
    fasta_url: str
    index_url: str
    tracks: list[Track] = field(default_factory=list)


@dataclass
class Catalogue:
    genomes: list[Genome]
    files: dict[str, Path]  # key → file; /files/{key}

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(g) for g in self.genomes]


def _key(*parts: str) -> str:
    return "/".join(re.sub(r"[^A-Za-z0-9._-]", "_", p) for p in parts)


class _Builder:
    def __init__(self, results: Path, launch_dir: Path, cache: Path) -> None:
        self.results, self.launch_dir, self.cache = results, launch_dir, cache
        self.files: dict[str, Path] = {}

    def add(self, key: str, path: Path) -> str:
        self.files[key] = path
        return f"/files/{key}"

    def input_path(self, value: Any) -> Path | None:
        if not value:
            return None
        path = Path(str(value))
        path = path if path.is_absolute() else self.launch_dir / path
        if not path.is_file():
            log.warning("serve: %s named by the run's parameters is not there; left out", path)
            return None
        return path.resolve()

    def genome(self, gid: str, name: str, fasta: Path | None) -> Genome | None:
        if fasta is None:
            return None
        index = self._fasta_index(gid, fasta)
        if index is None:
            return None
        return Genome(gid, name, self.add(_key(gid, fasta.name), fasta),
                      self.add(_key(gid, fasta.name + ".fai"), index))

    def _fasta_index(self, gid: str, fasta: Path) -> Path | None:
        beside = Path(f"{fasta}.fai")
        if beside.is_file() and not fasta.name.endswith(".gz"):
            return beside
        out = self.cache / gid / (fasta.name + ".fai")
        out.parent.mkdir(parents=True, exist_ok=True)
        try:  # written in the app's cache, never beside the user's genome
            pysam.faidx(str(fasta), "--fai-idx", str(out))
        except pysam.SamtoolsError:
            log.warning("serve: cannot index %s (a bgzip-compressed FASTA needs its .gzi); "
                        "genome left out", fasta)
            return None
        return out

    def result_tracks(self, genome: Genome, patterns: tuple, **fmt: str) -> None:
        for pattern, kind in patterns:
            for path in sorted(self.results.glob(pattern.format(**fmt))):
                self.file_track(genome, path, kind, prefix="results")

    def file_track(self, genome: Genome, path: Path, kind: str = "", prefix: str = "input",
                   name: str = "") -> None:
        fmt = _format(path)
        if fmt is None:
            return
        kind = kind or ("wig" if fmt == "bigwig" else "annotation")
        url = self.add(_key(genome.id, prefix, path.name), path)
        result = prefix == "results"
        name = name or _track_name(path) + ("" if result else f" ({fmt}, input)")
        genome.tracks.append(Track(name, url, fmt, kind, visible=result or name == "genes"))


def _format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(tuple(b.lower() for b in BIGWIG)):
        return "bigwig"
    for suffix, fmt in ((".narrowpeak", "narrowpeak"), (".bed", "bed"), (".gff3", "gff3"),
                        (".gff", "gff3"), (".bedgraph", "bedgraph")):
        if name.endswith(suffix):
            return fmt
    return None


def _track_name(path: Path) -> str:
    name = path.name
    if name.endswith(".merged.bed"):
        return name[: -len(".merged.bed")] + " peaks"
    for suffix in (".narrowPeak", ".bed", ".bw", ".bigWig", ".gff3", ".gff"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def latest_params(results: Path) -> Path | None:
    """The newest parameters file a run left in ``pipeline_info`` (YAML or JSON)."""
    info = results / "pipeline_info"
    found = [p for p in info.glob("params*") if p.suffix in (".yaml", ".yml", ".json")]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def build_catalogue(results: Path, params_file: Path | None, launch_dir: Path,
                    cache: Path) -> Catalogue:
    """Every genome of the run with its tracks; inputs that are missing are left out (logged)."""
    params: dict[str, Any] = {}
    if params_file is not None:
        params = yaml.safe_load(params_file.read_text()) or {}
    b = _Builder(results, launch_dir, cache)
    genomes: list[Genome] = []
    ref = b.genome("reference", "reference", b.input_path(params.get("fasta")))
    if ref is not None:
        gff = b.input_path(params.get("gff"))
        if gff is not None:
            b.file_track(ref, gff, "annotation", name="genes")
        b.result_tracks(ref, REFERENCE_RESULTS)
        for path in _samplesheet_files(b, params.get("input")):
            b.file_track(ref, path)
        genomes.append(ref)
    target = b.genome("target", "target", b.input_path(params.get("target_fasta")))
    if target is not None:
        b.result_tracks(target, TARGET_RESULTS)
        genomes.append(target)
    for species, fasta, gff in _species(b, params.get("expression_input")):
        genome = b.genome(_key(f"expr_{species}"), species, fasta)
        if genome is None:
            continue
        if gff is not None:
            b.file_track(genome, gff, "annotation", name="genes")
        b.result_tracks(genome, SPECIES_RESULTS, species=species)
        if (results / CRE_BED).is_file():
            genome.tracks.append(Track("CREs", f"/api/cre-bed/{species}", "bed", "annotation"))
        genomes.append(genome)
    log.info("serve: %d genome(s), %d file(s) to serve", len(genomes), len(b.files))
    return Catalogue(genomes, b.files)


def _samplesheet_files(b: _Builder, sheet: Any) -> list[Path]:
    path = b.input_path(sheet)
    if path is None:
        return []
    from plantreg.run.samplesheet import read_samplesheet

    return [Path(row.file) for row in read_samplesheet(path)]  # the reader checked they exist


def _species(b: _Builder, sheet: Any) -> list[tuple[str, Path | None, Path | None]]:
    path = b.input_path(sheet)
    if path is None:
        return []
    from plantreg.run.species_sheet import read_species_sheet

    return [(s.name, Path(s.fasta).resolve(), Path(s.gff).resolve())
            for s in read_species_sheet(path)]
