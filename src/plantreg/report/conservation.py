"""TRAIN_CONSERVATION in the report: the hyper-parameter search of each half (validation AUROC
of every trial) and the test AUROC/AUPRC of every network and of their ensemble."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from plantreg.report.content import table
from plantreg.report.results import Results, read_tsv

TRIAL_COLUMNS = ["valid_auroc", "best_epoch", "epochs", "batch_size", "lr", "weight_decay",
                 "dropout"]


def sections(results: Results, out: Path) -> list[str]:
    ids = []
    searches = results.all("train_conservation/search/*/trials.tsv")
    if searches:
        ids.append(table(out, "conservation_search", "Conservation: hyper-parameter search",
                         "Validation AUROC of every trial of the random search, per half "
                         "(networks of one half score the other); the best trial of each half "
                         "(chosen) sets the ensemble.", _trials(searches)))
    if tsv := results.one("train_conservation/evaluate/test_metrics.tsv"):
        frame = read_tsv(tsv, ["half", "model", "auroc", "auprc"])
        frame.index = pd.Index(frame["half"] + " " + frame["model"], name="network")
        ids.append(table(out, "conservation", "Conservation: test AUROC and AUPRC",
                         "Held-out test pairs of each half: every network and the ensemble "
                         "(their mean score).", frame[["half", "model", "auroc", "auprc"]]))
    return ids


def _trials(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for path in paths:  # search/<half>/trials.tsv, best trial first
        trials = read_tsv(path, ["trial", *TRIAL_COLUMNS])
        trials.insert(0, "chosen", [i == 0 for i in range(len(trials))])
        trials.index = pd.Index([f"{path.parent.name} trial{t}" for t in trials["trial"]],
                                name="trial")
        frames.append(trials[["chosen", *TRIAL_COLUMNS]])
    return pd.concat(frames)
