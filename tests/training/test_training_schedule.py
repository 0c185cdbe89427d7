import pytest
import torch

from plantreg.training.schedule import WarmupCosine, warmup_cosine


def test_warmup_then_cosine_to_the_floor():
    f = WarmupCosine(total_steps=100, warmup_steps=10, min_ratio=0.1)
    ramp = [f(s) for s in range(10)]
    assert ramp == sorted(ramp) and ramp[0] < 0.2
    assert f(10) == pytest.approx(1.0)
    decay = [f(s) for s in range(10, 101)]
    assert decay == sorted(decay, reverse=True)
    assert f(100) == pytest.approx(0.1)


def test_scheduler_state_round_trip():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([p], lr=1.0)
    sched = warmup_cosine(opt, 50, 0.1, 0.0)
    for _ in range(7):
        opt.step()
        sched.step()
    other = warmup_cosine(torch.optim.AdamW([p], lr=1.0), 50, 0.1, 0.0)
    other.load_state_dict(sched.state_dict())
    assert other.get_last_lr() == sched.get_last_lr()
