"""The pairs grammar (preset ``grammar``): each element mark is set by one ordered motif pair.

Rules (a mode of the simulator chosen by ``SimConfig.grammar == "pairs"``):
- Ten TFs form five pairs (first, second), one pair per element mark (ATAC, H3K27AC, H3K4ME1,
  H3K4ME3, H3K9AC), each with its own spacing; the remaining TFs are neutral binders.
- An element carries mark M iff it holds M's first motif and M's second motif on the same strand,
  the second following the first on that strand, its start exactly ``spacing(M)`` bp after the
  first motif's end (on '-' the second motif therefore lies to the left in genome coordinates).
- Nothing else sets an element mark: not a single motif, not the pair at another spacing, in the
  other order or on opposite strands. Decoy elements hold such decoy units only and carry no mark;
  they are at least as many as the real elements, and every mark has at least as many single-motif
  decoys as planted pairs.
- Mark intervals: the element +-150 bp (ATAC +-50 bp), whatever the element's kind. H3K36ME3: the
  3' three quarters of the body of expressed genes; a gene expresses when its promoter element
  carries H3K4ME3 (module genes always hold that pair, beside their module's neutral TFs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from plantreg.simulate.genes import GeneModel
from plantreg.simulate.grammar import (
    ELEMENT_MARKS,
    finish_intervals,
    gene_body_intervals,
    interval_part,
)
from plantreg.simulate.layout import _FLANK, ChromBuilder, Cluster, Element, Site, module_cluster
from plantreg.simulate.motifs import Motif
from plantreg.simulate.presets import SimConfig

DECOY_KINDS = ("single_first", "single_second", "wrong_spacing", "swapped", "opposite_strand")
SINGLE_KINDS = ("single_first", "single_second")
_DECOY_P = (0.25, 0.25, 0.2, 0.15, 0.15)
_UNIT_GAP = (15, 120)  # bp between neighbouring units of one element
_ENHANCER_GAP = (400, 1000)  # bp between the enhancers of one slot: marks stay apart
FLANKS = {"ATAC": 50}  # bp added on both sides of a marked element; 150 for the others
_DEFAULT_FLANK = 150


@dataclass(frozen=True)
class PairRule:
    mark: str
    first: str
    second: str
    spacing: int  # bp between the first motif's end and the second motif's start (same strand)
    first_len: int
    second_len: int


def assign_pair_roles(motifs: list[Motif]) -> list[Motif]:
    """The first ten selected motifs become the paired TFs (role ``pair``), the others neutral."""
    n = 2 * len(ELEMENT_MARKS)
    return [replace(m, role="pair" if i < n else "neutral") for i, m in enumerate(motifs)]


def pair_rules(motifs: list[Motif], cfg: SimConfig) -> list[PairRule]:
    paired = [m for m in motifs if m.role == "pair"]
    return [
        PairRule(mark, paired[2 * i].tf, paired[2 * i + 1].tf, cfg.pairs.spacings[i],
                 paired[2 * i].length, paired[2 * i + 1].length)
        for i, mark in enumerate(ELEMENT_MARKS)
    ]


def holds_pair(sites, rule: PairRule) -> bool:
    """Whether ``sites`` (objects with tf, start, strand) hold ``rule``'s pair as the rule says."""
    firsts = [s for s in sites if s.tf == rule.first]
    seconds = [s for s in sites if s.tf == rule.second]
    for a in firsts:
        for b in seconds:
            if a.strand != b.strand:
                continue
            gap = b.start - (a.start + rule.first_len) if a.strand == "+" else (
                a.start - (b.start + rule.second_len))
            if gap == rule.spacing:
                return True
    return False


def _unit(rule: PairRule, kind: str, k: int, rng: np.random.Generator) -> tuple[list[Site], int]:
    """Sites of one pair or decoy unit, relative to the unit start, and the unit's span."""
    a, b, d = rule.first_len, rule.second_len, rule.spacing
    s = "+" if rng.random() < 0.5 else "-"
    other = "-" if s == "+" else "+"

    def site(tf: str, pos: int, strand: str) -> Site:
        return Site(tf, pos, strand, k, kind, rule.mark)

    if kind == "wrong_spacing":
        d = d + int(rng.integers(6, 25)) * (1 if rng.random() < 0.5 or d < 31 else -1)
    if kind in ("pair", "wrong_spacing"):
        sites = ([site(rule.first, 0, "+"), site(rule.second, a + d, "+")] if s == "+" else
                 [site(rule.second, 0, "-"), site(rule.first, b + d, "-")])
    elif kind == "swapped":  # the second motif ahead of the first, on their common strand
        sites = ([site(rule.second, 0, "+"), site(rule.first, b + d, "+")] if s == "+" else
                 [site(rule.first, 0, "-"), site(rule.second, a + d, "-")])
    elif kind == "opposite_strand":
        sites = [site(rule.first, 0, s), site(rule.second, a + d, other)]
    elif kind == "single_first":
        sites = [site(rule.first, 0, s)]
    elif kind == "single_second":
        sites = [site(rule.second, 0, s)]
    else:
        raise ValueError(kind)
    length = {rule.first: a, rule.second: b}
    return sites, max(x.start + length[x.tf] for x in sites)


