"""The expression model's checkpoint, loading and `predict`: strict, and refusing bad input with
one line, exit code 2 and nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from plantreg.expression.dataset import DatasetSettings, build_dataset, write_dataset
from plantreg.expression.model import ExpressionModel, preset_config
from plantreg.expression.train import ExpressionTrainSettings, train_expression
from plantreg.genome.encode import decode
from plantreg.tfbs.cnn import one_hot_codes, reverse_complement_one_hot
from plantreg.training.checkpoint import save_model_checkpoint
from tests.conftest import run_cli
from tests.expression.test_expression_dataset import _bundled


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A one-epoch model on short windows of the bundled expression set (fast; not a learning
    test: the bundled run's stage test is that)."""
    tmp = tmp_path_factory.mktemp("expr")
    data = build_dataset([_bundled("speciesA"), _bundled("speciesB")],
                         DatasetSettings(upstream=40, downstream=10))
    write_dataset(data, tmp / "dataset")
    settings = ExpressionTrainSettings(epochs=1, device="cpu", motif_seeds=2)
    return tmp / "dataset", train_expression(tmp / "dataset", tmp / "model", settings)


def _fasta(path: Path, seqs: dict[str, str]) -> Path:
    path.write_text("".join(f">{name}\n{seq}\n" for name, seq in seqs.items()))
    return path


def test_predict_from_fasta_equals_predict_from_genes_and_unscales_per_species(
        trained, tmp_path: Path) -> None:
    dataset, checkpoint = trained
    genes = pd.read_csv(dataset / "genes.tsv", sep="\t")
    ids = list(genes["gene_id"].iloc[[0, -1]])
    with np.load(dataset / "dataset.npz") as npz:
        codes = npz["codes"][[0, len(genes) - 1]]
    fasta = _fasta(tmp_path / "q.fa", {g: decode(c) for g, c in zip(ids, codes, strict=True)})
    assert run_cli("expression", "predict", "--checkpoint", str(checkpoint), "--fasta",
                   str(fasta), "--species", "speciesB", "--outdir", str(tmp_path / "f")) == 0
    assert run_cli("expression", "predict", "--checkpoint", str(checkpoint), "--dataset",
                   str(dataset), "--genes", ",".join(ids), "--species", "speciesB",
                   "--outdir", str(tmp_path / "g")) == 0
    by_fasta = pd.read_csv(tmp_path / "f" / "predictions.tsv", sep="\t")
    by_gene = pd.read_csv(tmp_path / "g" / "predictions.tsv", sep="\t")
    pd.testing.assert_frame_equal(by_fasta, by_gene)
    scaling = torch.load(checkpoint, weights_only=False)["normalisation"]["speciesB"]
    expected = np.expm1(by_fasta["z_max"] * scaling["sd"][0] + scaling["mean"][0])
    np.testing.assert_allclose(by_fasta["tpm_max"], expected, rtol=1e-4)
    np.testing.assert_allclose(by_fasta[["p_speciesA", "p_speciesB"]].sum(axis=1), 1, atol=1e-5)


@pytest.mark.parametrize("seq, message", [
    ("ACGTX" + "A" * 46, "has the letter 'X' at position 5"),
    ("ACGT" * 5, "is 20 bp; the model reads 51 bp"),
])
def test_predict_refuses_bad_sequences(trained, tmp_path: Path, seq: str, message: str,
                                       capsys) -> None:
    _, checkpoint = trained
    fasta = _fasta(tmp_path / "bad.fa", {"s1": seq})
    out = tmp_path / "out"
    code = run_cli("expression", "predict", "--checkpoint", str(checkpoint), "--fasta",
                   str(fasta), "--outdir", str(out))
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()


def test_checkpoint_of_another_stage_is_refused(trained, tmp_path: Path, capsys) -> None:
    _, checkpoint = trained
    other = tmp_path / "cnn.pt"
    save_model_checkpoint(other, torch.nn.Linear(2, 1), kind="tfbs.cnn", config={},
                          tags=["MYB118"], split={})
    fasta = _fasta(tmp_path / "q.fa", {"s": "A" * 51})
    code = run_cli("expression", "predict", "--checkpoint", str(other), "--fasta", str(fasta),
                   "--outdir", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2 and "holds a 'tfbs.cnn' model, not 'expression.hybrid'" in err
    assert not (tmp_path / "out").exists()


def test_species_order_of_a_checkpoint_is_checked(trained) -> None:
    from plantreg.errors import InputError
    from plantreg.expression.train import load_expression_model

    _, checkpoint = trained
    load_expression_model(checkpoint, ["speciesA", "speciesB"])
    with pytest.raises(InputError):
        load_expression_model(checkpoint, ["speciesB", "speciesA"])


def test_rc_pooling_makes_the_model_strand_symmetric() -> None:
    torch.manual_seed(0)
    model = ExpressionModel(preset_config("small", length=101, rc_pool=True)).eval()
    x = one_hot_codes(torch.randint(0, 4, (3, 101)))
    with torch.no_grad():
        a, sa = model.forward_one_hot(x)
        b, sb = model.forward_one_hot(reverse_complement_one_hot(x))
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(sa, sb, atol=1e-5, rtol=1e-5)


def test_full_preset_is_about_22_million_parameters() -> None:
    model = ExpressionModel(preset_config("full", length=3001))
    n = sum(p.numel() for p in model.parameters())
    assert 18e6 < n < 26e6
