"""EXPLAIN's per-base importance: batched ISM equals the one-at-a-time loop, occlusion and
gradient×input find what a model reads, gene selection and the scores files."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from plantreg.errors import InputError
from plantreg.expression.explain import (
    ExplainSettings,
    Scores,
    explain_genes,
    gradient_x_input,
    integrated_gradients,
    ism_batched,
    ism_naive,
    occlusion,
    occlusion_starts,
    one_hot_tensor,
    parse_method,
    parse_methods,
    read_scores,
    select_genes,
    write_scores,
)

F64 = torch.float64


def random_codes(length: int, seed: int = 0, n_at: tuple[int, ...] = ()) -> np.ndarray:
    codes = np.random.default_rng(seed).integers(0, 4, length).astype(np.uint8)
    codes[list(n_at)] = 4
    return codes


def tiny_conv(length: int, seed: int = 0, dtype: torch.dtype = F64) -> nn.Module:
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Conv1d(4, 8, 7, padding=3), nn.GELU(), nn.MaxPool1d(2),
                        nn.Conv1d(8, 8, 5, padding=2), nn.GELU(), nn.Flatten(),
                        nn.Linear(8 * (length // 2), 1))
    return net.to(dtype).eval()


class OnePosition(nn.Module):
    """Reads only base ``pos``: f(x) = weights · x[:, :, pos]."""

    def __init__(self, pos: int, weights=(1.0, -2.0, 3.0, 0.5)) -> None:
        super().__init__()
        self.pos = pos
        self.w = torch.tensor(weights, dtype=F64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :, self.pos] @ self.w


# --- ISM

def test_batched_ism_equals_naive_on_a_random_conv_model():
    length = 64
    codes = random_codes(length, n_at=(0, 1, 40))
    net = tiny_conv(length)
    f = lambda x: net(x)[:, 0]  # noqa: E731
    # 7 does not divide the 3 × 61 mutants: the last batch is partial.
    delta, score = ism_batched(f, codes, batch_size=7, dtype=F64)
    naive_delta, naive_score = ism_naive(f, codes, dtype=F64)
    assert delta.shape == (length, 4)
    np.testing.assert_allclose(delta, naive_delta, atol=1e-5, rtol=0)
    np.testing.assert_allclose(score, naive_score, atol=1e-5, rtol=0)
    assert np.abs(delta).max() > 1e-4  # the model does respond to mutations
    real = codes < 4
    assert np.all(delta[np.flatnonzero(real), codes[real]] == 0)  # reference column
    assert np.all(delta[~real] == 0) and np.all(score[~real] == 0)  # N bases are not mutated


def test_batched_ism_equals_naive_in_float32_on_the_expression_model_in_train_mode():
    from plantreg.expression.model import ExpressionModel, ExpressionModelConfig

    torch.manual_seed(1)
    model = ExpressionModel(ExpressionModelConfig(length=96, channels=8, layers=1, heads=2,
                                                  tail_kernel=3, dropout=0.5))
    model.train()  # explain_genes must switch dropout off itself
    codes = random_codes(96, seed=3)
    batched = explain_genes(model.expression_one_hot, codes[None], "ism",
                            ExplainSettings(batch_size=50))["ism"][0]
    assert not model.training
    _, naive = ism_naive(model.expression_one_hot, codes)
    np.testing.assert_allclose(batched, naive, atol=1e-5, rtol=0)
    assert np.abs(naive).max() > 1e-5


def test_ism_of_a_one_position_model_scores_only_that_base():
    pos, w = 30, np.array([1.0, -2.0, 3.0, 0.5])
    codes = random_codes(50)
    delta, score = ism_batched(OnePosition(pos), codes, 16, dtype=F64)
    ref = codes[pos]
    assert score[pos] == pytest.approx(w[ref] - np.delete(w, ref).mean())
    assert np.count_nonzero(score) == 1
    np.testing.assert_allclose(delta[pos], w - w[ref])


# --- occlusion

def test_occlusion_starts_cover_every_base():
    starts = occlusion_starts(103, 20, 5)
    assert starts[0] == 0 and starts[-1] == 83 and np.all(np.diff(starts) > 0)
    assert set(np.concatenate([np.arange(s, s + 20) for s in starts])) == set(range(103))
    assert list(occlusion_starts(10, 20, 5)) == [0]  # a window longer than the sequence


def test_occlusion_with_n_fill_finds_the_one_position_a_model_reads():
    pos, window, w = 57, 10, np.array([1.0, -2.0, 3.0, 0.5])
    codes = random_codes(120, seed=2)
    score = occlusion(OnePosition(pos), codes, window, 3, "n", dtype=F64)
    near = np.abs(np.arange(120) - pos) < window
    assert np.all(score[~near] == 0)
    # Every window covering `pos` removes exactly w[ref]: the mean is w[ref].
    assert score[pos] == pytest.approx(w[codes[pos]])
    assert np.argmax(np.abs(score)) in np.flatnonzero(near)


def test_occlusion_shuffle_is_seeded_and_local():
    pos = 40
    codes = random_codes(100, seed=4)
    net = OnePosition(pos)
    a = occlusion(net, codes, 20, 5, "shuffle", seed=7, dtype=F64)
    b = occlusion(net, codes, 20, 5, "shuffle", seed=7, dtype=F64)
    np.testing.assert_array_equal(a, b)
    assert np.all(a[np.abs(np.arange(100) - pos) >= 20] == 0)
    shuffles = [occlusion(net, codes, 20, 5, "shuffle", seed=s, dtype=F64) for s in range(8)]
    assert any(np.abs(s).max() > 0 for s in shuffles)  # a shuffle does change the read base
    with pytest.raises(InputError, match="fill"):
        occlusion(net, codes, 20, 5, "zeros")


# --- gradients

def test_gradient_x_input_is_the_signed_weight_of_the_reference_base():
    torch.manual_seed(0)
    weights = torch.randn(4, 30, dtype=F64)
    codes = random_codes(30, n_at=(5,))

    def linear(x: torch.Tensor) -> torch.Tensor:
        return (x * weights).sum(dim=(1, 2))

    score = gradient_x_input(linear, codes, dtype=F64)
    real = np.flatnonzero(codes < 4)
    expected = weights.numpy()[codes[real], real]
    np.testing.assert_allclose(score[real], expected)
    assert score[5] == 0
    flipped = gradient_x_input(lambda x: -linear(x), codes, dtype=F64)
    np.testing.assert_allclose(flipped, -score)


def test_integrated_gradients_add_up_to_the_prediction_change():
    net = tiny_conv(40, seed=5)
    f = lambda x: net(x)[:, 0]  # noqa: E731
    codes = random_codes(40, seed=6)
    score = integrated_gradients(f, codes, steps=128, dtype=F64)
    x = one_hot_tensor(codes, F64)
    with torch.no_grad():
        change = (f(x) - f(torch.full_like(x, 0.25))).item()
    assert score.sum() == pytest.approx(change, abs=2e-3)


def test_explain_genes_gives_every_method_one_row_per_gene():
    net = tiny_conv(40)
    codes = np.stack([random_codes(40, seed=s) for s in range(3)])
    out = explain_genes(net, codes, "ism,occlusion,gxi,ig,ism",
                        ExplainSettings(occlusion_window=8, occlusion_stride=4, ig_steps=8,
                                        dtype=F64), gene_ids=["a", "b", "c"])
    assert list(out) == ["ism", "occlusion", "gxi", "ig"]
    for values in out.values():
        assert values.shape == (3, 40) and values.dtype == np.float32
        assert np.abs(values).max() > 0
    single = ism_batched(lambda x: net(x)[:, 0], codes[1], dtype=F64)[1]
    np.testing.assert_allclose(out["ism"][1], single, atol=1e-6)


@pytest.mark.parametrize("methods, message", [("ism,saliency", "saliency"), (",", "no expl")])
def test_unknown_or_missing_methods_are_input_errors(methods, message):
    with pytest.raises(InputError, match=message):
        parse_methods(methods)
    with pytest.raises(InputError, match=message):
        explain_genes(tiny_conv(20), random_codes(20)[None], methods)


def test_one_method_only_where_one_is_expected_and_settings_are_checked():
    assert parse_method("gxi") == "gxi"
    with pytest.raises(InputError, match="one method"):
        parse_method("ism,gxi")
    with pytest.raises(InputError, match="fill"):
        ExplainSettings(occlusion_fill="zero").check()
    with pytest.raises(InputError, match="window"):
        ExplainSettings(occlusion_window=0).check()


# --- gene selection and scores files

def test_select_genes_sorts_limits_and_chunks():
    species = np.array(["B", "A", "A", "B", "A", "A"])
    gene_id = np.array(["g1", "g9", "g2", "g0", "g5", "g3"])
    split = np.array([2, 2, 2, 2, 0, 2])
    every = select_genes(species, gene_id, split, "test")
    assert list(gene_id[every]) == ["g2", "g3", "g9", "g0", "g1"]  # (species, gene_id)
    # at most 3 genes of each species
    assert list(gene_id[select_genes(species, gene_id, split, "all", 3)]) == [
        "g2", "g3", "g5", "g0", "g1"]
    assert list(gene_id[select_genes(species, gene_id, split, "all", 1)]) == ["g2", "g0"]
    chunks = [select_genes(species, gene_id, split, "test", 0, i, 2) for i in range(2)]
    assert [list(gene_id[c]) for c in chunks] == [["g2", "g3", "g9"], ["g0", "g1"]]
    assert len(select_genes(species, gene_id, split, "test", 1, 3, 4)) == 0  # an empty chunk


@pytest.mark.parametrize("chunk, n_chunks, genes, message", [
    (2, 2, "test", "out of range"), (-1, 2, "test", "out of range"),
    (0, 0, "test", "n-chunks"), (0, 1, "train", "gene set")])
def test_select_genes_refuses_bad_chunks(chunk, n_chunks, genes, message):
    with pytest.raises(InputError, match=message):
        select_genes(["A"], ["g"], np.array([2]), genes, 0, chunk, n_chunks)


def test_scores_files_round_trip(tmp_path):
    codes = np.stack([random_codes(12, seed=1, n_at=(0,)), random_codes(12, seed=2)])
    ism = np.arange(24, dtype=np.float32).reshape(2, 12) - 5
    write_scores(tmp_path, Scores(np.array(["g1", "g2"]), np.array(["A", "B"]), codes,
                                  {"ism": ism, "gxi": -ism}))
    back = read_scores(tmp_path / "scores.npz", "gxi")
    assert list(back.gene_id) == ["g1", "g2"] and list(back.species) == ["A", "B"]
    np.testing.assert_array_equal(back.codes, codes)
    np.testing.assert_array_equal(back.methods["ism"], ism)
    lines = (tmp_path / "scores.tsv").read_text().splitlines()
    assert lines[0].split("\t") == ["gene_id", "position", "base", "ism", "gxi"]
    assert len(lines) == 25
    assert lines[1].split("\t") == ["g1", "0", "N", "-5", "5"]
    assert not list(tmp_path.glob("*.part"))


def test_an_empty_chunk_writes_valid_files(tmp_path):
    empty = Scores(np.array([], dtype=str), np.array([], dtype=str),
                   np.zeros((0, 30), np.uint8), {"ism": np.zeros((0, 30), np.float32)})
    write_scores(tmp_path, empty)
    back = read_scores(tmp_path / "scores.npz", "ism")
    assert len(back.gene_id) == 0 and back.methods["ism"].shape == (0, 30)
    assert (tmp_path / "scores.tsv").read_text().strip() == "gene_id\tposition\tbase\tism"


def test_bad_scores_files_are_input_errors_naming_the_file(tmp_path):
    write_scores(tmp_path, Scores(np.array(["g"]), np.array(["A"]), np.zeros((1, 5), np.uint8),
                                  {"gxi": np.zeros((1, 5), np.float32)}))
    with pytest.raises(InputError, match=r"scores\.npz: no 'ism' scores"):
        read_scores(tmp_path / "scores.npz", "ism")
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(InputError, match="junk.npz"):
        read_scores(tmp_path / "junk.npz")
    with pytest.raises(InputError, match="not found"):
        read_scores(tmp_path / "absent.npz")


# --- the commands, on a tiny dataset and checkpoint written by the real writers

@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A 2-species dataset of 6 genes (33 bp windows) and a random model checkpoint."""
    import pandas as pd

    from plantreg.expression.dataset import ExpressionData, write_dataset
    from plantreg.expression.model import ExpressionModel, ExpressionModelConfig
    from plantreg.expression.train import KIND
    from plantreg.training.checkpoint import save_model_checkpoint

    root = tmp_path_factory.mktemp("explain")
    n, upstream, length = 6, 20, 33
    genes = pd.DataFrame({
        "gene_id": [f"g{i}" for i in range(n)], "species": ["A", "A", "A", "B", "B", "B"],
        "chrom": ["c1", "c1", "c2", "b1", "b1", "b1"], "strand": ["+", "-", "+", "-", "+", "+"],
        "anchor": [100, 300, 50, 80, 200, 400], "pad_5p": 0, "pad_3p": 0,
        "split": ["test", "test", "train", "test", "test", "valid"],
        "target_raw": 1.0, "target_scaled": 0.0})
    plus = genes["strand"] == "+"
    genes["start"] = np.where(plus, genes["anchor"] - upstream, genes["anchor"] - 12)
    genes["end"] = genes["start"] + length
    data = ExpressionData(
        codes=np.stack([random_codes(length, seed=i) for i in range(n)]),
        target=np.zeros((n, 1), np.float32), raw=np.zeros((n, 1), np.float32),
        species=np.array([0, 0, 0, 1, 1, 1]), split=np.array([2, 2, 0, 2, 2, 1], np.int8),
        gene_id=genes["gene_id"].to_numpy(str), genes=genes,
        meta={"species": ["A", "B"], "upstream": upstream, "downstream": 12, "anchor": "tss",
              "target": "max", "outputs": ["max"], "length": length, "scaling": {},
              "report": []},
        sizes={"A": {"c1": 1000, "c2": 1000}, "B": {"b1": 1000}})
    write_dataset(data, root / "dataset")
    torch.manual_seed(0)
    config = ExpressionModelConfig(length=length, channels=8, layers=1, heads=2, tail_kernel=3)
    save_model_checkpoint(root / "model.pt", ExpressionModel(config), kind=KIND,
                          config={"model": config.to_dict()}, tags=["A", "B"], split={})
    return root


