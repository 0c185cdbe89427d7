"""``plantreg simulate``: write a synthetic plant genome pair with planted ground truth."""

from __future__ import annotations


def simulate() -> None:
    """Write a synthetic species pair (placeholder until the simulator lands)."""
    raise NotImplementedError
