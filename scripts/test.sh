#!/usr/bin/env bash
# The whole test suite: lint, then pytest (unit, CLI, end-to-end runner, Nextflow parser checks,
# the web page in a real browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser test drives Debian's chromium (Playwright's own browser download is not used).
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
fi
.venv/bin/ruff check src bin tests benchmarks
.venv/bin/pytest -q --durations=25 "$@"
