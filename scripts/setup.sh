#!/usr/bin/env bash
# Create .venv and install plantreg into it (idempotent). Used by demo.sh, test.sh and .ci/run.
# torch is pinned to the CPU build that this machine kind has on disk; see docs/usage.md for GPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
TORCH_SPEC=${PLANTREG_TORCH:-torch==2.13.0}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  .venv/bin/pip install -q "$TORCH_SPEC"
fi
.venv/bin/pip install -q -e ".[dev]"
bash scripts/fetch_igv.sh  # igv.js for `plantreg serve` (npm registry, pinned hash)
.venv/bin/plantreg --version
