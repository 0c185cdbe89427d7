#!/usr/bin/env bash
# The main job on the bundled test data, on one machine, without Nextflow.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/plantreg run assets/test_params.yaml --outdir "${1:-results/test}"
