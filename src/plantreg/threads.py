"""One way to bound the CPU threads a step uses (torch and the BLAS under numpy).

Every torch or numpy-heavy command takes ``--threads`` (Nextflow passes ``${task.cpus}``, the
runner the ``threads`` parameter): without it torch takes every core of the node, and on a shared
machine a training step runs several times slower than with fewer threads.
"""

from __future__ import annotations

import logging
import sys

import typer

from plantreg.errors import InputError

log = logging.getLogger(__name__)

THREADS_HELP = "CPU threads for torch and numpy (0: the libraries' default, every core)."


def threads_option() -> int:
    """The ``--threads`` typer option, declared once for every command that takes it."""
    return typer.Option(0, "--threads", min=0, help=THREADS_HELP)


def set_threads(threads: int) -> None:
    """Limit torch and numpy's BLAS to ``threads`` threads; 0 leaves the libraries' default."""
    if threads < 0:
        raise InputError(f"--threads must be 0 or more, got {threads}")
    if not threads:
        return
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)
    except ImportError:  # threadpoolctl comes with scikit-learn; without it BLAS keeps its default
        log.debug("threadpoolctl not installed: BLAS threads left at their default")
    if "torch" in sys.modules or _torch_available():
        import torch

        torch.set_num_threads(threads)


def _torch_available() -> bool:
    from importlib.util import find_spec

    return find_spec("torch") is not None
