"""The simulator's expression set (assets/test_data/expression): levels follow the planted sites'
effects, the sites are in the genome where the truth says, upstream of their gene's TSS, and the
two species differ in composition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pysam
from scipy.stats import spearmanr

from tests.simulate.conftest import COMMITTED, gff_table

SET = COMMITTED / "expression"
_RC = str.maketrans("ACGT", "TGCA")


def _sites() -> pd.DataFrame:
    acting = pd.read_csv(SET / "truth" / "sites.tsv", sep="\t")
    decoys = pd.read_csv(SET / "truth" / "decoys.tsv", sep="\t")
    return pd.concat([acting, decoys], ignore_index=True)


def test_expression_follows_the_planted_effects() -> None:
    sites = _sites()
    effects = pd.read_csv(SET / "truth" / "effects.tsv", sep="\t")
    assert set(effects.loc[effects["log2_effect"] < 0, "kind"]) == {"repressor"}
    assert (effects["kind"] == "repressor").sum() == 2
    assert (sites["log2_effect"] == sites["tf"].map(
        dict(zip(effects["tf"], effects["log2_effect"], strict=True)))).all()
    for species in ("speciesA", "speciesB"):
        tpm = pd.read_csv(SET / species / "tpm.tsv", sep="\t").set_index("gene_id")
        shift = sites[sites["species"] == species].groupby("gene_id")["log2_effect"].sum()
        level = np.log2(tpm.max(axis=1))
        assert spearmanr(shift.reindex(level.index).fillna(0), level)[0] > 0.9


def test_sites_are_in_the_genome_upstream_of_their_tss() -> None:
    sites = _sites()
    consensus = pd.read_csv(COMMITTED / "motifs" / "motifs.tsv", sep="\t").set_index("tf")
    for species in ("speciesA", "speciesB"):
        genes = gff_table(SET / species / "genes.gff3")
        genes = genes[genes["type"] == "gene"].set_index("id")
        fasta = pysam.FastaFile(str(SET / species / "genome.fa"))
        mine = sites[sites["species"] == species]
        identity = []
        for row in mine.itertuples():
            seq = fasta.fetch(row.chrom, row.start, row.end)
            seq = seq if row.strand == "+" else seq[::-1].translate(_RC)
            word = consensus.loc[row.tf, "consensus"]
            identity.append(np.mean([a == b for a, b in zip(seq, word, strict=True)]))
            gene = genes.loc[row.gene_id]
            tss = gene["start"] if gene["strand"] == "+" else gene["end"] - 1
            upstream = tss - row.end if gene["strand"] == "+" else row.start - tss
            assert 30 <= upstream < 400, (row.gene_id, upstream)
        assert np.mean(identity) > 0.8


def test_species_differ_in_gc() -> None:
    gc = {}
    for species in ("speciesA", "speciesB"):
        fasta = pysam.FastaFile(str(SET / species / "genome.fa"))
        seq = "".join(fasta.fetch(c) for c in fasta.references).upper()
        gc[species] = (seq.count("G") + seq.count("C")) / len(seq)
    assert gc["speciesB"] - gc["speciesA"] > 0.04
