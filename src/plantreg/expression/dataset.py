"""``plantreg expression dataset``: sequences and targets of several species in one folder.

Per species: genes of the GFF3 joined to the expression table (every gene lost on the way is
counted by reason), a chromosome split of that species' genome (automatic, as PREPARE_DATA picks
it: held-out chromosomes, never random genes), optionally whole gene families kept on one side,
and the target ``log1p`` of the max or mean over tissues (or every tissue), standardised per
species with statistics fitted on that species' training genes only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.expression import families as fam
from plantreg.expression.sequences import extract_codes, gene_anchors
from plantreg.expression.table import read_expression_table
from plantreg.genome.fasta import open_fasta
from plantreg.genome.gff import read_gff
from plantreg.genome.promoters import window_table
from plantreg.genome.split import SETS, make_split
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

TARGETS = ("max", "mean", "tissues")


@dataclass(frozen=True)
class SpeciesInput:
    name: str
    fasta: str
    gff: str
    table: str
    valid_chroms: tuple[str, ...] = ()  # held-out chromosomes; empty: chosen automatically
    test_chroms: tuple[str, ...] = ()


@dataclass
class DatasetSettings:
    upstream: int = 2000
    downstream: int = 1000
    anchor: str = "tss"
    target: str = "max"
    families: str | None = None
    seed: int = 0


@dataclass
class ExpressionData:
    codes: np.ndarray
    target: np.ndarray
    raw: np.ndarray
    species: np.ndarray
    split: np.ndarray
    gene_id: np.ndarray
    genes: pd.DataFrame
    meta: dict
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)

    def rows(self, split: str) -> np.ndarray:
        return np.flatnonzero(self.split == SETS.index(split))


def _targets(table: pd.DataFrame, mode: str) -> tuple[np.ndarray, list[str]]:
    values = np.log1p(table.drop(columns="gene_id").to_numpy(np.float64))
    if mode == "tissues":
        return values, [c for c in table.columns if c != "gene_id"]
    reduce = np.max if mode == "max" else np.mean
    return reduce(values, axis=1, keepdims=True), [mode]


def _species_genes(sp: SpeciesInput, settings: DatasetSettings,
                   sizes: dict[str, int]) -> tuple[pd.DataFrame, np.ndarray, list[str], dict]:
    """Genes of one species with a window and a target; the counts of what was dropped."""
    annotation = read_gff(sp.gff)
    anchors, dropped = gene_anchors(annotation, settings.anchor)
    unknown = sorted(set(anchors["chrom"]) - set(sizes))
    if unknown:
        raise InputError(f"chromosome(s) not in {sp.fasta}: {', '.join(unknown[:5])}", sp.gff)
    table, bad = read_expression_table(sp.table)
    dropped.update(bad)
    in_gff = table["gene_id"].isin(set(annotation.genes["gene_id"]))
    if not in_gff.any():
        raise InputError(f"no gene ID of the table is a gene of {sp.gff} (e.g. "
                         f"{table['gene_id'].iloc[0]!r}); the IDs must match the GFF3's", sp.table)
    dropped["table ID not a gene of the GFF3"] = int((~in_gff).sum())
    dropped["gene without an expression value"] = int(
        (~annotation.genes["gene_id"].isin(set(table["gene_id"]))).sum())
    table = table[in_gff]
    genes = anchors.merge(table[["gene_id"]], on="gene_id")
    table = table.set_index("gene_id").loc[genes["gene_id"]].reset_index()
    target, outputs = _targets(table, settings.target)
    genes = window_table(genes, sizes, settings.upstream, settings.downstream)
    return genes, target, outputs, dropped


def _split_genes(genes: pd.DataFrame, sizes: dict[str, int], sp: SpeciesInput,
                 families: dict[str, str] | None) -> tuple[np.ndarray, dict, int]:
    species = sp.name
    try:
        split = make_split(sizes, list(sp.valid_chroms), list(sp.test_chroms))
    except InputError as err:
        if sp.valid_chroms or sp.test_chroms:  # the user's lists: make_split's own words
            raise InputError(f"{species}: {err}", sp.fasta) from err
        raise InputError(f"{species}: cannot hold out a validation and a test chromosome "
                         f"(at least three chromosomes of a tenth of the largest one's length "
                         f"are needed; or give valid_chroms and test_chroms): {len(sizes)} "
                         f"sequence(s)", sp.fasta) from err
    role = {c: SETS.index(s) for s in SETS for c in split[s]}
    codes = genes["chrom"].map(role).fillna(-1).to_numpy(np.int8)
    moved = 0
    if families is not None:
        codes, moved = fam.keep_families_apart(genes["gene_id"].to_numpy(), codes, families)
    log.info("%s split: train %s, valid %s, test %s", species, split["train"], split["valid"],
             split["test"])
    return codes, split, moved


def _scale(target: np.ndarray, split: np.ndarray) -> tuple[np.ndarray, dict]:
    train = target[split == 0]
    if len(train) < 2:
        raise InputError("fewer than 2 training genes: cannot fit the target scaling")
    mean, sd = train.mean(axis=0), train.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (target - mean) / sd, {"mean": mean.tolist(), "sd": sd.tolist()}


def build_dataset(species: list[SpeciesInput], settings: DatasetSettings) -> ExpressionData:
    """Read every species, split, scale; nothing is written."""
    if len({s.name for s in species}) != len(species):
        raise InputError("species names must be unique")
    families = fam.read_families(settings.families) if settings.families else None
    parts, report, scaling, splits, sizes_all, outputs_all = [], [], {}, {}, {}, None
    for k, sp in enumerate(species):
        with open_fasta(sp.fasta) as genome:
            sizes = dict(zip(genome.references, genome.lengths, strict=True))
        genes, raw, outputs, dropped = _species_genes(sp, settings, sizes)
        if outputs_all is not None and outputs != outputs_all:
            raise InputError(f"tissue columns {outputs} differ from the first species' "
                             f"{outputs_all} (needed with target 'tissues')", sp.table)
        outputs_all = outputs
        split, splits[sp.name], moved = _split_genes(genes, sizes, sp, families)
        dropped["family held out on another chromosome set"] = moved
        keep = split >= 0
        genes, raw, split = genes[keep].reset_index(drop=True), raw[keep], split[keep]
        scaled, scaling[sp.name] = _scale(raw, split)
        codes = extract_codes(sp.fasta, genes, settings.upstream, settings.downstream)
        genes = genes.assign(species=sp.name, split=[SETS[s] for s in split],
                             target_raw=raw.mean(axis=1), target_scaled=scaled.mean(axis=1))
        parts.append((codes, scaled, raw, np.full(len(genes), k), split, genes))
        report += [(sp.name, "used", len(genes))] + [(sp.name, r, n) for r, n in dropped.items()]
        sizes_all[sp.name] = sizes
        log.info("%s: %d genes used; dropped: %s", sp.name, len(genes),
                 ", ".join(f"{n} {r}" for r, n in dropped.items() if n) or "none")
    codes, scaled, raw, sp_idx, split, genes = (
        [p[i] for p in parts] for i in range(6))
    meta = {"species": [s.name for s in species], "upstream": settings.upstream,
            "downstream": settings.downstream, "anchor": settings.anchor,
            "target": settings.target, "outputs": outputs_all,
            "length": settings.upstream + settings.downstream + 1, "scaling": scaling,
            "splits": splits, "report": report, "seed": settings.seed}
    table = pd.concat(genes, ignore_index=True)
    return ExpressionData(np.concatenate(codes), np.concatenate(scaled).astype(np.float32),
                          np.concatenate(raw).astype(np.float32), np.concatenate(sp_idx),
                          np.concatenate(split).astype(np.int8),
                          table["gene_id"].to_numpy(str), table, meta, sizes_all)


GENE_COLUMNS = ["gene_id", "species", "chrom", "strand", "anchor", "start", "end", "pad_5p",
                "pad_3p", "split", "target_raw", "target_scaled"]


def write_dataset(data: ExpressionData, outdir: str | Path) -> None:
    """The dataset folder (each file written atomically)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "dataset.npz") as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, codes=data.codes, target=data.target, raw=data.raw,
                            species=data.species, split=data.split, gene_id=data.gene_id)
    with atomic_open(out / "genes.tsv") as handle:
        data.genes[GENE_COLUMNS].to_csv(handle, sep="\t", index=False, float_format="%.5g")
    meta = {k: v for k, v in data.meta.items() if k not in ("scaling", "report")}
    with atomic_open(out / "meta.json") as handle:
        json.dump(meta, handle, indent=2)
    with atomic_open(out / "scaling.json") as handle:
        json.dump(data.meta["scaling"], handle, indent=2)
    report = pd.DataFrame(data.meta["report"], columns=["species", "reason", "count"])
    with atomic_open(out / "report.tsv") as handle:
        report.to_csv(handle, sep="\t", index=False)
    sizes = pd.DataFrame([(s, c, n) for s, d in data.sizes.items() for c, n in d.items()],
                         columns=["species", "chrom", "length"])
    with atomic_open(out / "chrom_sizes.tsv") as handle:
        sizes.to_csv(handle, sep="\t", index=False)


def load_dataset(folder: str | Path) -> ExpressionData:
    """Read a dataset folder written by :func:`write_dataset`."""
    folder = Path(folder)
    for name in ("dataset.npz", "genes.tsv", "meta.json", "scaling.json", "chrom_sizes.tsv"):
        if not (folder / name).is_file():
            raise InputError(f"not an expression dataset folder: {name} missing", folder)
    with np.load(folder / "dataset.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads((folder / "meta.json").read_text())
    meta["scaling"] = json.loads((folder / "scaling.json").read_text())
    sizes_df = pd.read_csv(folder / "chrom_sizes.tsv", sep="\t", dtype={"chrom": str})
    sizes = {s: dict(zip(g["chrom"], g["length"].astype(int), strict=True))
             for s, g in sizes_df.groupby("species")}
    genes = pd.read_csv(folder / "genes.tsv", sep="\t", dtype={"gene_id": str, "chrom": str})
    return ExpressionData(arrays["codes"], arrays["target"], arrays["raw"], arrays["species"],
                          arrays["split"], arrays["gene_id"].astype(str), genes, meta, sizes)
