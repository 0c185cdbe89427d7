"""Fixtures shared across test folders: one run of the whole pipeline on the bundled test data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_PARAMS = REPO / "assets" / "test_params.yaml"


def plantreg(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real CLI in a child process, from the repository root (Nextflow's launch dir)."""
    return subprocess.run(
        [sys.executable, "-m", "plantreg.cli.main", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )


def run_cli(*args: str) -> int:
    """The real CLI in this process (faster than a child process for small cases): its exit code."""
    from plantreg.cli.main import main

    try:
        main([*args])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def bundled_params(tmp_path: Path, **values: object) -> Path:
    """A parameters file: the bundled test parameters with ``values`` changed."""
    import yaml

    given = yaml.safe_load(TEST_PARAMS.read_text())
    given.update(values)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(given))
    return path


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``plantreg run assets/test_params.yaml`` (every stage), run once per test session; the
    end-to-end runner tests and the chromatin stage tests read its results folder.

    ``PLANTREG_TEST_RUN=<outdir>`` reuses a finished run of the same parameters (launched from
    the repository root) while working on one test file; CI never sets it."""
    reuse = os.environ.get("PLANTREG_TEST_RUN")
    if reuse:
        assert (Path(reuse) / "pipeline_info").is_dir(), f"PLANTREG_TEST_RUN={reuse}: not a run"
        return Path(reuse)
    outdir = tmp_path_factory.mktemp("run") / "results"
    result = plantreg("run", str(TEST_PARAMS), "--outdir", str(outdir),
                      "--work-dir", str(outdir.parent / "work"))
    assert result.returncode == 0, result.stderr[-3000:]
    return outdir
