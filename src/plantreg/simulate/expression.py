"""The expression set (``expression/`` of a simulated folder): two species whose genes' expression
is set by planted promoter sites with known effects, for TRAIN_EXPRESSION and EXPLAIN.

Its own small genomes (one gene unit after another) rather than the chromatin genome pair: an
expression model needs hundreds of genes per species and species that differ in composition, as
real ones do (species B is GC-richer), where the chromatin pair has 256 near-identical orthologs.

Every gene gets 1–4 sites of the simulated TFs 30–400 bp upstream of its TSS, in either
orientation. log2 expression = base + the sum of its sites' effects + gene noise: each activator
site raises it, the two repressors lower it, the other TFs' sites are decoys with no effect.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.genome.fasta import index_fasta
from plantreg.simulate.genes import coding_sequence
from plantreg.simulate.motifs import Motif, reverse_complement_codes, sample_site
from plantreg.simulate.presets import EXPRESSION_TISSUES
from plantreg.simulate.sequence import ASCII, random_bases, write_fasta

log = logging.getLogger(__name__)

N_REPRESSORS = 2
ACTIVATOR_LOG2 = (0.9, 1.6)
REPRESSOR_LOG2 = (-2.0, -1.4)
SPECIES = (("speciesA", "SA", "Chr", 0.64), ("speciesB", "SB", "chr0", 0.56))  # name, prefix, AT


@dataclass(frozen=True)
class ExpressionSetConfig:
    n_chroms: int = 4
    genes_per_chrom: tuple[int, ...] = (170, 160, 150, 140)
    upstream: int = 500  # sequence laid before each TSS (the sites sit in 30..400 of it)
    site_offsets: tuple[int, int] = (30, 400)
    sites_per_gene: tuple[int, int] = (1, 4)
    base_log2: float = 3.0
    gene_noise_sd: float = 0.35
    tissue_noise_sd: float = 0.25


EXPRESSION_SETS = {
    "test": ExpressionSetConfig(),
    "bench": ExpressionSetConfig(n_chroms=5, genes_per_chrom=(2000,) * 5),
}


def expression_effects(motifs: list[Motif], rng: np.random.Generator) -> pd.DataFrame:
    """``tf, kind, log2_effect`` per TF: activators > 0, two neutral TFs < 0, the rest 0."""
    neutral = [m.tf for m in motifs if m.role == "neutral"]
    repressors = set(rng.choice(neutral, min(N_REPRESSORS, len(neutral)), replace=False))
    rows = []
    for m in motifs:
        if m.role == "activator":
            kind, effect = "activator", rng.uniform(*ACTIVATOR_LOG2)
        elif m.tf in repressors:
            kind, effect = "repressor", rng.uniform(*REPRESSOR_LOG2)
        else:
            kind, effect = "decoy", 0.0
        rows.append((m.tf, kind, round(float(effect), 3)))
    return pd.DataFrame(rows, columns=["tf", "kind", "log2_effect"])


def _site_offsets(cfg: ExpressionSetConfig, lengths: list[int],
                  rng: np.random.Generator) -> list[int]:
    """Non-overlapping offsets upstream of the TSS (site end ≥ 30 bp before it)."""
    chosen: list[tuple[int, int]] = []
    for length in lengths:
        for _ in range(50):
            off = int(rng.integers(cfg.site_offsets[0] + length, cfg.site_offsets[1]))
            if all(off <= a - 3 or off - length >= b + 3 for a, b in chosen):
                chosen.append((off, off - length))
                break
    return [a for a, _ in chosen]


def _gene_unit(cfg: ExpressionSetConfig, motifs: list[Motif], at: float,
               rng: np.random.Generator) -> tuple[np.ndarray, list[tuple], tuple[int, int, int]]:
    """One gene in its own orientation: upstream + 5′UTR + CDS + 3′UTR + spacer (ASCII), its
    sites ``(tf, start, end, strand)`` relative to the unit, and (utr5, cds_len, utr3)."""
    utr5, utr3 = int(rng.integers(40, 120)), int(rng.integers(30, 100))
    cds = np.frombuffer(coding_sequence(rng, int(rng.integers(40, 90)) * 3), dtype=np.uint8)
    spacer = int(rng.integers(30, 150))
    unit = random_bases(rng, cfg.upstream + utr5 + len(cds) + utr3 + spacer, at=at)
    unit[cfg.upstream + utr5:cfg.upstream + utr5 + len(cds)] = cds
    n_sites = int(rng.integers(cfg.sites_per_gene[0], cfg.sites_per_gene[1] + 1))
    picked = [motifs[i] for i in rng.choice(len(motifs), n_sites, replace=False)]
    sites = []
    for motif, off in zip(picked, _site_offsets(cfg, [m.length for m in picked], rng),
                          strict=False):
        codes = sample_site(motif, rng)
        strand = "+" if rng.random() < 0.5 else "-"
        codes = codes if strand == "+" else reverse_complement_codes(codes)
        start = cfg.upstream - off
        unit[start:start + motif.length] = ASCII[codes]
        sites.append((motif.tf, start, start + motif.length, strand))
    return unit, sites, (utr5, len(cds), utr3)


_COMP = bytes.maketrans(b"ACGT", b"TGCA")


def _place(chrom: str, pos: int, unit: np.ndarray, strand: str, parts: tuple[int, int, int],
           upstream: int) -> tuple[np.ndarray, dict]:
    """The unit as laid on the chromosome at ``pos``, and its gene's genome coordinates."""
    utr5, cds, utr3 = parts
    body = (upstream, upstream + utr5 + cds + utr3)
    n = len(unit)
    if strand == "-":
        unit = np.frombuffer(unit.tobytes().translate(_COMP)[::-1], dtype=np.uint8)

    def to_genome(a: int, b: int) -> tuple[int, int]:
        return (pos + a, pos + b) if strand == "+" else (pos + n - b, pos + n - a)

    coords = {"gene": to_genome(*body),
              "utr5": to_genome(upstream, upstream + utr5),
              "cds": to_genome(upstream + utr5, upstream + utr5 + cds),
              "utr3": to_genome(upstream + utr5 + cds, body[1]), "to_genome": to_genome}
    return unit, coords