def _assemble(units: list[tuple[list[Site], int]], rng: np.random.Generator) -> Cluster:
    """Units in random order, apart by random gaps; sites numbered by their unit's position."""
    pos, sites = _FLANK, []
    for k, i in enumerate(rng.permutation(len(units))):
        unit_sites, span = units[int(i)]
        if k:
            pos += int(rng.integers(*_UNIT_GAP))
        sites += [replace(x, start=pos + x.start, unit=k) for x in unit_sites]
        pos += span
    return Cluster(sites, pos + _FLANK)


class PairSlots:
    """Fills gene and enhancer slots under the pairs grammar (see :mod:`plantreg.simulate.plan`).

    Keeps genome-wide counts so that decoy elements stay at least as many as real ones and every
    mark gets at least as many single-motif decoys as planted pairs."""

    def __init__(self, cfg: SimConfig, motifs: list[Motif], modules: list, queue: list[int]):
        self.cfg, self.pc, self.motifs = cfg, cfg.pairs, motifs
        self.modules, self.queue = modules, queue
        self.rules = {r.mark: r for r in pair_rules(motifs, cfg)}
        self.neutral = [m for m in motifs if m.role == "neutral"]
        self.n_real = dict.fromkeys(ELEMENT_MARKS, 0)
        self.n_single = dict.fromkeys(ELEMENT_MARKS, 0)
        self.n_real_elements = 0
        self.n_decoy_elements = 0

    def _choose_real(self, rng: np.random.Generator) -> bool:
        want = rng.random() < self.pc.real_fraction
        return bool(want and self.n_decoy_elements >= 1.1 * self.n_real_elements + 5)

    def _real_marks(self, rng: np.random.Generator, n: int, forced: tuple[str, ...]) -> list[str]:
        marks = list(forced)
        while len(marks) < n:
            cands = [m for m in ELEMENT_MARKS if m not in marks]
            low = min(self.n_real[m] for m in cands)
            w = np.array([1.0 / (1 + self.n_real[m] - low) for m in cands])
            marks.append(cands[int(rng.choice(len(cands), p=w / w.sum()))])
        return marks

    def _decoy_units(self, rng: np.random.Generator, n: int, exclude: list[str], k0: int) -> list:
        cands = [m for m in ELEMENT_MARKS if m not in exclude]
        n = min(n, len(cands))
        w = np.array([1.0 + max(self.n_real[m] - self.n_single[m], 0) for m in cands])
        chosen = [cands[int(i)] for i in rng.choice(len(cands), n, replace=False, p=w / w.sum())]
        units = []
        for j, mark in enumerate(chosen):
            if self.n_single[mark] < self.n_real[mark] + 2:
                kind = SINGLE_KINDS[int(rng.integers(2))]
            else:
                kind = DECOY_KINDS[int(rng.choice(len(DECOY_KINDS), p=_DECOY_P))]
            self.n_single[mark] += kind in SINGLE_KINDS
            units.append(_unit(self.rules[mark], kind, k0 + j, rng))
        return units

    def _neutral_units(self, rng: np.random.Generator) -> list:
        lo, hi = self.pc.neutral_sites
        units = []
        for _ in range(int(rng.integers(lo, hi + 1))):
            m = self.neutral[int(rng.integers(len(self.neutral)))]
            strand = "+" if rng.random() < 0.5 else "-"
            units.append(([Site(m.tf, 0, strand, -1, "neutral", "")], m.length))
        return units

    def element(self, rng: np.random.Generator, real: bool, forced: tuple[str, ...] = (),
                extra: list | None = None) -> Cluster:
        units = list(extra or [])
        if real:
            n = 2 if rng.random() < self.pc.two_pair_fraction else 1
            marks = self._real_marks(rng, max(n, len(forced)), forced)
            for m in marks:
                self.n_real[m] += 1
                units.append(_unit(self.rules[m], "pair", -1, rng))
            n_decoy = int(rng.random() < self.pc.extra_decoy_fraction)
            self.n_real_elements += 1
        else:
            marks = []
            n_decoy = int(rng.integers(self.pc.decoy_units[0], self.pc.decoy_units[1] + 1))
            self.n_decoy_elements += 1
        units += self._decoy_units(rng, n_decoy, marks, -1)
        units += self._neutral_units(rng)
        return _assemble(units, rng)

    def gene(self, b: ChromBuilder) -> GeneModel:
        rng, cfg = b.rng, self.cfg
        strand = "+" if rng.random() < 0.5 else "-"
        coding = rng.random() >= cfg.noncoding_fraction
        module = -1
        cluster: Cluster | None = None
        if coding and self.queue and rng.random() < cfg.module_gene_fraction:
            module = self.queue.pop()
            mod = module_cluster(self.modules[module].tfs, self.motifs, rng)
            sites = [replace(s, start=s.start - _FLANK, unit_kind="module") for s in mod.sites]
            cluster = self.element(rng, True, ("H3K4ME3",), [(sites, mod.length - 2 * _FLANK)])
        elif rng.random() >= cfg.no_promoter_fraction:
            cluster = self.element(rng, self._choose_real(rng))
        gene = b.add_gene(cluster, strand, coding)
        gene.attrs["module"] = module
        if cluster is not None:
            b.plan.elements[-1].module = module
        return gene

    def enhancers(self, b: ChromBuilder) -> None:
        for _ in range(int(b.rng.integers(1, 4))):
            cl = self.element(b.rng, self._choose_real(b.rng))
            b._add_element(cl, b.cursor, "enhancer", None)
            b.cursor += cl.length + int(b.rng.integers(*_ENHANCER_GAP))


