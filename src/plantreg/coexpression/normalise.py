"""Normalise promoter signal, each step optional and recorded with its fitted parameters.

In order: (1) depth scaling per TF, ``x / f_t`` with ``f_t = sumData_t / mean_t' sumData_t'``
(the bigWig's total signal, so values keep their average unit); (2) input-control subtraction,
``x − ctrl / f_c`` with the control scaled the same way, negatives set to 0; (3) ``log2(x + c)``;
(4) z-score per TF with mean and standard deviation over the *training* genes' bases.
Missing data stay NaN throughout. First TFs, then genes whose fraction of NaN exceeds
``max_missing`` are dropped and listed in the report. Work is streamed over blocks of genes.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_path

log = logging.getLogger(__name__)

BLOCK = 256


@dataclass
class NormSettings:
    depth: bool = True
    control: bool = True
    pseudocount: float | None = 1.0  # None: no log transform
    zscore: bool = True
    max_missing: float = 0.5


def _blocks(n: int):
    for lo in range(0, n, BLOCK):
        yield lo, min(n, lo + BLOCK)


def missing_fractions(signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of NaN per gene (over TFs × bases) and per TF (over genes × bases)."""
    n_genes, n_tfs, length = signal.shape
    per_gene = np.zeros(n_genes)
    per_tf = np.zeros(n_tfs)
    for lo, hi in _blocks(n_genes):
        nan = np.isnan(signal[lo:hi])
        per_gene[lo:hi] = nan.mean(axis=(1, 2))
        per_tf += nan.sum(axis=(0, 2))
    return per_gene, per_tf / max(1, n_genes * length)


def _transform(block: np.ndarray, ctrl: np.ndarray | None, params: dict) -> np.ndarray:
    x = block.astype(np.float32, copy=True)
    if params.get("depth_factors") is not None:
        x /= np.asarray(params["depth_factors"], np.float32)[None, :, None]
    if ctrl is not None:
        x -= (ctrl / np.float32(params["control_factor"]))[:, None, :]
        np.maximum(x, 0.0, out=x, where=~np.isnan(x))
    if params.get("pseudocount") is not None:
        with np.errstate(invalid="ignore"):
            x = np.log2(x + np.float32(params["pseudocount"]))
    return x


def _zstats(signal, ctrl, rows: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray]:
    n_tfs = signal.shape[1]
    total, sq, count = np.zeros(n_tfs), np.zeros(n_tfs), np.zeros(n_tfs)
    for lo, hi in _blocks(len(rows)):
        idx = rows[lo:hi]
        x = _transform(signal[idx], None if ctrl is None else ctrl[idx], params)
        ok = ~np.isnan(x)
        total += np.where(ok, x, 0.0).sum(axis=(0, 2), dtype=np.float64)
        sq += np.where(ok, x.astype(np.float64) ** 2, 0.0).sum(axis=(0, 2))
        count += ok.sum(axis=(0, 2))
    mean = total / np.maximum(count, 1)
    std = np.sqrt(np.maximum(sq / np.maximum(count, 1) - mean**2, 0.0))
    return mean, np.where(std > 0, std, 1.0)


def _drops(genes, tfs, signal, settings: NormSettings):
    per_gene, per_tf = missing_fractions(signal)
    tf_keep = per_tf <= settings.max_missing
    # genes are judged on the TFs that are kept
    sub_gene = per_gene if tf_keep.all() else _gene_missing(signal, tf_keep)
    gene_keep = sub_gene <= settings.max_missing
    report = pd.concat(
        [
            pd.DataFrame(
                {"kind": "tf", "name": tfs["tf"][~tf_keep], "missing_fraction": per_tf[~tf_keep]}
            ),
            pd.DataFrame(
                {
                    "kind": "gene",
                    "name": genes["gene_id"][~gene_keep],
                    "missing_fraction": sub_gene[~gene_keep],
                }
            ),
        ],
        ignore_index=True,
    ).assign(reason=f"missing fraction > {settings.max_missing}")
    return np.flatnonzero(gene_keep), np.flatnonzero(tf_keep), report


