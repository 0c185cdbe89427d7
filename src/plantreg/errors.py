"""The one exception type for bad user input.

Library code raises :class:`InputError` with a message that names the file and the problem; the
CLI turns it into a single ``error: ...`` line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input from the user: a malformed file, inconsistent names, an impossible option."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{path}: {message}" if path is not None else message)
