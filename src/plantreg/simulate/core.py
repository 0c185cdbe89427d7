"""Orchestration of ``plantreg simulate``: plan and render species A, evolve species B, write both
with their tracks, the alignment, the motifs and the truth. Deterministic from the seed."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.simulate import axt, evolve, pairs
from plantreg.simulate.coexpression import module_profiles
from plantreg.simulate.expression import write_expression_set
from plantreg.simulate.genes import feature_rows, genes_table
from plantreg.simulate.grammar import elements_table, sites_table
from plantreg.simulate.motifs import load_plant_motifs, select_motifs
from plantreg.simulate.outputs import SpeciesData, child_rng, write_species, write_tsv
from plantreg.simulate.plan import Module, plan_genome
from plantreg.simulate.presets import SimConfig, get_preset
from plantreg.simulate.readme import motifs_table, write_meme, write_readme
from plantreg.simulate.sequence import render, repeat_families
from plantreg.simulate.speciesb import (
    conservation_table,
    evolve_features,
    lift_elements,
    lift_genes,
    lift_sites,
    restore_start_codons,
)

log = logging.getLogger(__name__)


def simulate(preset: str, seed: int, outdir: Path, force: bool = False) -> Path:
    """Write the species pair into ``outdir`` via a temporary sibling folder renamed at the end."""
    cfg = get_preset(preset)
    outdir = Path(outdir)
    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())) and not force:
        raise InputError("output folder is not empty (use --force to replace it)", outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    try:
        generate(cfg, seed, tmp)
        tmp.chmod(0o755)
        if outdir.exists():
            shutil.rmtree(outdir) if outdir.is_dir() else outdir.unlink()
        os.replace(tmp, outdir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    log.info("simulated preset %s (seed %d) into %s", preset, seed, outdir)
    return outdir


def _species_a(cfg: SimConfig, seed: int, motifs: list, root: Path) -> tuple:
    plans, modules = plan_genome(cfg, motifs, child_rng(seed, 0, 2))
    fams = repeat_families(child_rng(seed, 0, 4), cfg.n_repeat_families)
    by_tf = {m.tf: m for m in motifs}
    genome = {p.name: render(p, by_tf, fams, child_rng(seed, 0, 3, i))
              for i, p in enumerate(plans)}
    gene_models = [g for p in plans for g in p.genes]
    elements = [e for p in plans for e in p.elements]
    features = pd.DataFrame([r for g in gene_models for r in feature_rows(g)])
    features["parent"] = features["parent"].fillna("")
    sites = None
    if cfg.grammar == "pairs":
        el = pairs.pair_elements_table(elements, pairs.pair_rules(motifs, cfg))
        sites = pairs.pair_sites_table(elements, motifs)
        write_tsv(root / "truth" / "sites.tsv", sites)
    else:
        el = elements_table(elements, motifs)
        write_tsv(root / "truth" / "sites.tsv", sites_table(elements, motifs))
    genes = _annotate_genes(genes_table(features), el, _expressed_by(cfg))
    return SpeciesData("speciesA", 0, genome, features, el, genes, sites), modules


def _expressed_by(cfg: SimConfig) -> str:
    """Element column whose value > 0 at a gene's promoter makes the gene express."""
    return "H3K4ME3" if cfg.grammar == "pairs" else "n_activators"


def _annotate_genes(genes: pd.DataFrame, elements: pd.DataFrame,
                    expressed_by: str = "n_activators") -> pd.DataFrame:
    """Module, promoter element and expression state of each gene, from its promoter element
    (a lost element in B leaves its gene out of the module and silent)."""
    prom = elements[elements["kind"] == "promoter"].set_index("gene_id")
    if "lost" not in prom:
        prom = prom.assign(lost=0)
    g = genes.join(prom[["id", "module", expressed_by, "lost"]], on="gene_id")
    alive = g["id"].notna() & (g["lost"] == 0)
    g["promoter_element"] = g["id"].fillna("")
    g["module"] = np.where(alive, g["module"].fillna(-1), -1).astype(int)
    g["expressed"] = (alive & (g[expressed_by] > 0)).astype(int)
    return g.drop(columns=["id", expressed_by, "lost"])


def _species_b(a: SpeciesData, cfg: SimConfig, seed: int,
               root: Path) -> tuple[SpeciesData, evolve.EvolvedSpecies]:
    feats = evolve_features(a.features, a.elements, a.sites)
    evolved = evolve.evolve_species(a.genome, feats, child_rng(seed, 1, 1))
    features = lift_genes(a.features, evolved)
    fixed = restore_start_codons(evolved.genome, features)
    log.info("species B: restored %d start codons hit by mutation", fixed)
    elements = lift_elements(a.elements, evolved, set(features["gene_id"]))
    genes = _annotate_genes(genes_table(features), elements, _expressed_by(cfg))
    sites = None if a.sites is None else lift_sites(a.sites, evolved, elements)
    axt.write_axtnet(root / "alignment" / "speciesA.speciesB.net.axt.gz", evolved, a.genome)
    return SpeciesData("speciesB", 1, evolved.genome, features, elements, genes, sites), evolved


