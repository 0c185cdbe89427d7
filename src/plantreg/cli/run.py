"""``plantreg run``: the one-machine runner."""

from __future__ import annotations


def run() -> None:
    """Run the pipeline on one machine (placeholder until the runner lands)."""
    raise NotImplementedError
