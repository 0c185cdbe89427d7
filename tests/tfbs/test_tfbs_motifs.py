"""Motif extraction parts on inputs with a known answer: ISM finds the planted site, trimming
keeps the informative columns, MEME/JASPAR files keep every column, TomTom finds a JASPAR matrix
among all plant matrices, and the contrastive loss rewards TF-wise clusters."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from plantreg.errors import InputError
from plantreg.genome.encode import encode
from plantreg.tfbs.lm.contrastive import bound_windows, supcon_loss
from plantreg.tfbs.motifs.attribution import attributions, ism_attributions
from plantreg.tfbs.motifs.discover import information, trim_pattern
from plantreg.tfbs.motifs.formats import write_jaspar, write_logo, write_meme
from plantreg.tfbs.motifs.refine import refine_pfm
from plantreg.tfbs.motifs.tomtom import jaspar_plants, match, meme_database
from plantreg.tfbs.nyxcsv import write_split_csv
from tests.conftest import run_cli


class SiteCounter(nn.Module):
    """A model whose logit is the number of exact 'GATTACA' sites (one strand)."""

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        site = torch.from_numpy(encode(b"GATTACA").astype(np.int64))
        windows = codes.long().unfold(1, len(site), 1)
        return (windows == site).all(dim=2).sum(dim=1).float()


def test_ism_puts_the_attribution_on_the_planted_site() -> None:
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(6, 40)).astype(np.uint8)
    codes[:, 20:27] = encode(b"GATTACA")
    hyp = ism_attributions(SiteCounter(), codes)
    assert hyp.shape == (6, 4, 40)
    observed = (hyp * np.eye(4)[codes].transpose(0, 2, 1)).sum(axis=1)
    # every base of the site matters, nothing outside it does
    assert (observed[:, 20:27] > 0.5).all()
    assert np.abs(observed[:, :20]).max() < 1e-6 and np.abs(observed[:, 27:]).max() < 1e-6


class PwmModel(nn.Module):
    """A differentiable scorer: the best match of a GATTACA log-odds filter (one strand)."""

    def __init__(self) -> None:
        super().__init__()
        site = encode(b"GATTACA")
        weight = torch.full((1, 4, 7), -1.0)
        weight[0, torch.from_numpy(site.astype(np.int64)), torch.arange(7)] = 1.0
        self.conv = nn.Conv1d(4, 1, 7, bias=False)
        self.conv.weight.data = weight

    def forward_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).amax(dim=2)[:, 0]


def test_integrated_gradients_put_the_attribution_on_the_planted_site() -> None:
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 4, size=(5, 40)).astype(np.uint8)
    codes[:, 10:17] = encode(b"GATTACA")
    hyp = attributions(PwmModel(), codes, "ig")
    assert np.allclose(hyp.sum(axis=1), 0, atol=1e-5)  # centred over the bases
    observed = (hyp * np.eye(4)[codes].transpose(0, 2, 1)).sum(axis=1)
    assert (observed[:, 10:17] > 0.1).all()
    outside = np.abs(np.delete(observed, np.s_[10:17], axis=1))
    assert outside.max() < observed[:, 10:17].min()


def test_attention_needs_a_language_model() -> None:
    with pytest.raises(InputError, match="need a language model"):
        attributions(PwmModel(), np.zeros((2, 20), np.uint8), "attention")


def test_trimming_keeps_the_informative_core() -> None:
    flat = np.full((3, 4), 0.25)
    core = np.eye(4)[[2, 0, 3, 3]] * 0.97 + 0.0075
    ppm = np.vstack([flat, core, flat])
    assert information(ppm)[3:7].min() > 1.7 and information(ppm)[:3].max() < 1e-9
    assert np.allclose(trim_pattern(ppm, 0.2), core)


def test_meme_and_jaspar_files_keep_every_column(tmp_path) -> None:
    rng = np.random.default_rng(1)
    prob = rng.dirichlet(np.ones(4), size=13).T  # (4, 13)
    write_meme(tmp_path / "m.meme", {"X.pos_pattern_0": (prob, 40)})
    write_jaspar(tmp_path / "m.jaspar", {"X.pos_pattern_0": (prob, 40)})
    db = meme_database(tmp_path / "m.meme")
    assert db.ids == ["X.pos_pattern_0"] and db.matrices[0].shape == (4, 13)
    assert np.allclose(db.matrices[0], prob, atol=1e-6)
    rows = (tmp_path / "m.jaspar").read_text().splitlines()
    assert rows[0].startswith(">X.pos_pattern_0") and len(rows) == 5
    assert all(len(r.split("[")[1].split()) == 14 for r in rows[1:])  # 13 counts and ']'
    write_logo(tmp_path / "logo.png", prob, "X")
    assert (tmp_path / "logo.png").read_bytes()[:4] == b"\x89PNG"


def test_tomtom_finds_a_jaspar_matrix_among_all_plant_matrices() -> None:
    db = jaspar_plants()
    assert len(db.ids) > 500
    k = db.ids.index("MA1170.2")  # MYB118, planted in the bundled data
    noisy = db.matrices[k] * 0.9 + 0.025
    table = match({"query": noisy}, db, top=3)
    best = table.iloc[0]
    assert best["target_id"] == "MA1170.2" and best["q_value"] < 0.05
    assert table["p_value"].is_monotonic_increasing


def test_meme_database_errors_are_one_line(tmp_path) -> None:
    empty = tmp_path / "empty.meme"
    empty.write_text("MEME version 4\n\nALPHABET= ACGT\n")
    with pytest.raises(InputError, match="holds no motif"):
        meme_database(empty)


def test_supcon_loss_rewards_clusters_by_tf() -> None:
    labels = torch.tensor([0, 0, 1, 1])
    centres = nn.functional.normalize(torch.randn(2, 8, generator=torch.Generator().manual_seed(0)),
                                      dim=1)
    clustered = torch.cat([centres[labels], centres[labels]])
    mixed = torch.cat([centres[1 - labels], centres[labels]])
    assert supcon_loss(clustered, labels) < supcon_loss(mixed, labels)


def test_contrastive_step_needs_two_tfs(tmp_path) -> None:
    codes = np.random.default_rng(0).integers(0, 4, size=(4, 20)).astype(np.uint8)
    for name in ("train.csv", "dev.csv", "test.csv"):
        write_split_csv(tmp_path / "TF1" / name, codes, np.array([0, 1, 0, 1]))
    with pytest.raises(InputError, match="at least two TFs"):
        bound_windows(tmp_path, "train")


def test_refinement_realigns_a_blurred_motif() -> None:
    """Windows hold GATTACA on either strand at random places; a blurred, shifted copy of its
    matrix is counted again into the sharp site."""
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 4, size=(60, 50)).astype(np.uint8)
    site = encode(b"GATTACA")
    for i, at in enumerate(rng.integers(5, 38, size=60)):
        codes[i, at:at + 7] = site if i % 2 else (3 - site)[::-1]  # reverse complement
    sharp = np.eye(4)[site].T * 0.9 + 0.025
    blurred = 0.6 * sharp + 0.4 * np.roll(sharp, 1, axis=1)
    refined, n_sites = refine_pfm(codes, blurred, flank=3)
    assert n_sites >= 55
    assert "".join("ACGT"[i] for i in refined.argmax(axis=0)) == "GATTACA"
    assert refined.max(axis=0).min() > 0.9


@pytest.mark.parametrize("text", ["", "tf\tmethod\nX\tcnn\n"])
def test_summary_of_a_bad_table_is_one_line_and_nothing_written(tmp_path, capsys,
                                                                text: str) -> None:
    table = tmp_path / "evaluation.tsv"
    table.write_text(text)
    assert run_cli("tfbs", "summary", "--outdir", str(tmp_path / "out"), str(table)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and str(table) in err[-1]
    assert not (tmp_path / "out").exists()
