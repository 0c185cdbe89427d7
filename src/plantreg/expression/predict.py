"""``plantreg expression predict``: expression of sequences (a FASTA) or of a dataset's genes,
in z-scores and in the original TPM scale of a species, with the species probabilities.

A FASTA sequence must be as long as the model's window, 5′→3′ of the gene with the anchor (TSS or
start codon) at position ``upstream``: anything else would be a different question.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pysam

from plantreg.errors import InputError
from plantreg.expression.dataset import load_dataset
from plantreg.expression.evaluate import predict_codes
from plantreg.expression.train import load_expression_model
from plantreg.genome.encode import encode
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

_BAD = re.compile(r"[^ACGTNacgtn]")


def read_sequences(path: str | Path, length: int, upstream: int) -> tuple[list[str], np.ndarray]:
    """Names and ``(n, length)`` codes of a FASTA; other letters than ACGTN or another length
    are refused naming the sequence."""
    path = Path(path)
    if not path.is_file():
        raise InputError("FASTA of sequences not found", path)
    names, rows = [], []
    try:
        with pysam.FastxFile(str(path)) as fasta:
            for record in fasta:
                seq = record.sequence or ""
                bad = _BAD.search(seq)
                if bad:
                    raise InputError(f"sequence {record.name!r} has the letter {bad.group()!r} "
                                     f"at position {bad.start() + 1} (only A, C, G, T, N)", path)
                if len(seq) != length:
                    raise InputError(
                        f"sequence {record.name!r} is {len(seq)} bp; the model reads {length} bp "
                        f"(5′→3′, anchor at position {upstream + 1})", path)
                names.append(record.name)
                rows.append(encode(seq))
    except OSError as err:
        raise InputError(f"cannot read as FASTA ({err})", path) from err
    if not rows:
        raise InputError("no sequence in the FASTA", path)
    return names, np.stack(rows)


def unscale(z: np.ndarray, scaling: dict, species: str) -> np.ndarray:
    stats = scaling[species]
    return np.expm1(z * np.asarray(stats["sd"]) + np.asarray(stats["mean"]))


def predict(checkpoint: str | Path, outdir: str | Path, fasta: str | Path | None = None,
            dataset: str | Path | None = None, genes: list[str] | None = None,
            species: str | None = None) -> pd.DataFrame:
    """Write ``outdir/predictions.tsv``; ``species`` picks the TPM scale (default: the most
    probable species of each sequence)."""
    model, ckpt = load_expression_model(checkpoint)
    names_species = list(ckpt.tags)
    if species is not None and species not in names_species:
        raise InputError(f"species {species!r} is not one the model knows "
                         f"({', '.join(names_species)})", checkpoint)
    meta = ckpt.config["dataset"]
    if fasta is not None:
        names, codes = read_sequences(fasta, int(meta["length"]), int(meta["upstream"]))
    elif dataset is not None and genes:
        names, codes = _dataset_genes(dataset, genes)
    else:
        raise InputError("give --fasta, or --dataset with --genes")
    z, prob = predict_codes(model, codes)
    table = _table(names, z, prob, names_species, meta["outputs"], ckpt.normalisation, species)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_open(out / "predictions.tsv") as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.5g")
    log.info("predicted %d sequence(s) into %s", len(table), out / "predictions.tsv")
    return table


def _dataset_genes(dataset: str | Path, genes: list[str]) -> tuple[list[str], np.ndarray]:
    data = load_dataset(dataset)
    index = {g: i for i, g in enumerate(data.gene_id)}
    missing = [g for g in genes if g not in index]
    if missing:
        raise InputError(f"{len(missing)} gene ID(s) not in the dataset, e.g. {missing[0]!r}",
                         dataset)
    return list(genes), data.codes[[index[g] for g in genes]]


def _table(names: list[str], z: np.ndarray, prob: np.ndarray, species: list[str],
           outputs: list[str], scaling: dict, fixed: str | None) -> pd.DataFrame:
    scale = [fixed or species[int(i)] for i in prob.argmax(axis=1)]
    table = pd.DataFrame({"id": names, "tpm_scale_of": scale})
    tpm = np.stack([unscale(z[i], scaling, s) for i, s in enumerate(scale)])
    for j, name in enumerate(outputs):
        table[f"z_{name}"] = z[:, j]
        table[f"tpm_{name}"] = tpm[:, j]
    for j, name in enumerate(species):
        table[f"p_{name}"] = prob[:, j]
    return table
