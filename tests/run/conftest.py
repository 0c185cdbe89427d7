from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_PARAMS = REPO / "assets" / "test_params.yaml"


def plantreg(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real CLI in a child process, from the repository root (Nextflow's launch dir)."""
    return subprocess.run(
        [sys.executable, "-m", "plantreg.cli.main", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="session")
def test_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PREPARE_DATA run of the runner on the bundled test data, shared by the e2e tests."""
    outdir = tmp_path_factory.mktemp("run") / "results"
    result = plantreg("run", str(TEST_PARAMS), "--outdir", str(outdir))
    assert result.returncode == 0, result.stderr[-3000:]
    return outdir
