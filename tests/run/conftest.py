from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_PARAMS, plantreg

__all__ = ["REPO", "TEST_PARAMS", "plantreg"]


@pytest.fixture(scope="session")
def test_run(bundled_run: Path) -> Path:
    """The shared whole-pipeline run of the bundled test data (tests/conftest.py)."""
    return bundled_run
