"""Simulator presets: every knob of the synthetic genome pair, as plain dataclasses.

``test`` is tiny (its output is committed under ``assets/test_data/``); ``bench`` is tens of Mb per
species and generated on demand. Both use the ``roles`` grammar (activator and pioneer TFs, see
:mod:`plantreg.simulate.grammar`). ``grammar`` (4 x 1 Mb, for CI) uses the ``pairs`` grammar
instead: each element mark is set by an ordered motif pair at a fixed spacing, beside
single-motif decoys (see :mod:`plantreg.simulate.pairs`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from plantreg.errors import InputError

# Marks written as narrowPeak: (mark, tissue, replicate). Two replicates / two tissues for some
# marks so that merging is exercised downstream.
PEAK_SAMPLES: tuple[tuple[str, str, int], ...] = (
    ("ATAC", "leaf", 1),
    ("ATAC", "leaf", 2),
    ("H3K27AC", "leaf", 1),
    ("H3K27AC", "root", 1),
    ("H3K36ME3", "leaf", 1),
    ("H3K4ME1", "leaf", 1),
    ("H3K4ME3", "leaf", 1),
    ("H3K4ME3", "leaf", 2),
    ("H3K9AC", "leaf", 1),
)
MARKS: tuple[str, ...] = ("ATAC", "H3K27AC", "H3K36ME3", "H3K4ME1", "H3K4ME3", "H3K9AC")
EXPRESSION_TISSUES: tuple[str, ...] = ("leaf", "root", "flower", "seed", "stem")


@dataclass(frozen=True)
class NoiseConfig:
    miss_rate: float = 0.08  # fraction of true intervals missing from one replicate
    false_rate: float = 0.05  # false peaks per true interval
    jitter_sd: float = 25.0  # bp, boundary jitter of observed peaks


GRAMMARS: tuple[str, ...] = ("roles", "pairs")


@dataclass(frozen=True)
class PairGrammarConfig:
    """Knobs of the ``pairs`` grammar: one motif pair per element mark, in ``ELEMENT_MARKS``
    order."""

    spacings: tuple[int, ...] = (12, 21, 33, 44, 57)  # bp, first motif's end to second's start
    real_fraction: float = 0.45  # elements holding >= 1 real pair; the others are decoy elements
    two_pair_fraction: float = 0.25  # real elements holding the pairs of two marks
    extra_decoy_fraction: float = 0.5  # real elements that also hold a decoy of another mark
    decoy_units: tuple[int, int] = (1, 3)  # inclusive range of decoy units per decoy element
    neutral_sites: tuple[int, int] = (0, 2)  # inclusive range of neutral motifs per element


@dataclass(frozen=True)
class SimConfig:
    preset: str
    chrom_lengths: tuple[int, ...]
    n_tfs: int
    n_activators: int
    n_pioneers: int
    n_modules: int
    module_size: tuple[int, int]  # inclusive range of genes per module
    module_gene_fraction: float  # fraction of coding genes that belong to a module
    n_nruns_per_chrom: int
    n_repeat_families: int
    slot_probs: tuple[float, float, float] = (0.56, 0.34, 0.10)  # gene, enhancers, repeat
    spacer: tuple[int, int] = (50, 400)
    noncoding_fraction: float = 0.04
    no_promoter_fraction: float = 0.25  # non-module genes without any promoter element
    bin_size: int = 10  # signal and DAP-seq bigWig bins
    signal_background: float = 0.05  # Poisson mean per bin outside peaks
    withheld_pair_fraction: float = 0.3
    false_pair_fraction: float = 0.05  # false pairs added, relative to the reported true pairs
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    jaspar_release: str = "JASPAR2026"
    # Plant only matrices that their own sites tell from every JASPAR sibling (simulate/
    # identifiable.py), so "the discovered motif's best match is the planted one" can be scored.
    identifiable_motifs: bool = False
    grammar: str = "roles"  # rule set that decides the marks: roles | pairs
    pairs: PairGrammarConfig | None = None  # the pairs grammar's knobs (grammar == "pairs")

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.grammar == "roles":  # the default rule set: config.json stays as it always was
            del d["grammar"], d["pairs"]
        if not self.identifiable_motifs:  # nor for presets that plant any matrix
            del d["identifiable_motifs"]
        return d


PRESETS: dict[str, SimConfig] = {
    "test": SimConfig(
        preset="test",
        chrom_lengths=(210_000, 185_000, 165_000, 150_000),
        n_tfs=12,
        n_activators=5,
        n_pioneers=3,
        n_modules=14,
        module_size=(6, 14),
        module_gene_fraction=0.6,
        n_nruns_per_chrom=2,
        n_repeat_families=5,
        bin_size=50,  # keeps the committed bigWigs small
        identifiable_motifs=True,  # CI scores TFBS motif discovery on this preset
    ),
    "bench": SimConfig(
        preset="bench",
        chrom_lengths=(6_000_000,) * 5,
        n_tfs=36,
        n_activators=14,
        n_pioneers=8,
        n_modules=160,
        module_size=(8, 30),
        module_gene_fraction=0.45,
        n_nruns_per_chrom=8,
        n_repeat_families=20,
    ),
    "grammar": SimConfig(
        preset="grammar",
        chrom_lengths=(1_000_000,) * 4,
        n_tfs=16,  # 10 paired TFs (two per element mark) and 6 neutral binders
        n_activators=0,
        n_pioneers=0,
        n_modules=24,
        module_size=(6, 14),
        module_gene_fraction=0.4,
        n_nruns_per_chrom=2,
        n_repeat_families=8,
        slot_probs=(0.40, 0.52, 0.08),
        spacer=(200, 600),  # keeps each element's sites out of its neighbours' mark intervals
        grammar="pairs",
        pairs=PairGrammarConfig(),
    ),
}


def get_preset(name: str) -> SimConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise InputError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}") from None
