import numpy as np
import pytest

from plantreg.training.sampler import EpochShuffleSampler


def _epoch(sampler: EpochShuffleSampler, epoch: int) -> list[int]:
    sampler.set_epoch(epoch)
    return list(sampler)


def test_epoch_size_draws_a_fresh_sample_without_replacement_each_epoch():
    sampler = EpochShuffleSampler(1000, seed=3, epoch_size=64)
    assert len(sampler) == 64
    first, second = _epoch(sampler, 1), _epoch(sampler, 2)
    assert len(set(first)) == 64 and set(first) <= set(range(1000))
    assert first != second
    assert _epoch(EpochShuffleSampler(1000, seed=3, epoch_size=64), 1) == first  # seeded
    seen = set().union(*(_epoch(sampler, e) for e in range(1, 60)))
    assert len(seen) > 950  # over many epochs nearly every item is drawn


def test_without_epoch_size_an_epoch_is_a_full_permutation():
    sampler = EpochShuffleSampler(50, seed=0)
    assert sorted(_epoch(sampler, 4)) == list(range(50))
    assert len(EpochShuffleSampler(10, seed=0, epoch_size=99)) == 10  # capped at n
    assert list(EpochShuffleSampler(5, seed=0, shuffle=False)) == list(range(5))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"epoch_size": 0}, "at least 1"),
    ({"epoch_size": 5, "shuffle": False}, "needs shuffle"),
])
def test_bad_epoch_size_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EpochShuffleSampler(10, seed=0, **kwargs)


def test_sample_is_uniform_over_items():
    sampler = EpochShuffleSampler(20, seed=1, epoch_size=5)
    counts = np.bincount(np.concatenate([_epoch(sampler, e) for e in range(1, 801)]), minlength=20)
    assert counts.min() > 150 and counts.max() < 250  # expected 200 each