def pair_elements_table(elements: list[Element], rules: list[PairRule]) -> pd.DataFrame:
    """One row per element: its planted pairs and decoys, and the marks the rules give it."""
    rows = []
    for el in elements:
        units: dict[int, tuple[str, str]] = {}
        for s in el.sites:
            if s.mark:
                units[s.unit] = (s.mark, s.unit_kind)
        pairs = sorted(m for m, k in units.values() if k == "pair")
        decoys = sorted(f"{m}:{k}" for m, k in units.values() if k != "pair")
        rows.append(
            dict(id=el.element_id, chrom=el.chrom, start=el.start, end=el.end, kind=el.kind,
                 gene_id=el.gene_id, module=el.module, tfs=",".join(s.tf for s in el.sites),
                 pairs=",".join(pairs), decoys=",".join(decoys),
                 decoy=int(not pairs and bool(decoys)),
                 **{r.mark: int(holds_pair(el.sites, r)) for r in rules})
        )
    return pd.DataFrame(rows)


def pair_sites_table(elements: list[Element], motifs: list[Motif]) -> pd.DataFrame:
    """Every planted motif with its unit (``<element>_U<k>``), unit kind and the unit's mark."""
    length = {m.tf: m.length for m in motifs}
    rows = [
        dict(site_id=f"{el.element_id}_S{i}", element_id=el.element_id, tf=s.tf, chrom=el.chrom,
             start=s.start, end=s.start + length[s.tf], strand=s.strand,
             unit=f"{el.element_id}_U{s.unit}", unit_kind=s.unit_kind, mark=s.mark)
        for el in elements for i, s in enumerate(el.sites)
    ]
    return pd.DataFrame(rows)


def units_table(sites: pd.DataFrame, rules: list[PairRule]) -> pd.DataFrame:
    """Planted pairs and decoys (from a sites table): span, strand of the first motif (of the
    single one), and the gap between the two motifs (-1 for single-motif decoys)."""
    first = {r.mark: r.first for r in rules}
    rows = []
    for unit, g in sites[sites["mark"] != ""].groupby("unit", sort=False):
        g = g.sort_values("start")
        lead = g[g["tf"] == first[g["mark"].iloc[0]]]
        strand = (lead if len(lead) else g)["strand"].iloc[0]
        gap = int(g["start"].iloc[1] - g["end"].iloc[0]) if len(g) == 2 else -1
        rows.append(dict(unit=unit, element_id=g["element_id"].iloc[0], mark=g["mark"].iloc[0],
                         kind=g["unit_kind"].iloc[0], chrom=g["chrom"].iloc[0],
                         start=int(g["start"].min()), end=int(g["end"].max()), strand=strand,
                         gap=gap))
    return pd.DataFrame(rows, columns=["unit", "element_id", "mark", "kind", "chrom", "start",
                                       "end", "strand", "gap"])


def rules_table(rules: list[PairRule], motifs: list[Motif]) -> pd.DataFrame:
    by_tf = {m.tf: m for m in motifs}
    return pd.DataFrame([
        dict(mark=r.mark, first=r.first, second=r.second, spacing=r.spacing,
             first_jaspar=by_tf[r.first].jaspar_id, second_jaspar=by_tf[r.second].jaspar_id,
             first_consensus=by_tf[r.first].consensus,
             second_consensus=by_tf[r.second].consensus)
        for r in rules
    ])


def pair_mark_intervals(
    elements: pd.DataFrame, genes: pd.DataFrame, sizes: dict[str, int]
) -> pd.DataFrame:
    """Columns mark, chrom, start, end, source: marked elements +- their flank, expressed genes'
    bodies for H3K36ME3."""
    parts = []
    for mark in ELEMENT_MARKS:
        a = elements[elements[mark] == 1]
        flank = FLANKS.get(mark, _DEFAULT_FLANK)
        parts.append(interval_part(mark, a, a["start"] - flank, a["end"] + flank))
    parts.append(gene_body_intervals(genes))
    return finish_intervals(parts, sizes)