def _gff_lines(gid: str, chrom: str, strand: str, c: dict) -> list[str]:
    def row(kind: str, iv: tuple[int, int], attrs: str, phase: str = ".") -> str:
        return f"{chrom}\tplantreg_sim\t{kind}\t{iv[0] + 1}\t{iv[1]}\t.\t{strand}\t{phase}\t{attrs}"
    tx = f"{gid}.1"
    return [row("gene", c["gene"], f"ID={gid}"), row("mRNA", c["gene"], f"ID={tx};Parent={gid}"),
            row("exon", c["gene"], f"ID={tx}.exon1;Parent={tx}"),
            row("five_prime_UTR", c["utr5"], f"ID={tx}.utr5;Parent={tx}"),
            row("CDS", c["cds"], f"ID={tx}.cds;Parent={tx}", "0"),
            row("three_prime_UTR", c["utr3"], f"ID={tx}.utr3;Parent={tx}")]


def _species(cfg: ExpressionSetConfig, motifs: list[Motif], effects: dict[str, float],
             key: int, rng: np.random.Generator) -> tuple:
    name, prefix, chrom_prefix, at = SPECIES[key]
    genome, gff, sites, genes = {}, [], [], []
    for c in range(cfg.n_chroms):
        chrom = f"{chrom_prefix}{c + 1}"
        pieces, pos = [random_bases(rng, 200, at=at)], 200
        for g in range(cfg.genes_per_chrom[c % len(cfg.genes_per_chrom)]):
            gid = f"{prefix}X{c + 1}G{g + 1:04d}"
            unit, unit_sites, parts = _gene_unit(cfg, motifs, at, rng)
            strand = "+" if rng.random() < 0.5 else "-"
            placed, coords = _place(chrom, pos, unit, strand, parts, cfg.upstream)
            gff += _gff_lines(gid, chrom, strand, coords)
            for tf, a, b, site_strand in unit_sites:
                lo, hi = coords["to_genome"](a, b)
                flip = {"+": "-", "-": "+"}[site_strand] if strand == "-" else site_strand
                sites.append((name, gid, tf, chrom, lo, hi, flip, effects[tf]))
            genes.append((gid, sum(effects[s[0]] for s in unit_sites)))
            pieces.append(placed)
            pos += len(placed)
        pieces.append(random_bases(rng, 200, at=at))
        genome[chrom] = np.concatenate(pieces)
    return name, genome, gff, sites, genes