def test_explain_scan_and_gather_commands(tiny_run, tmp_path):
    from typer.testing import CliRunner

    from plantreg.cli.expression_explain import app

    runner = CliRunner()
    common = ["--dataset", str(tiny_run / "dataset"), "--checkpoint", str(tiny_run / "model.pt"),
              "--methods", "ism,gxi", "--device", "cpu", "--n-chunks", "2"]
    files = []
    for chunk in range(2):
        out = tmp_path / f"chunk{chunk}"
        result = runner.invoke(app, ["explain", *common, "--chunk", str(chunk), "--outdir",
                                     str(out)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["scan-cre", "--scores", str(out / "scores.npz"),
                                     "--outdir", str(out / "cre"), "--min-length", "1"])
        assert result.exit_code == 0, result.output
        files += [out / "scores.npz", out / "cre" / "cre.bed"]
    first, second = read_scores(files[0], "ism"), read_scores(files[2], "gxi")
    # test genes sorted by (species, gene_id): g0, g1 | g3, g4.
    assert list(first.gene_id) == ["g0", "g1"] and list(second.gene_id) == ["g3", "g4"]
    assert list(second.species) == ["B", "B"] and first.methods["ism"].shape == (2, 33)
    assert np.abs(first.methods["gxi"]).max() > 0
    result = runner.invoke(app, ["gather", "--dataset", str(tiny_run / "dataset"), "--outdir",
                                 str(tmp_path / "merged"), *map(str, files)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "merged").iterdir())
    assert names == ["A.importance.bw", "B.importance.bw", "cre.bed", "cre_evaluation.tsv",
                     "cre_example.png"]


@pytest.mark.parametrize("extra, message", [
    (["--methods", "ism,deeplift"], "deeplift"), (["--chunk", "3", "--n-chunks", "3"], "chunk"),
    (["--occlusion-fill", "zeros"], "fill")])
def test_explain_command_bad_input(tiny_run, tmp_path, extra, message):
    from typer.testing import CliRunner

    from plantreg.cli.expression_explain import app

    result = CliRunner().invoke(app, [
        "explain", "--dataset", str(tiny_run / "dataset"), "--checkpoint",
        str(tiny_run / "model.pt"), "--outdir", str(tmp_path / "out"), "--device", "cpu", *extra])
    assert isinstance(result.exception, InputError), result.output
    assert message in str(result.exception)
    assert not (tmp_path / "out" / "scores.npz").exists()


def test_bad_input_through_the_real_cli_is_one_line_and_exit_code_2(tiny_run, tmp_path, capsys):
    from tests.conftest import run_cli

    scores = tmp_path / "scores.npz"
    write_scores(tmp_path, Scores(np.array(["g0"]), np.array(["A"]), np.zeros((1, 33), np.uint8),
                                  {"gxi": np.zeros((1, 33), np.float32)}))
    code = run_cli("expression", "scan-cre", "--scores", str(scores), "--outdir",
                   str(tmp_path / "cre"), "--method", "ism")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("error: ") and str(scores) in err[-1] and "'ism'" in err[-1]
    assert "Traceback" not in "\n".join(err)
    assert not (tmp_path / "cre" / "cre.bed").exists()
