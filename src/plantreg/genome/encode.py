"""Sequence codes: ASCII → uint8 (A0 C1 G2 T3 N/other 4) through one 256-entry lookup table.

Soft-masked (lower-case) bases get the same code as upper-case ones: soft-masking is ignored
everywhere (contract). Every function here is vectorised; nothing loops over bases in Python.
Also holds :class:`NpyRowWriter`, the streaming ``.npy`` writer used for arrays whose row count is
only known at the end (tiling, SeiPlant import).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from plantreg.io import atomic_path

N_CODE = 4
ALPHABET = "ACGTN"

LUT = np.full(256, N_CODE, dtype=np.uint8)
for _code, _base in enumerate(b"ACGT"):
    LUT[_base] = _code
    LUT[_base + 32] = _code  # lower case: soft-masking is ignored
# The same table as bytes: bytes.translate runs at memory speed, unlike fancy indexing with uint8
# indices (numpy converts them to intp first).
_TABLE = LUT.tobytes()
_COMPLEMENT = np.array([3, 2, 1, 0, N_CODE], dtype=np.uint8)
_DECODE = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)


def encode(seq: str | bytes | np.ndarray) -> np.ndarray:
    """Encode a sequence (str, bytes or uint8 ASCII array) to uint8 codes."""
    if isinstance(seq, str):
        seq = seq.encode("ascii", errors="replace")
    if isinstance(seq, bytes | bytearray):
        return np.frombuffer(seq.translate(_TABLE), dtype=np.uint8)
    return LUT[seq]


def decode(codes: np.ndarray) -> str:
    """Codes back to an upper-case ACGTN string (for tests and FASTA export)."""
    return _DECODE[np.asarray(codes, dtype=np.uint8)].tobytes().decode("ascii")


def reverse_complement(codes: np.ndarray) -> np.ndarray:
    """Reverse complement along the last axis; N stays N."""
    return _COMPLEMENT[np.asarray(codes)[..., ::-1]]


def one_hot(codes: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """``(..., L)`` codes → ``(..., L, 4)`` one-hot in A,C,G,T order; N is an all-zero row."""
    eye = np.vstack([np.eye(4, dtype=dtype), np.zeros((1, 4), dtype=dtype)])
    return eye[np.asarray(codes)]


def _header_bytes(shape: tuple[int, ...], dtype: np.dtype, length: int | None = None) -> bytes:
    """A version-1.0 ``.npy`` header, space-padded to ``length`` bytes (or 64-byte aligned)."""
    text = repr({"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
                 "shape": tuple(shape)})
    prefix = 10  # magic (6) + version (2) + header length (2)
    if length is None:
        length = -(-(prefix + len(text) + 1) // 64) * 64
    pad = length - prefix - len(text) - 1
    if pad < 0:
        raise ValueError("npy header does not fit the reserved space")
    body = (text + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body


class NpyRowWriter:
    """Append rows of a fixed width to an ``.npy`` file whose row count is known only at the end.

    The header is first written for ``max_rows`` (an upper bound); rows are appended with plain
    ``write`` calls (no memory map, so written pages never count towards this process's memory),
    and on close the header is rewritten, padded to the same length, with the true row count.
    """

    def __init__(self, handle: BinaryIO, width: int, max_rows: int, dtype: type = np.uint8) -> None:
        self._handle = handle
        self._width = width
        self._dtype = np.dtype(dtype)
        self._header_len = len(_header_bytes((max(max_rows, 1), width), self._dtype))
        self.rows = 0
        handle.write(_header_bytes((max(max_rows, 1), width), self._dtype))

    def write(self, rows: np.ndarray) -> None:
        rows = np.ascontiguousarray(rows, dtype=self._dtype)
        if rows.ndim != 2 or rows.shape[1] != self._width:
            raise ValueError(f"rows must be (n, {self._width}), got {rows.shape}")
        if rows.size:
            self._handle.write(rows.reshape(-1).data)  # the buffer itself: no extra copy
        self.rows += rows.shape[0]

    def finish(self) -> None:
        self._handle.seek(0)
        self._handle.write(
            _header_bytes((self.rows, self._width), self._dtype, length=self._header_len)
        )
        self._handle.flush()


@contextlib.contextmanager
def npy_row_writer(path: str | Path, width: int, max_rows: int,
                   dtype: type = np.uint8) -> Iterator[NpyRowWriter]:
    """Atomic :class:`NpyRowWriter`: the file appears at ``path`` only when the block succeeds."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        writer = NpyRowWriter(handle, width, max_rows, dtype)
        yield writer
        writer.finish()


__all__ = [
    "ALPHABET", "LUT", "N_CODE", "NpyRowWriter", "decode", "encode", "npy_row_writer",
    "one_hot", "reverse_complement",
]
