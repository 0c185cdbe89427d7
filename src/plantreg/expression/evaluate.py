"""``plantreg expression evaluate``: the model beside the k-mer ridge baseline on the held-out
chromosomes of every species (Spearman with average ranks for ties, Pearson, MSE, R² on the
scaled target, mean over outputs), the macro mean over species, and the species head's accuracy
and confusion matrix; scatter and confusion plots."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy.stats import pearsonr, spearmanr

from plantreg.expression.baseline import fit_ridge, kmer_frequencies, predict_ridge
from plantreg.expression.dataset import ExpressionData, load_dataset
from plantreg.expression.plots import confusion_plot, scatter_plot
from plantreg.expression.train import load_expression_model
from plantreg.io import atomic_open

log = logging.getLogger(__name__)


@torch.no_grad()
def predict_codes(model: torch.nn.Module, codes: np.ndarray,
                  batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Scaled expression ``(n, k)`` and species probabilities ``(n, S)`` of ``(n, L)`` codes."""
    expr, prob = [], []
    for i in range(0, len(codes), batch):
        e, s = model(torch.from_numpy(codes[i:i + batch].astype(np.int64)))
        expr.append(e.float().numpy())
        prob.append(torch.softmax(s.float(), dim=1).numpy())
    k = model.config.n_outputs
    s = model.config.n_species
    return (np.concatenate(expr) if expr else np.zeros((0, k)),
            np.concatenate(prob) if prob else np.zeros((0, s)))


def regression_metrics(pred: np.ndarray, true: np.ndarray) -> dict[str, float]:
    resid = true - pred
    var = float(np.var(true))
    return {"spearman": float(spearmanr(pred, true)[0]), "pearson": float(pearsonr(pred, true)[0]),
            "mse": float(np.mean(resid**2)),
            "r2": float(1 - np.mean(resid**2) / var) if var > 0 else float("nan"),
            "n": int(len(true))}


def _baseline(data: ExpressionData, k: int) -> np.ndarray:
    x = kmer_frequencies(data.codes, k)
    tr, va = data.rows("train"), data.rows("valid")
    model = fit_ridge(x[tr], data.target[tr], x[va], data.target[va])
    return predict_ridge(model, x[data.rows("test")])


def evaluate(dataset: str | Path, checkpoint: str | Path, outdir: str | Path,
             kmer: int = 5) -> dict:
    data = load_dataset(dataset)
    species = data.meta["species"]
    model, _ = load_expression_model(checkpoint, species)
    test = data.rows("test")
    pred, prob = predict_codes(model, data.codes[test])
    preds = {"model": pred.mean(axis=1), f"kmer{kmer}_ridge": _baseline(data, kmer).mean(axis=1)}
    true, sp = data.target[test].mean(axis=1), data.species[test]
    rows = [{"species": name, "method": method, **regression_metrics(p[sp == i], true[sp == i])}
            for method, p in preds.items() for i, name in enumerate(species)]
    table = pd.DataFrame(rows)
    macro = table.groupby("method", sort=False)[["spearman", "pearson", "mse", "r2"]].mean()
    table = pd.concat([table, macro.reset_index().assign(species="macro", n=len(test))],
                      ignore_index=True)[["species", "method", "spearman", "pearson", "mse", "r2",
                                          "n"]]
    confusion = pd.DataFrame(np.zeros((len(species), len(species)), dtype=int), index=species,
                             columns=species)
    np.add.at(confusion.values, (sp, prob.argmax(axis=1)), 1)
    summary = _summary(table, confusion, species, kmer)
    _write(Path(outdir), table, confusion, summary, (true, sp, preds, species))
    return summary


def _summary(table: pd.DataFrame, confusion: pd.DataFrame, species: list[str], kmer: int) -> dict:
    macro = table[table["species"] == "macro"].set_index("method")["spearman"]
    accuracy = float(np.trace(confusion.values) / max(confusion.values.sum(), 1))
    per = table[table["species"] != "macro"]
    return {"macro_spearman_model": float(macro["model"]),
            "macro_spearman_baseline": float(macro[f"kmer{kmer}_ridge"]),
            "species_accuracy": accuracy, "species_chance": 1 / len(species),
            "spearman": {f"{r.species}/{r.method}": float(r.spearman)
                         for r in per.itertuples()},
            "test_genes": int(confusion.values.sum())}


def _write(out: Path, table: pd.DataFrame, confusion: pd.DataFrame, summary: dict,
           plot_data: tuple) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with atomic_open(out / "evaluation.tsv") as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.4f")
    with atomic_open(out / "confusion.tsv") as handle:
        confusion.rename_axis("true\\predicted").to_csv(handle, sep="\t")
    with atomic_open(out / "expression_means.json") as handle:
        json.dump(summary, handle, indent=2)
    scatter_plot(out / "scatter.png", *plot_data)
    confusion_plot(out / "confusion.png", confusion)
    log.info("macro Spearman: model %.3f, k-mer ridge %.3f; species accuracy %.3f",
             summary["macro_spearman_model"], summary["macro_spearman_baseline"],
             summary["species_accuracy"])