def generate(cfg: SimConfig, seed: int, root: Path) -> None:
    motifs = select_motifs(load_plant_motifs(cfg.jaspar_release), cfg.n_tfs, cfg.n_activators,
                           cfg.n_pioneers, child_rng(seed, 0, 1), cfg.identifiable_motifs)
    if cfg.grammar == "pairs":
        motifs = pairs.assign_pair_roles(motifs)
    (root / "alignment").mkdir(parents=True, exist_ok=True)
    a, modules = _species_a(cfg, seed, motifs, root)
    b, evolved = _species_b(a, cfg, seed, root)
    profiles = module_profiles(len(modules), child_rng(seed, 0, 5))
    truth_a = write_species(root, a, motifs, cfg, seed, profiles)
    truth_b = write_species(root, b, motifs, cfg, seed, profiles)
    _write_truth(root / "truth", a, truth_a, modules)
    _write_truth(root / "truth" / "speciesB", b, truth_b, modules)
    _write_pair_truth(root / "truth", cfg, seed, motifs, a, b, evolved)
    if cfg.grammar == "pairs":
        _write_motif_pair_truth(root / "truth", cfg, motifs, a, b)
    (root / "motifs").mkdir(exist_ok=True)
    write_tsv(root / "motifs" / "motifs.tsv", motifs_table(motifs))
    write_meme(root / "motifs" / "motifs.meme", motifs, cfg.jaspar_release)
    write_expression_set(root, cfg.preset, motifs, seed, lambda *keys: child_rng(seed, 3, *keys))
    write_readme(root / "README.md", cfg, seed, motifs)


def _write_truth(d: Path, sp: SpeciesData, tables: dict[str, pd.DataFrame],
                 modules: list[Module]) -> None:
    write_tsv(d / "elements.tsv", sp.elements)
    write_tsv(d / "genes.tsv", sp.genes)
    mod = sp.genes[sp.genes["module"] >= 0].groupby("module")["gene_id"].agg(
        lambda s: ",".join(sorted(s)))
    write_tsv(d / "modules.tsv", pd.DataFrame(
        dict(module=[m.module for m in modules], tfs=[",".join(m.tfs) for m in modules],
             n_genes=[len(mod.get(m.module, "").split(",")) if m.module in mod else 0
                      for m in modules],
             genes=[mod.get(m.module, "") for m in modules])))
    for name, df in tables.items():
        write_tsv(d / f"{name}.tsv", df)


def _write_pair_truth(d: Path, cfg: SimConfig, seed: int, motifs: list, a: SpeciesData,
                      b: SpeciesData, evolved: evolve.EvolvedSpecies) -> None:
    write_tsv(d / "conservation.tsv", conservation_table(a.elements, b.elements))
    genes_b = set(b.genes["gene_id"])
    orth = pd.DataFrame(dict(gene_a=a.genes["gene_id"]))
    orth["gene_b"] = orth["gene_a"].map(lambda g: "SB" + g[2:]).where(
        orth["gene_a"].map(lambda g: "SB" + g[2:]).isin(genes_b), "")
    write_tsv(d / "orthologs.tsv", orth)
    write_tsv(d / "name_map.tsv", pd.DataFrame(list(evolved.name_map.items()),
                                               columns=["chrom_a", "chrom_b"]))
    write_tsv(d / "rearrangements.tsv", evolved.rearrangements)
    write_tsv(d / "tfs.tsv", pd.DataFrame(dict(tf=[m.tf for m in motifs],
                                               jaspar_id=[m.jaspar_id for m in motifs],
                                               role=[m.role for m in motifs],
                                               length=[m.length for m in motifs])))
    config = {"preset": cfg.preset, "seed": seed, "config": cfg.to_dict(),
              "evolve": vars(evolve.EvolveConfig())}
    (d / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def _write_motif_pair_truth(d: Path, cfg: SimConfig, motifs: list, a: SpeciesData,
                            b: SpeciesData) -> None:
    """Pairs grammar: the rules, and the planted pairs and decoys of A and of B (B's sites too)."""
    rules = pairs.pair_rules(motifs, cfg)
    write_tsv(d / "motif_pairs.tsv", pairs.rules_table(rules, motifs))
    write_tsv(d / "motif_units.tsv", pairs.units_table(a.sites, rules))
    write_tsv(d / "speciesB" / "sites.tsv", b.sites)
    write_tsv(d / "speciesB" / "motif_units.tsv", pairs.units_table(b.sites, rules))
