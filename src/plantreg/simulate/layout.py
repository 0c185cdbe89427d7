"""Where things go on each chromosome: genes, regulatory elements, repeats and N runs.

A chromosome is filled left to right with slots (gene + promoter element, distal enhancers, repeat,
N run) separated by random spacers. Nothing overlaps, so every planted motif survives intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from plantreg.simulate.genes import GeneModel, sample_structure
from plantreg.simulate.motifs import Motif
from plantreg.simulate.presets import SimConfig

_FLANK = 15  # bp of element beyond its outermost motifs


@dataclass
class Site:
    tf: str
    start: int  # genomic, filled when the element is placed
    strand: str
    # pairs grammar only: the unit the site belongs to (index in its element), the unit's kind
    # (pair, a decoy kind or neutral) and the mark whose rule the unit's motifs belong to
    unit: int = -1
    unit_kind: str = ""
    mark: str = ""


@dataclass
class Element:
    element_id: str
    chrom: str
    start: int
    end: int
    kind: str  # promoter | enhancer
    sites: list[Site]
    gene_id: str = ""
    module: int = -1


@dataclass
class ChromPlan:
    name: str
    length: int
    genes: list[GeneModel] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)
    repeats: list[tuple[int, int]] = field(default_factory=list)
    nruns: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Cluster:
    """Motif sites relative to the cluster start; ``length`` includes the flanks."""

    sites: list[Site]
    length: int


def random_cluster(
    motifs: list[Motif], rng: np.random.Generator, n_range: tuple[int, int], max_gap: int
) -> Cluster:
    n = int(rng.integers(n_range[0], n_range[1] + 1))
    pos, sites = _FLANK, []
    for _ in range(n):
        m = motifs[int(rng.integers(len(motifs)))]
        sites.append(Site(m.tf, pos, "+" if rng.random() < 0.5 else "-"))
        pos += m.length + int(rng.integers(3, max_gap))
    last = sites[-1]
    return Cluster(sites, last.start + _len(motifs, last.tf) + _FLANK)


def module_cluster(tfs: list[str], motifs: list[Motif], rng: np.random.Generator) -> Cluster:
    """The module's TFs packed in random order and orientation inside one 50 bp window."""
    order = [tfs[i] for i in rng.permutation(len(tfs))]
    lens = [_len(motifs, t) for t in order]
    slack = 50 - sum(lens)
    gaps = np.diff(np.concatenate([[0], np.sort(rng.integers(0, slack + 1, len(order))), [slack]]))
    pos, sites = _FLANK + int(gaps[0]), []
    for tf, n, g in zip(order, lens, gaps[1:], strict=True):
        sites.append(Site(tf, pos, "+" if rng.random() < 0.5 else "-"))
        pos += n + int(g)
    return Cluster(sites, 50 + 2 * _FLANK)


def _len(motifs: list[Motif], tf: str) -> int:
    return next(m.length for m in motifs if m.tf == tf)


def _place(cluster: Cluster, chrom: str, start: int, kind: str, eid: str) -> Element:
    sites = [replace(s, start=start + s.start) for s in cluster.sites]
    return Element(eid, chrom, start, start + cluster.length, kind, sites)


class ChromBuilder:
    """Fills one chromosome; gene promoter clusters are handed in by the caller (modules)."""

    def __init__(self, cfg: SimConfig, name: str, length: int, index: int, motifs: list[Motif],
                 rng: np.random.Generator) -> None:
        self.cfg, self.motifs, self.rng = cfg, motifs, rng
        self.plan = ChromPlan(name, length)
        self.index = index
        self.cursor = 0
        self.n_genes = 0
        self.n_elements = 0

    def _gene_id(self) -> str:
        self.n_genes += 1
        return f"SA{self.index}G{self.n_genes * 10:05d}"

    def _element_id(self) -> str:
        self.n_elements += 1
        return f"{self.plan.name}_E{self.n_elements:05d}"

    def add_gene(self, cluster: Cluster | None, strand: str, coding: bool,
                 structure: tuple | None = None) -> GeneModel:
        exons, cds = structure or sample_structure(self.rng, coding)
        gene = GeneModel(self._gene_id(), self.plan.name, strand, exons, cds)
        gap = int(self.rng.integers(30, 250))  # element end .. TSS
        if strand == "+":
            if cluster is not None:
                self._add_element(cluster, self.cursor, "promoter", gene)
                self.cursor += cluster.length + gap
            gene.origin = self.cursor
            self.cursor += gene.span
        else:
            gene.origin = self.cursor + gene.span
            self.cursor = gene.origin
            if cluster is not None:
                self.cursor += gap
                self._add_element(cluster, self.cursor, "promoter", gene)
                self.cursor += cluster.length
        self.plan.genes.append(gene)
        return gene

    def _add_element(self, cluster: Cluster, start: int, kind: str, gene: GeneModel | None) -> None:
        el = _place(cluster, self.plan.name, start, kind, self._element_id())
        if gene is not None:
            el.gene_id = gene.gene_id
        self.plan.elements.append(el)

    def add_enhancers(self) -> None:
        for _ in range(int(self.rng.integers(1, 4))):
            cl = random_cluster(self.motifs, self.rng, (1, 4), 180)
            self._add_element(cl, self.cursor, "enhancer", None)
            self.cursor += cl.length + int(self.rng.integers(150, 700))

    def add_repeat(self) -> None:
        n = int(self.rng.integers(150, 2500))
        self.plan.repeats.append((self.cursor, self.cursor + n))
        self.cursor += n

    def add_nrun(self) -> None:
        n = int(self.rng.integers(100, 1500))
        self.plan.nruns.append((self.cursor, self.cursor + n))
        self.cursor += n

    def space(self) -> None:
        self.cursor += int(self.rng.integers(*self.cfg.spacer))

    def room(self, need: int) -> bool:
        return self.cursor + need < self.plan.length
