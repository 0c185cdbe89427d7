"""Plan species A: co-regulated modules (TF combinations) and the layout of every chromosome."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plantreg.simulate.genes import GeneModel, sample_structure
from plantreg.simulate.layout import (
    ChromBuilder,
    ChromPlan,
    Cluster,
    module_cluster,
    random_cluster,
)
from plantreg.simulate.motifs import Motif
from plantreg.simulate.presets import SimConfig

_TAIL = 9000  # bp kept free at the chromosome end for the final, end-hugging gene


@dataclass
class Module:
    module: int
    tfs: list[str]


def sample_modules(cfg: SimConfig, motifs: list[Motif], rng: np.random.Generator) -> list[Module]:
    """Distinct TF combinations of 2-3 TFs, each with at least one activator (so genes express).

    Under the pairs grammar the combinations are drawn from the neutral TFs only, so a module
    window never adds a motif of a mark's pair (module genes express through their promoter's
    H3K4ME3 pair instead, see :mod:`plantreg.simulate.pairs`)."""
    if cfg.grammar == "pairs":
        activators = everyone = [m.tf for m in motifs if m.role == "neutral"]
    else:
        activators = [m.tf for m in motifs if m.role == "activator"]
        everyone = [m.tf for m in motifs]
    seen: set[frozenset] = set()
    modules: list[Module] = []
    while len(modules) < cfg.n_modules:
        first = activators[int(rng.integers(len(activators)))]
        others = [t for t in everyone if t != first]
        k = int(rng.integers(1, 3))
        combo = [first] + [others[i] for i in rng.choice(len(others), k, replace=False)]
        key = frozenset(combo)
        if key not in seen:
            seen.add(key)
            modules.append(Module(len(modules), sorted(combo)))
    return modules


def _module_queue(cfg: SimConfig, modules: list[Module], rng: np.random.Generator) -> list[int]:
    lo, hi = cfg.module_size
    sizes = rng.integers(lo, hi + 1, len(modules))
    queue = np.repeat([m.module for m in modules], sizes)
    return [int(x) for x in rng.permutation(queue)]


def _edge_gene(b: ChromBuilder, strand: str) -> None:
    # A gene hugging a chromosome end: its promoter window is clipped there.
    if strand == "+":
        b.cursor = int(b.rng.integers(30, 300))
        b.add_gene(None, "+", True)
        return
    structure = sample_structure(b.rng, True)
    end = b.plan.length - int(b.rng.integers(20, 300))
    span = structure[0][-1][1]
    if end - span > b.cursor + 100:
        b.cursor = end - span
        b.add_gene(None, "-", True, structure)


class RoleSlots:
    """How gene and enhancer slots are filled under the roles grammar (the default)."""

    def __init__(self, cfg: SimConfig, motifs: list[Motif], modules: list[Module],
                 queue: list[int]) -> None:
        self.cfg, self.motifs, self.modules, self.queue = cfg, motifs, modules, queue

    def gene(self, b: ChromBuilder) -> GeneModel:
        return _gene_slot(b, self.cfg, self.motifs, self.modules, self.queue)

    def enhancers(self, b: ChromBuilder) -> None:
        b.add_enhancers()


def plan_chromosome(
    cfg: SimConfig, name: str, length: int, index: int, motifs: list[Motif],
    modules: list[Module], queue: list[int], rng: np.random.Generator, slots=None,
) -> ChromPlan:
    """Fill one chromosome; pops module memberships from ``queue`` as genes are placed.
    ``slots`` fills gene and enhancer slots (:class:`RoleSlots` unless given)."""
    slots = slots or RoleSlots(cfg, motifs, modules, queue)
    b = ChromBuilder(cfg, name, length, index, motifs, rng)
    _edge_gene(b, "+")
    n_marks = [int(length * (i + 1) / (cfg.n_nruns_per_chrom + 1)) for i in
               range(cfg.n_nruns_per_chrom)]
    p = np.array(cfg.slot_probs) / sum(cfg.slot_probs)
    while b.room(_TAIL):
        b.space()
        if n_marks and b.cursor > n_marks[0]:
            n_marks.pop(0)
            b.add_nrun()
            continue
        kind = int(rng.choice(3, p=p))
        if kind == 0:
            slots.gene(b)
        elif kind == 1:
            slots.enhancers(b)
        else:
            b.add_repeat()
    b.space()
    _edge_gene(b, "-")
    return b.plan


def _gene_slot(b: ChromBuilder, cfg: SimConfig, motifs: list[Motif], modules: list[Module],
               queue: list[int]) -> GeneModel:
    rng = b.rng
    strand = "+" if rng.random() < 0.5 else "-"
    coding = rng.random() >= cfg.noncoding_fraction
    module = -1
    cluster: Cluster | None = None
    if coding and queue and rng.random() < cfg.module_gene_fraction:
        module = queue.pop()
        cluster = module_cluster(modules[module].tfs, motifs, rng)
    elif rng.random() >= cfg.no_promoter_fraction:
        cluster = random_cluster(motifs, rng, (1, 3), 120)
    gene = b.add_gene(cluster, strand, coding)
    gene.attrs["module"] = module
    if cluster is not None:
        b.plan.elements[-1].module = module
    return gene


def plan_genome(
    cfg: SimConfig, motifs: list[Motif], rng: np.random.Generator
) -> tuple[list[ChromPlan], list[Module]]:
    modules = sample_modules(cfg, motifs, rng)
    queue = _module_queue(cfg, modules, rng)
    slots = None
    if cfg.grammar == "pairs":
        from plantreg.simulate.pairs import PairSlots

        slots = PairSlots(cfg, motifs, modules, queue)
    plans = [
        plan_chromosome(cfg, f"Chr{i}", n, i, motifs, modules, queue, rng, slots)
        for i, n in enumerate(cfg.chrom_lengths, 1)
    ]
    return plans, modules
