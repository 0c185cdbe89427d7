"""The app over the shared bundled run (tests/conftest.py), built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plantreg.serve.app import ServeSettings, create_app
from tests.conftest import REPO


def served(results: Path, raise_server_exceptions: bool = True, **settings: object) -> TestClient:
    # the bundled parameters name inputs relative to the repository root (the launch folder)
    return TestClient(create_app(ServeSettings(results=results, launch_dir=REPO, **settings)),
                      raise_server_exceptions=raise_server_exceptions)


@pytest.fixture(scope="session")
def client(bundled_run: Path) -> TestClient:
    with served(bundled_run) as test_client:
        yield test_client
