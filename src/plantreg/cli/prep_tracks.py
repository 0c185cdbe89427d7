"""``plantreg prep`` commands for tracks and annotation: merge-peaks, labels, promoters."""

from __future__ import annotations

from plantreg.cli.prep import app  # noqa: F401
