"""The DNA language model's loading code, on tiny randomly initialised models of the same family
(no test touches a network): tokenizer ↔ code mapping, folders, LoRA, strict checkpoints."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from plantreg.errors import InputError
from plantreg.genome.encode import decode
from plantreg.tfbs.lm.model import LmConfig, load_classifier, new_masked_lm
from plantreg.tfbs.lm.tokenizer import CodeIds, build_tokenizer
from plantreg.tfbs.nyxcsv import write_split_csv
from tests.conftest import run_cli

TINY = LmConfig(hidden=16, layers=1, heads=2, intermediate=32, max_length=64)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny_base")
    tokenizer = build_tokenizer()
    new_masked_lm(TINY, tokenizer).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_code_lookup_equals_the_tokenizer() -> None:
    tokenizer = build_tokenizer()
    codes = np.random.default_rng(0).integers(0, 5, (6, 40)).astype(np.uint8)
    texts = [decode(row) for row in codes]
    texts[0] = texts[0].lower()  # soft-masked bases are the same bases
    expected = tokenizer(texts)["input_ids"]
    got = CodeIds(tokenizer)(torch.from_numpy(codes.astype(np.int64)))
    assert got.tolist() == expected


def test_a_saved_folder_loads_as_a_classifier(tiny_base: Path) -> None:
    tokenizer, model = load_classifier(tiny_base)
    ids = CodeIds(tokenizer)(torch.zeros((2, 30), dtype=torch.long))
    assert model(input_ids=ids).logits.shape == (2, 1)


@pytest.mark.parametrize("remove", ["config.json", "model.safetensors", "tokenizer.json"])
def test_base_folder_with_missing_files_is_one_line(tiny_base: Path, tmp_path: Path,
                                                     remove: str) -> None:
    broken = tmp_path / "base"
    shutil.copytree(tiny_base, broken)
    (broken / remove).unlink()
    with pytest.raises(InputError, match="base-model folder lacks"):
        load_classifier(broken)


def _toy_folder(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for name in ("train.csv", "dev.csv", "test.csv"):
        codes = rng.integers(0, 4, (64, 30)).astype(np.uint8)
        labels = np.arange(64) % 2
        codes[labels == 1, 10:16] = [3, 2, 0, 1, 2, 3]
        write_split_csv(root / "TF" / name, codes, labels)
    return root / "TF"


def test_lora_trains_fewer_weights_and_a_changed_tokenizer_is_refused(
        tiny_base: Path, tmp_path: Path, capsys) -> None:
    data = _toy_folder(tmp_path)
    for mode in ("--lora", "--full"):
        assert run_cli("tfbs", "train", "--tf", "TF", "--data", str(data), "--model", "lm",
                       "--base-model", str(tiny_base), mode, "--epochs", "1", "--device", "cpu",
                       "--outdir", str(tmp_path / mode.strip("-"))) == 0
    lora = torch.load(tmp_path / "lora" / "model.pt", weights_only=False)["config"]["parameters"]
    full = torch.load(tmp_path / "full" / "model.pt", weights_only=False)["config"]["parameters"]
    assert lora["trainable"] < full["trainable"] and lora["trainable"] < lora["total"] / 2
    assert full["trainable"] == full["total"]
    # a checkpoint whose tokenizer no longer matches: refused, one line, nothing written
    folder = tmp_path / "lora" / "model"
    other = build_tokenizer()
    other.add_tokens(["AA"])
    other.save_pretrained(folder)
    code = run_cli("tfbs", "evaluate", "--tf", "TF", "--data", str(data), "--lm",
                   str(tmp_path / "lora" / "model.pt"), "--outdir", str(tmp_path / "ev"))
    assert code == 2
    assert "does not match the one the model was trained with" in capsys.readouterr().err
    assert not (tmp_path / "ev").exists()


def test_lm_without_base_model_is_one_line(tmp_path: Path, capsys) -> None:
    data = _toy_folder(tmp_path)
    assert run_cli("tfbs", "train", "--tf", "TF", "--data", str(data), "--model", "lm",
                   "--outdir", str(tmp_path / "m")) == 2
    assert "--model lm needs --base-model" in capsys.readouterr().err
