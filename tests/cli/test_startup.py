"""`plantreg --version` and `--help` stay fast: the CLI defers heavy libraries to the commands that
need them (every Nextflow task pays the start-up once per process)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "sklearn", "matplotlib")


def test_cli_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, plantreg.cli.main; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