def _tpm(genes: list[tuple], cfg: ExpressionSetConfig, rng: np.random.Generator) -> pd.DataFrame:
    shift = np.array([s for _, s in genes])
    level = cfg.base_log2 + shift + rng.normal(0, cfg.gene_noise_sd, len(genes))
    tissue = rng.normal(0, 0.5, len(EXPRESSION_TISSUES))
    log2 = level[:, None] + tissue[None] + rng.normal(0, cfg.tissue_noise_sd,
                                                      (len(genes), len(EXPRESSION_TISSUES)))
    out = pd.DataFrame((2.0**log2).round(3), columns=list(EXPRESSION_TISSUES))
    out.insert(0, "gene_id", [g for g, _ in genes])
    return out


def write_expression_set(root: Path, preset: str, motifs: list[Motif], seed: int,
                         rng_for) -> None:
    """Write ``root/expression/`` (species sheet, two species, truth); ``rng_for(*keys)`` gives
    the seeded generator of each part."""
    cfg = EXPRESSION_SETS.get(preset)
    if cfg is None:
        return
    out = root / "expression"
    effects = expression_effects(motifs, rng_for(0))
    effect = dict(zip(effects["tf"], effects["log2_effect"], strict=True))
    sheet, all_sites = [], []
    for key in range(len(SPECIES)):
        name, genome, gff, sites, genes = _species(cfg, motifs, effect, key, rng_for(1, key))
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        write_fasta(folder / "genome.fa", genome)
        index_fasta(folder / "genome.fa")
        header = ["##gff-version 3"] + [f"##sequence-region {c} 1 {len(s)}"
                                        for c, s in genome.items()]
        (folder / "genes.gff3").write_text("\n".join(header + gff) + "\n")
        _tpm(genes, cfg, rng_for(2, key)).to_csv(folder / "tpm.tsv", sep="\t", index=False,
                                                  lineterminator="\n")
        sheet.append((name, f"{name}/genome.fa", f"{name}/genes.gff3", f"{name}/tpm.tsv"))
        all_sites += sites
        log.info("expression set %s: %d genes, %d planted sites", name, len(genes), len(sites))
    pd.DataFrame(sheet, columns=["species", "fasta", "gff", "expression"]).to_csv(
        out / "species.csv", index=False, lineterminator="\n")
    _write_truth(out / "truth", effects, all_sites, cfg, seed)


def _write_truth(d: Path, effects: pd.DataFrame, sites: list[tuple], cfg: ExpressionSetConfig,
                 seed: int) -> None:
    d.mkdir(parents=True, exist_ok=True)
    effects.to_csv(d / "effects.tsv", sep="\t", index=False, lineterminator="\n")
    table = pd.DataFrame(sites, columns=["species", "gene_id", "tf", "chrom", "start", "end",
                                         "strand", "log2_effect"])
    acting = table["log2_effect"] != 0
    table[acting].to_csv(d / "sites.tsv", sep="\t", index=False, lineterminator="\n")
    table[~acting].to_csv(d / "decoys.tsv", sep="\t", index=False, lineterminator="\n")
    (d / "config.json").write_text(json.dumps({"seed": seed, **asdict(cfg)}, indent=2) + "\n")
