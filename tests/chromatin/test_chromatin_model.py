import pytest
import torch

from plantreg.chromatin.model import (
    SeiConfig,
    build_model,
    count_parameters,
    preset_config,
    reverse_complement,
)
from plantreg.chromatin.spline import bspline_basis


def _random_onehot(batch: int, length: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    codes = torch.randint(0, 5, (batch, length), generator=g)
    return torch.nn.functional.one_hot(codes, 5)[..., :4].transpose(1, 2).float()


def test_full_preset_parameter_count_without_allocating():
    with torch.device("meta"):
        model = build_model(preset_config("full", n_marks=20))
    n = count_parameters(model)
    print(f"full preset at 1,024 bp, 20 marks: {n:,} parameters")
    assert 65_000_000 <= n <= 80_000_000
    assert next(model.parameters()).is_meta
    assert model.head[0].out_features == 80  # max(32, 4 × 20): not as narrow as the marks


def test_small_preset_forward_gives_logits_per_mark():
    model = build_model(preset_config("small", n_marks=5)).eval()
    assert 100_000 <= count_parameters(model) <= 900_000
    out = model(_random_onehot(3, 1024))
    assert out.shape == (3, 5)
    # logits, not probabilities: no sigmoid inside, so values are not confined to (0, 1)
    assert not isinstance(model.head[-1], torch.nn.Sigmoid)


def test_wrong_input_length_is_named():
    model = build_model(preset_config("small", n_marks=2))
    with pytest.raises(ValueError, match="1024"):
        model(_random_onehot(1, 1000))


def test_reverse_complement_of_onehot():
    # ACGTN → reverse complement N A C G T
    x = torch.zeros(1, 4, 5)
    for pos, base in enumerate([0, 1, 2, 3]):
        x[0, base, pos] = 1
    rc = reverse_complement(x)
    expected = torch.zeros(1, 4, 5)
    for pos, base in [(1, 0), (2, 1), (3, 2), (4, 3)]:
        expected[0, base, pos] = 1
    assert torch.equal(rc, expected)


def test_rc_averaging_is_strand_invariant():
    torch.manual_seed(0)
    config = preset_config("small", n_marks=3, input_length=256, rc_average=True, padding="same")
    model = build_model(config).eval()
    x = _random_onehot(4, 256, seed=1)
    with torch.no_grad():
        forward, reverse = model(x), model(reverse_complement(x))
        model.rc_average = False
        plain_f, plain_r = model(x), model(reverse_complement(x))
    assert torch.allclose(forward, reverse, atol=1e-5)
    assert not torch.allclose(plain_f, plain_r, atol=1e-3)  # the averaging is what makes it so


def test_config_round_trip_and_spline_basis():
    config = preset_config("small", n_marks=4, hidden=48)
    assert SeiConfig.from_dict(config.to_dict()) == config
    assert build_model(config).head[0].out_features == 48
    basis = bspline_basis(64, 16)
    assert basis.shape == (64, 16)
    assert abs(basis.sum(axis=1) - 1).max() < 1e-5  # a partition of unity
    with pytest.raises(ValueError, match="unknown preset"):
        preset_config("huge", n_marks=2)


def _strip_and_windows(n: int, step: int, length: int = 1024) -> tuple[torch.Tensor, torch.Tensor]:
    strip = _random_onehot(1, length + (n - 1) * step, seed=3)
    strip[0, :, 700:820] = 0  # a run of N
    return strip, strip[0].unfold(-1, length, step).permute(1, 0, 2).contiguous()


def _randomise_batch_norm(model: torch.nn.Module) -> None:
    # trained running statistics, so that the check covers the normalisation too
    g = torch.Generator().manual_seed(5)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm1d):
            module.running_mean.copy_(torch.randn(module.num_features, generator=g))
            module.running_var.copy_(torch.rand(module.num_features, generator=g) + 0.5)


@pytest.mark.parametrize(("step", "rc"), [(128, False), (16, True), (1024, True)])
def test_strip_forward_equals_window_by_window(step, rc):
    torch.manual_seed(0)
    model = build_model(preset_config("small", n_marks=4, rc_average=rc)).eval()
    _randomise_batch_norm(model)
    strip, windows = _strip_and_windows(n=21, step=step)
    with torch.no_grad():
        one_by_one, at_once = model(windows), model.forward_strip(strip, step)
    assert at_once.shape == (21, 4)
    assert one_by_one.std() > 0.05  # the windows differ, so a shifted window would show
    torch.testing.assert_close(at_once, one_by_one, atol=1e-5, rtol=1e-4)


