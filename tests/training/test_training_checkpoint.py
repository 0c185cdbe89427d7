import pytest
import torch
from torch import nn

import plantreg
from plantreg.errors import InputError
from plantreg.training.checkpoint import (
    load_model_checkpoint,
    load_weights_strict,
    save_model_checkpoint,
)

TAGS = ["H3K27ac", "H3K4me3", "H3K27me3"]
SPLIT = {"train": ["Chr1", "Chr2"], "valid": ["Chr3"], "test": ["Chr4"], "excluded": []}


def _model(n_out: int = 3) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, n_out))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.pt"
    model = _model()
    save_model_checkpoint(
        path,
        model,
        kind="test.mlp",
        config={"hidden": 4, "layers": [5, 4, 3]},
        tags=TAGS,
        split=SPLIT,
        normalisation={"mean": [0.5, 1.0]},
    )
    return path, model


def test_round_trip_keeps_everything(saved):
    path, model = saved
    ckpt = load_model_checkpoint(path, expected_tags=TAGS, expected_kind="test.mlp")
    assert ckpt.tags == TAGS
    assert ckpt.split == SPLIT
    assert ckpt.config == {"hidden": 4, "layers": [5, 4, 3]}
    assert ckpt.normalisation == {"mean": [0.5, 1.0]}
    assert ckpt.plantreg_version == plantreg.__version__
    assert ckpt.torch_version == torch.__version__
    fresh = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    load_weights_strict(fresh, ckpt)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value)


def test_tag_order_mismatch_is_refused_with_both_orders(saved):
    path, _ = saved
    other = [TAGS[1], TAGS[0], TAGS[2]]
    with pytest.raises(InputError) as err:
        load_model_checkpoint(path, expected_tags=other)
    message = str(err.value)
    assert str(path) in message and "order" in message
    assert ", ".join(TAGS) in message and ", ".join(other) in message


def test_tag_set_mismatch_is_refused(saved):
    path, _ = saved
    with pytest.raises(InputError, match="missing.*H3K9me2"):
        load_model_checkpoint(path, expected_tags=TAGS[:2] + ["H3K9me2"])


def test_missing_and_unexpected_keys_are_refused(saved):
    path, _ = saved
    ckpt = load_model_checkpoint(path)
    bigger = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3), nn.Linear(3, 3))
    with pytest.raises(InputError, match="missing keys.*3.weight") as err:
        load_weights_strict(bigger, ckpt)
    assert str(path) in str(err.value)
    with pytest.raises(InputError, match="shapes"):
        load_weights_strict(_model(n_out=2), ckpt)


def test_foreign_or_truncated_file_is_an_input_error(tmp_path, saved):
    path, _ = saved
    broken = tmp_path / "broken.pt"
    broken.write_bytes(path.read_bytes()[:100])
    with pytest.raises(InputError, match="broken.pt"):
        load_model_checkpoint(broken)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, other)
    with pytest.raises(InputError, match="not a plantreg model checkpoint"):
        load_model_checkpoint(other)
