#!/usr/bin/env bash
# The whole test suite: lint, then pytest (unit, CLI, end-to-end runner, Nextflow parser checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src bin tests benchmarks
.venv/bin/pytest -q "$@"
