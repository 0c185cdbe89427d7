"""Random hyper-parameter search: trial ``k`` draws its settings from ``(seed, k)`` and trains on
the same data as every other trial; the best trial by validation AUROC gives the ensemble's
settings."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open

from .model import HyperParams

log = logging.getLogger(__name__)

# Candidate values (LECIF's Supplementary Table 3 has the same shape: batch size, learning rate,
# dropout, 1–2 layers per sub-network, neurons per layer); learning rates suit AdamW.
SPACE = {
    "batch_size": [128, 256, 512],
    "lr": [1e-3, 3e-3, 1e-2],
    "weight_decay": [0.0, 1e-4, 1e-2],
    "dropout": [0.0, 0.1, 0.2, 0.3],
    "layers_species": [1, 2],
    "layers_final": [1, 2],
    "first": [16, 32, 64, 128, 256],
    "second": [8, 16, 32, 64],
}


def sample_hyper_params(seed: int, trial: int) -> HyperParams:
    rng = np.random.default_rng([seed, trial, 11])

    def pick(key: str):
        values = SPACE[key]
        return values[int(rng.integers(len(values)))]

    ls, lf = pick("layers_species"), pick("layers_final")
    sizes = {}
    for name, layers in (("neurons_a", ls), ("neurons_b", ls), ("neurons_final", lf)):
        first = pick("first")
        sizes[name] = (first, min(pick("second"), first) if layers == 2 else 0)
    return HyperParams(
        batch_size=pick("batch_size"),
        lr=pick("lr"),
        weight_decay=pick("weight_decay"),
        dropout=pick("dropout"),
        layers_species=ls,
        layers_final=lf,
        **sizes,
    )


def collect_trials(
    summaries: list[str | Path], table_out: str | Path, best_out: str | Path
) -> dict:
    """Table of all trials (sorted by validation AUROC, best first) and the best settings."""
    rows = []
    for path in summaries:
        try:
            data = json.loads(Path(path).read_text())
            auroc = data["best_valid_auroc"]
        except (OSError, ValueError, KeyError) as err:
            raise InputError(f"not a trial summary ({err})", path) from err
        hp = data["hyper_params"]
        rows.append(
            {
                "trial": data.get("trial", len(rows)),
                "valid_auroc": auroc,
                "best_epoch": data["best_epoch"],
                "epochs": data["epochs"],
                **{k: (",".join(map(str, v)) if isinstance(v, list) else v) for k, v in hp.items()},
                "summary": str(path),
                "_hp": hp,
            }
        )
    if not rows:
        raise InputError("no trial summaries given")
    table = pd.DataFrame(rows)
    table["valid_auroc"] = table["valid_auroc"].astype(float)
    finite = table[table["valid_auroc"].map(lambda v: not math.isnan(v))]
    if finite.empty:
        raise InputError("no trial reached a defined validation AUROC", summaries[0])
    table = table.sort_values(["valid_auroc", "trial"], ascending=[False, True])
    best = table[table["valid_auroc"].map(lambda v: not math.isnan(v))].iloc[0]
    with atomic_open(table_out) as handle:
        table.drop(columns="_hp").to_csv(handle, sep="\t", index=False)
    chosen = {
        "trial": int(best["trial"]),
        "valid_auroc": float(best["valid_auroc"]),
        "hyper_params": best["_hp"],
    }
    with atomic_open(best_out) as handle:
        json.dump(chosen, handle, indent=2)
    log.info(
        "best of %d trials: %d (validation AUROC %.4f)",
        len(table),
        chosen["trial"],
        chosen["valid_auroc"],
    )
    return chosen


def read_best(path: str | Path) -> HyperParams:
    try:
        return HyperParams.from_dict(json.loads(Path(path).read_text())["hyper_params"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"not a best-settings file ({err})", path) from err