def test_strip_forward_refuses_what_it_cannot_do_exactly():
    model = build_model(preset_config("small", n_marks=2)).eval()
    strip, _ = _strip_and_windows(n=3, step=128)
    with pytest.raises(ValueError, match="multiple of 16"):
        model.forward_strip(strip[..., : 1024 + 2 * 24], 24)
    same = build_model(preset_config("small", n_marks=2, padding="same")).eval()
    assert not same.supports_strip(128)  # zero padding at window edges: windows one by one
    assert not model.train().supports_strip(128)


def test_motif_scanner_stays_finite_on_a_saturating_motif():
    # a filter that matches its motif with a huge score: exp would overflow without the clamp
    torch.manual_seed(0)
    model = build_model(preset_config("small", n_marks=2)).eval()
    with torch.no_grad():
        model.motifs.weight.zero_()
        model.motifs.weight[0, 0] = 100.0  # poly-A
        x = torch.zeros(1, 4, model.config.input_length)
        x[0, 0] = 1.0
        logits = model(x)
    assert torch.isfinite(logits).all()
    assert model.config.head_inputs == model.head[0].in_features


def test_motif_scanner_can_be_switched_off():
    with_scanner = build_model(preset_config("small", n_marks=2))
    without = build_model(preset_config("small", n_marks=2, motif_filters=0, grammar_filters=0))
    assert without.motifs is None and without.grammar is None
    config = with_scanner.config
    assert (with_scanner.head[0].in_features - without.head[0].in_features
            == 2 * config.motif_filters + 2 * config.grammar_filters)
    with pytest.raises(ValueError, match="motif_kernel"):
        preset_config("small", n_marks=2, motif_kernel=16)
    with pytest.raises(ValueError, match="grammar_filters=0"):
        preset_config("small", n_marks=2, motif_filters=0)


def _pair_detector(gap: int) -> torch.nn.Module:
    """A small model whose one pair detector is set by hand to "A, then B ``gap`` bp after A's
    end, same strand": what training has to find, so the architecture must be able to hold it."""
    from plantreg.chromatin.model import GRAMMAR_POOL
    from plantreg.chromatin.seeds import seed_scanner

    model = build_model(preset_config("small", n_marks=1, motif_filters=4, grammar_filters=1,
                                      grammar_channels=4)).eval()
    with torch.no_grad():
        seed_scanner(model.motifs, [MOTIF_A, MOTIF_B])  # filters 0, 2: A, B (1, 3: their RCs)
        pool, mix, pairs = model.grammar[0], model.grammar[1], model.grammar[2]
        assert isinstance(pool, torch.nn.MaxPool1d) and pool.kernel_size == GRAMMAR_POOL
        mix.weight.copy_(torch.eye(4).unsqueeze(-1))
        mix.bias.zero_()
        pairs.weight.zero_()
        shift = (len(MOTIF_A) + gap) / GRAMMAR_POOL  # B's pooled position after A's
        pairs.weight[0, 0, 0] = 1.0
        for offset in {int(shift), int(shift + 0.5)}:  # the pool of 2 leaves parity open
            pairs.weight[0, 2, offset] = 1.0
        pairs.bias.fill_(-3.0)  # softplus(2) ≈ 2.13 per full match: both are needed
    return model


MOTIF_A, MOTIF_B = "TGACGGTA", "CCATTGCA"


def _with_sites(*sites: tuple[str, int]) -> torch.Tensor:
    g = torch.Generator().manual_seed(11)
    codes = torch.randint(0, 4, (1024,), generator=g)
    for word, start in sites:
        codes[start : start + len(word)] = torch.tensor(["ACGT".index(b) for b in word])
    return torch.nn.functional.one_hot(codes, 4).T.float().unsqueeze(0)


@pytest.mark.parametrize("gap", [10, 33, 60])
def test_pair_detectors_can_express_order_and_spacing(gap):
    model = _pair_detector(gap)
    start = 400
    after_a = start + len(MOTIF_A)

    def response(x: torch.Tensor) -> float:
        with torch.no_grad():
            return float(model._scanner_maps(x)[1].amax())

    assert response(_with_sites((MOTIF_A, start), (MOTIF_B, after_a + gap))) > 1.0
    for wrong in (_with_sites((MOTIF_A, start), (MOTIF_B, after_a + gap + 12)),  # too far
                  _with_sites((MOTIF_B, start), (MOTIF_A, start + len(MOTIF_B) + gap)),  # swapped
                  _with_sites((MOTIF_A, start))):  # alone
        assert response(wrong) < 0.2
