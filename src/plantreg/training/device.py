"""Device and mixed-precision choice: CUDA (bf16 if supported, else fp16 + GradScaler), MPS, CPU."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import torch

from plantreg.errors import InputError

log = logging.getLogger(__name__)

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class AmpSettings:
    """How to run mixed precision on a device; ``dtype`` None means full float32."""

    device_type: str
    dtype: torch.dtype | None
    use_scaler: bool

    @property
    def enabled(self) -> bool:
        return self.dtype is not None

    def autocast(self) -> contextlib.AbstractContextManager:
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)

    def describe(self) -> str:
        if self.dtype is None:
            return "float32"
        name = str(self.dtype).removeprefix("torch.")
        return f"{name} + GradScaler" if self.use_scaler else name


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def select_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA, then MPS, then CPU; an explicit device that is absent is an error."""
    if name not in DEVICE_CHOICES and not name.startswith("cuda:"):
        raise InputError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device {name!r} requested but no CUDA device is available")
    if name == "mps" and not _mps_available():
        raise InputError("device 'mps' requested but MPS is not available")
    return torch.device(name)


def amp_settings(device: torch.device, enabled: bool = True) -> AmpSettings:
    """Mixed precision on CUDA only: bf16 where the GPU supports it, else fp16 with loss scaling.

    CPU autocast is slower than float32 for convolutions on most CPUs, and MPS autocast coverage
    is uneven, so both train in float32.
    """
    if not enabled or device.type != "cuda":
        return AmpSettings(device.type, None, False)
    if torch.cuda.is_bf16_supported():
        return AmpSettings("cuda", torch.bfloat16, False)
    return AmpSettings("cuda", torch.float16, True)


def make_grad_scaler(amp: AmpSettings) -> torch.amp.GradScaler:
    """A GradScaler that is a no-op unless fp16 needs it (its state is checkpointed either way)."""
    return torch.amp.GradScaler("cuda", enabled=amp.use_scaler)
