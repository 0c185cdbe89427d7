"""Write one species' folder (genome, GFF3, peaks, signal, DAP-seq, expression, samplesheet).

Species-agnostic: species A and species B go through the same function with their own genome,
gene features, elements and genes; each track draws from its own seeded generator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.simulate import coexpression, dapseq
from plantreg.simulate.genes import write_gff3
from plantreg.simulate.grammar import mark_intervals
from plantreg.simulate.motifs import Motif, kmer_index
from plantreg.simulate.presets import MARKS, PEAK_SAMPLES, SimConfig
from plantreg.simulate.sequence import to_codes, write_fasta
from plantreg.simulate.tracks import (
    interval_signal,
    noisy_counts,
    observe_peaks,
    write_bigwig,
    write_narrowpeak,
)

log = logging.getLogger(__name__)

_PEAKS, _SIGNAL, _DAP, _EXPR, _PAIRS, _NP, _TFPEAKS = range(1, 8)


@dataclass
class SpeciesData:
    name: str  # folder name: speciesA / speciesB
    key: int  # seed stream of this species
    genome: dict[str, np.ndarray]
    features: pd.DataFrame  # GFF rows: id parent type chrom start end strand gene_id
    elements: pd.DataFrame  # grammar.elements_table columns (+ lost for B)
    genes: pd.DataFrame  # genes_table + module, promoter_element, expressed
    sites: pd.DataFrame | None = None  # pairs grammar: planted sites with their units

    @property
    def sizes(self) -> dict[str, int]:
        return {c: int(s.size) for c, s in self.genome.items()}


def child_rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def write_tsv(path: Path, df: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, sep="\t", index=False, lineterminator="\n")


def write_species(root: Path, sp: SpeciesData, motifs: list[Motif], cfg: SimConfig, seed: int,
                  profiles: np.ndarray) -> dict[str, pd.DataFrame]:
    """Write ``root/<sp.name>/``; return the truth tables that belong under ``truth/``."""
    out = root / sp.name
    for sub in ("peaks", "signal", "dapseq", "tfpeaks", "expression", "coexpression"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    write_fasta(out / "genome.fa", sp.genome)
    write_gff3(out / "genes.gff3", sp.features, sp.sizes, "plantreg_sim")
    marks = mark_intervals(cfg.grammar, sp.elements, sp.genes, sp.sizes)
    rows = _write_peaks(out, sp, marks, cfg, seed)
    rows += _write_signal(out, sp, marks, cfg, seed)
    rows += _write_dapseq(out, sp, motifs, cfg, seed)
    tpm = coexpression.tpm_table(sp.genes, profiles, child_rng(seed, sp.key, _EXPR))
    write_tsv(out / "expression" / "tpm.tsv", tpm)
    truth = coexpression.true_pairs(sp.genes)
    reported, withheld, false = coexpression.reported_pairs(
        sp.genes, truth, cfg.withheld_pair_fraction, cfg.false_pair_fraction,
        child_rng(seed, sp.key, _PAIRS))
    write_tsv(out / "coexpression" / "pairs.tsv", reported)
    sheet = pd.DataFrame(rows, columns=["sample", "mark", "type", "file"])
    sheet.to_csv(out / "samplesheet.csv", index=False, lineterminator="\n")
    log.info("%s: %d genes, %d elements, %d true mark intervals, %d reported pairs", sp.name,
             len(sp.genes), len(sp.elements), len(marks), len(reported))
    return {"marks": marks, "pairs_true": truth, "pairs_withheld": withheld,
            "pairs_false": false}


def _write_peaks(out: Path, sp: SpeciesData, marks: pd.DataFrame, cfg: SimConfig,
                 seed: int) -> list[tuple]:
    rows = []
    for i, (mark, tissue, rep) in enumerate(PEAK_SAMPLES):
        sample = f"{mark}_{tissue}_rep{rep}"
        rng = child_rng(seed, sp.key, _PEAKS, i)
        peaks = observe_peaks(marks[marks["mark"] == mark], sp.sizes, cfg.noise, rng)
        rel = f"peaks/{sample}.narrowPeak"
        write_narrowpeak(out / rel, peaks, sample, child_rng(seed, sp.key, _NP, i))
        rows.append((sample, mark, "peaks", rel))
    return rows


def _write_signal(out: Path, sp: SpeciesData, marks: pd.DataFrame, cfg: SimConfig,
                  seed: int) -> list[tuple]:
    rows = []
    for i, mark in enumerate(MARKS):
        rng = child_rng(seed, sp.key, _SIGNAL, i)
        iv = marks[marks["mark"] == mark]
        amp = rng.lognormal(np.log(10.0), 0.5, len(iv))
        values = {
            c: noisy_counts(interval_signal(iv, c, n, cfg.bin_size, amp),
                            cfg.signal_background, rng)
            for c, n in sp.sizes.items()
        }
        rel = f"signal/{mark}.bw"
        write_bigwig(out / rel, sp.sizes, values, cfg.bin_size)
        rows.append((f"{mark}_leaf_signal", mark, "signal", rel))
    return rows


def _write_dapseq(out: Path, sp: SpeciesData, motifs: list[Motif], cfg: SimConfig,
                  seed: int) -> list[tuple]:
    rows, tf_rows = [], []
    # k-mer indices shared by all TFs (int16, 2 bytes per base of the genome)
    kidx = {c: kmer_index(to_codes(s)) for c, s in sp.genome.items()}
    for i, m in enumerate(motifs):
        rng = child_rng(seed, sp.key, _DAP, i)
        depth = float(rng.lognormal(np.log(25.0), 0.6))
        background = float(rng.uniform(0.5, 2.0)) * cfg.signal_background
        values = {c: dapseq.dap_bins(s, m, cfg.bin_size, depth, background, rng, kidx[c])
                  for c, s in sp.genome.items()}
        rel = f"dapseq/{m.tf}.bw"
        write_bigwig(out / rel, sp.sizes, values, cfg.bin_size)
        rows.append((f"{m.tf}_dapseq", m.tf, "dapseq", rel))
        _write_tf_peaks(out / "tfpeaks" / f"{m.tf}.narrowPeak", sp, m, depth, kidx,
                        child_rng(seed, sp.key, _TFPEAKS, i))
        tf_rows.append((f"{m.tf}_tfpeaks", m.tf, "tfpeaks", f"tfpeaks/{m.tf}.narrowPeak"))
    rng = child_rng(seed, sp.key, _DAP, len(motifs))
    values = {c: dapseq.input_bins(s, cfg.bin_size, rng) for c, s in sp.genome.items()}
    write_bigwig(out / "dapseq" / "input.bw", sp.sizes, values, cfg.bin_size)
    rows.append(("input", "input", "control", "dapseq/input.bw"))
    return rows + tf_rows


def _write_tf_peaks(path: Path, sp: SpeciesData, motif: Motif, depth: float,
                    kidx: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """The TF's DAP-seq peak calls with summits (TRAIN_TFBS reads them)."""
    frames = [dapseq.dap_peaks(c, s, motif, depth, rng, kidx[c]) for c, s in sp.genome.items()]
    table = pd.concat(frames, ignore_index=True)
    table.to_csv(path, sep="\t", header=False, index=False, lineterminator="\n")
