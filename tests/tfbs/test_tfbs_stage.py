"""TRAIN_TFBS on the bundled data, as CI runs it (the session's `plantreg run` of
assets/test_params.yaml): every simulated TF is learned by the language model (pretrained on the
bundled genome, then LoRA) and by the CNN, reported beside the PWM scan with the planted matrix,
and the motif discovered from the language model is the planted JASPAR matrix for at least 80 %
of the TFs.
A NyxBind-layout folder trains end to end through the runner too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import torch

from tests.conftest import REPO, bundled_params, plantreg

MOTIFS = REPO / "assets" / "test_data" / "motifs" / "motifs.meme"
# Chance is 0.5 (one GC-matched negative per positive). The smallest test split holds 16
# positives and 16 negatives, where the AUROC of a random scorer has a standard deviation of
# about 0.10; 0.75 is 2.5 of those above chance for the smallest TF, and more for the others.
MIN_AUROC = 0.75


def _planted_tfs() -> list[str]:
    return sorted(line.split()[2] for line in MOTIFS.read_text().splitlines()
                  if line.startswith("MOTIF"))


@pytest.fixture(scope="module")
def summary(bundled_run: Path) -> pd.DataFrame:
    return pd.read_csv(bundled_run / "train_tfbs" / "summary" / "tfbs_summary.tsv", sep="\t")


def test_every_simulated_tf_is_learned_by_both_models(summary: pd.DataFrame) -> None:
    assert sorted(summary["tf"]) == _planted_tfs()
    for column in ("lm_auroc", "cnn_auroc", "pwm_scan_auroc"):
        assert summary[column].between(0, 1).all(), column
    weak = summary[(summary["lm_auroc"] < MIN_AUROC) | (summary["cnn_auroc"] < MIN_AUROC)]
    assert weak.empty, weak[["tf", "lm_auroc", "cnn_auroc", "pwm_scan_auroc"]].to_string()
    # the planted matrix is the ceiling on simulated data: the scan is itself well above chance
    assert summary["pwm_scan_auroc"].mean() > 0.9


def test_discovered_motifs_are_the_planted_matrices(summary: pd.DataFrame) -> None:
    """The issue's bar: for at least 80 % of TFs the best TomTom match (q <= 0.05) of the motif
    discovered from the language model is the planted JASPAR matrix. The test preset plants only
    matrices that their own sites tell from every JASPAR sibling (simulate/identifiable.py), so a
    miss is the model's or the motif extraction's, not JASPAR's redundancy."""
    hits = summary["known_matched"].astype(bool) & (summary["best_q_value"] <= 0.05)
    shown = summary[["tf", "best_match_name", "best_q_value", "known_id", "known_matched"]]
    assert hits.sum() >= 0.8 * len(summary), shown.to_string()


def test_language_model_is_lora_on_the_pretrained_base(bundled_run: Path) -> None:
    out = bundled_run / "train_tfbs"
    record = json.loads((out / "base_model" / "plantreg_pretrain.json").read_text())
    assert record["bound"] and record["settings"]["contrastive_epochs"] > 0
    ckpt = torch.load(out / "models" / "MYB118" / "lm" / "model.pt", weights_only=False)
    config = ckpt["config"]
    assert config["base_model"] == str(out / "base_model")
    assert config["training"]["lora"]["enabled"]
    assert config["parameters"]["trainable"] < config["parameters"]["total"] / 4
    motif = json.loads((out / "motifs" / "MYB118" / "summary.json").read_text())
    assert motif["method"] == "lm" and (out / "motifs" / "MYB118" / "motifs.meme").is_file()
    logos = list((out / "motifs" / "MYB118" / "logos").glob("*.png"))
    assert logos and all(p.read_bytes()[:4] == b"\x89PNG" for p in logos)


def test_nyxbind_folder_trains_end_to_end_through_the_runner(bundled_run: Path,
                                                             tmp_path: Path) -> None:
    """A folder in NyxBind's layout (here two of the bundled TFs' folders) replaces the peaks:
    no dataset step, the given base model instead of pretraining, and the same outputs."""
    nyx = tmp_path / "nyxbind"
    for tf in ("AGL63", "MYB118"):
        shutil.copytree(bundled_run / "train_tfbs" / "datasets" / tf, nyx / tf)
    outdir = tmp_path / "results"
    params = bundled_params(tmp_path, tfbs_csv_dir=str(nyx), outdir=str(outdir),
                            tfbs_base_model=str(bundled_run / "train_tfbs" / "base_model"),
                            tfbs_lm_epochs=3, tfbs_cnn_epochs=3, tfbs_motif_windows=40)
    result = plantreg("run", str(params), "--stage", "train_tfbs",
                      "--work-dir", str(tmp_path / "work"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "TFBS_DATASET" not in result.stderr and "TFBS_PRETRAIN" not in result.stderr
    table = pd.read_csv(outdir / "train_tfbs" / "summary" / "tfbs_summary.tsv", sep="\t")
    assert sorted(table["tf"]) == ["AGL63", "MYB118"]
    assert table[["lm_auroc", "cnn_auroc"]].notna().all().all()