def _gene_missing(signal: np.ndarray, tf_keep: np.ndarray) -> np.ndarray:
    out = np.zeros(signal.shape[0])
    for lo, hi in _blocks(signal.shape[0]):
        out[lo:hi] = np.isnan(signal[lo:hi][:, tf_keep]).mean(axis=(1, 2))
    return out


def fit_params(
    tfs: pd.DataFrame, control_sum: float | None, settings: NormSettings
) -> dict[str, object]:
    """The parameters of steps 1–3 (step 4 needs the data)."""
    params: dict[str, object] = {"settings": asdict(settings), "tfs": list(tfs["tf"])}
    sums = tfs["sum_data"].to_numpy(np.float64)
    ref = float(sums.mean()) if len(sums) else 1.0
    if settings.depth:
        if (sums <= 0).any():
            raise InputError("a TF bigWig has no signal (sumData 0); cannot depth-scale", None)
        params["depth_factors"] = (sums / ref).tolist()
        params["depth_reference"] = ref
    params["control_factor"] = (
        (control_sum / ref if settings.depth else 1.0) if control_sum else None
    )
    params["pseudocount"] = settings.pseudocount
    return params


def normalise(
    signal: np.ndarray,
    control: np.ndarray | None,
    genes: pd.DataFrame,
    tfs: pd.DataFrame,
    train_genes: set[str],
    settings: NormSettings,
    control_sum: float | None,
    out_path: str | Path,
) -> tuple[pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """Write the normalised array; return kept genes, kept TFs, parameters and the drop report."""
    gene_rows, tf_rows, report = _drops(genes, tfs, signal, settings)
    if len(tf_rows) == 0 or len(gene_rows) == 0:
        raise InputError(
            f"nothing left: {len(tf_rows)} TFs and {len(gene_rows)} genes under the missing-data "
            f"limit {settings.max_missing}",
            out_path,
        )
    kept_genes = genes.iloc[gene_rows].reset_index(drop=True)
    kept_tfs = tfs.iloc[tf_rows].reset_index(drop=True)
    params = fit_params(kept_tfs, control_sum if settings.control else None, settings)
    ctrl = control if settings.control and control is not None else None
    train_rows = gene_rows[np.isin(kept_genes["gene_id"], list(train_genes))]
    if settings.zscore:
        if len(train_rows) == 0:
            raise InputError("no training gene left to fit the z-score on", out_path)
        mean, std = _zstats(_Sub(signal, tf_rows), ctrl, train_rows, params)
        params.update(zscore_mean=mean.tolist(), zscore_std=std.tolist())
    _write(signal, ctrl, gene_rows, tf_rows, params, out_path)
    log.info(
        "normalised %d genes x %d TFs (dropped %d genes, %d TFs)",
        len(gene_rows),
        len(tf_rows),
        len(genes) - len(gene_rows),
        len(tfs) - len(tf_rows),
    )
    return kept_genes, kept_tfs, params, report


class _Sub:
    """A view of the signal restricted to kept TFs, read block by block."""

    def __init__(self, signal: np.ndarray, tf_rows: np.ndarray) -> None:
        self.signal, self.tf_rows = signal, tf_rows
        self.shape = (signal.shape[0], len(tf_rows), signal.shape[2])

    def __getitem__(self, idx):
        return self.signal[idx][:, self.tf_rows]


def apply_params(block: np.ndarray, ctrl: np.ndarray | None, params: dict) -> np.ndarray:
    x = _transform(block, ctrl, params)
    if "zscore_mean" in params:
        mean = np.asarray(params["zscore_mean"], np.float32)[None, :, None]
        std = np.asarray(params["zscore_std"], np.float32)[None, :, None]
        x = (x - mean) / std
    return x.astype(np.float32)


def _write(signal, ctrl, gene_rows, tf_rows, params, out_path) -> None:
    shape = (len(gene_rows), len(tf_rows), signal.shape[2])
    with atomic_path(out_path) as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=shape)
        for lo, hi in _blocks(len(gene_rows)):
            idx = gene_rows[lo:hi]
            block = signal[idx][:, tf_rows]
            out[lo:hi] = apply_params(block, None if ctrl is None else ctrl[idx], params)
        out.flush()
        del out
