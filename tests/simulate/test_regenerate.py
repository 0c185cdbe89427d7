"""The committed assets/test_data is exactly what the seed produces."""

from __future__ import annotations

from pathlib import Path

from tests.simulate.conftest import COMMITTED


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_regeneration_is_byte_identical(sim: Path) -> None:
    fresh, committed = _files(sim), _files(COMMITTED)
    assert sorted(fresh) == sorted(committed)
    differing = [name for name in fresh if fresh[name].read_bytes() != committed[name].read_bytes()]
    assert differing == []


def test_committed_data_is_small() -> None:
    total = sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file())
    # 4.1 MB of chromatin genome pair + 1.8 MB of expression set (an expression model needs
    # hundreds of genes per species)
    assert total <= 6.5 * 1024 * 1024
