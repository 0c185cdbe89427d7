"""Genome-wide inference, streamed: tiles from an indexed FASTA → one bedGraph per mark.

Windows come from :func:`plantreg.genome.windows.tile_chromosome` (the stride lattice from 0, in
batches of codes fetched from the ``.fai``-indexed FASTA), are one-hot encoded on the device by one
table lookup per batch, and their probabilities are written at once: each window's value goes to
its central ``stride`` bp, ``[start + (W−S)/2, start + (W+S)/2)``, so consecutive windows tile the
chromosome without gaps or overlaps. Nothing is accumulated, so memory does not grow with genome
size. With the default unpadded network and a stride that is a multiple of 16, consecutive
windows go to the network as one strip (``SeiNetwork.forward_strip``): the same probabilities as
one window at a time, with the convolution blocks run once over the strip. N policy (contract):
a window whose N fraction exceeds ``max_n_fraction`` is skipped and counted; its bin is left
without a value (a gap in the track, never a made-up number). Records shorter than the window
are skipped and counted: a row with status ``too_short`` in the report each, and one log line with
their number and bp (an explicitly requested ``--chrom`` is an error, and so is a whole genome
without a single record as long as the window). One chunk of the genome (``chunk``, with the
``chunk_size`` of :mod:`plantreg.genome.chunks`) is rebuilt from the ``.fai``; a chunk of short
records alone gives empty bedGraphs and its report.
Values are raw probabilities (never rescaled).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from plantreg.chromatin.load import load_chromatin_model
from plantreg.errors import InputError
from plantreg.genome.chunks import check_chunk_size, chunk_records
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.windows import max_n_allowed, tile_chromosome, tile_plan
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

REPORT_NAME = "predict.report.tsv"
FETCH_BATCH = 8192  # windows fetched from the FASTA at once (8 MB of codes at 1,024 bp)


@dataclass
class PredictSummary:
    windows: int
    dropped_n: int
    seconds: float

    @property
    def windows_per_second(self) -> float:
        return self.windows / self.seconds if self.seconds else float("nan")


def check_stride(window: int, stride: int) -> None:
    if not 0 < stride <= window:
        raise InputError(f"--stride must be within [1, {window}] (the window), got {stride}")
    if (window - stride) % 2:
        raise InputError(
            f"window − stride must be even so that the central {stride} bp are centred "
            f"(window {window}, stride {stride})"
        )


def central_bins(starts: np.ndarray, window: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``[start, end)`` of each window's central ``stride`` bp."""
    offset = (window - stride) // 2
    return starts + offset, starts + offset + stride


class OneHot:
    """uint8 codes ``(B, L)`` → float ``(B, 4, L)`` on the device by one lookup (N → zeros)."""

    def __init__(self, device: torch.device, dtype: torch.dtype = torch.float32) -> None:
        table = torch.cat([torch.eye(4), torch.zeros(1, 4)]).to(device=device, dtype=dtype)
        self.table, self.device = table, device

    def __call__(self, codes: np.ndarray) -> torch.Tensor:
        index = torch.from_numpy(np.ascontiguousarray(codes)).to(self.device, non_blocking=True)
        return self.table[index.long()].transpose(1, 2)


@torch.inference_mode()
def predict_codes(
    model: torch.nn.Module, encoder: OneHot, codes: np.ndarray, batch_size: int, autocast
) -> np.ndarray:
    """Probabilities ``(n, n_marks)`` of windows given as uint8 codes, in batches."""
    parts = []
    for first in range(0, len(codes), batch_size):
        with autocast():
            logits = model(encoder(codes[first : first + batch_size]))
        parts.append(torch.sigmoid(logits.float()).cpu().numpy())
    if not parts:
        return np.zeros((0, model.config.n_marks), dtype=np.float32)
    return np.concatenate(parts)


def lattice_runs(starts: np.ndarray, stride: int) -> list[tuple[int, int]]:
    """``[first, end)`` index ranges of windows that follow each other at ``stride``."""
    breaks = np.flatnonzero(np.diff(starts) != stride) + 1
    edges = np.concatenate([[0], breaks, [len(starts)]]).tolist()
    return list(zip(edges[:-1], edges[1:], strict=True))


@torch.inference_mode()
def predict_strips(
    model: torch.nn.Module, encoder: OneHot, codes: np.ndarray, starts: np.ndarray, stride: int,
    batch_size: int, autocast,
) -> np.ndarray:
    """As :func:`predict_codes`, with each run of up to ``batch_size`` consecutive windows sent as
    one strip (``SeiNetwork.forward_strip``): the same numbers, far less convolution work."""
    window = codes.shape[1]
    parts = [np.zeros((0, model.config.n_marks), dtype=np.float32)]
    for first, end in lattice_runs(starts, stride):
        for a in range(first, end, batch_size):
            b = min(a + batch_size, end)
            # window i+1 adds the `stride` bases after window i's end
            strip = np.concatenate([codes[a], codes[a + 1 : b, window - stride :].ravel()])
            with autocast():
                logits = model.forward_strip(encoder(strip[None]), stride)
            parts.append(torch.sigmoid(logits.float()).cpu().numpy())
    return np.concatenate(parts)


def _write_lines(handles: list, chrom: str, lo: np.ndarray, hi: np.ndarray,
                 probs: np.ndarray) -> None:
    coords = [f"{chrom}\t{a}\t{b}\t" for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
    for j, handle in enumerate(handles):
        handle.write("".join(f"{c}{v:.6g}\n" for c, v in zip(coords, probs[:, j].tolist(),
                                                            strict=True)))


def predict_genome(
    checkpoint: str | Path,
    fasta: str | Path,
    outdir: str | Path,
    stride: int = 128,
    chroms: list[str] | None = None,
    batch_size: int = 256,
    max_n_fraction: float = 0.0,
    device: str = "auto",
    amp: bool = True,
    strips: bool = True,
    chunk: str | None = None,
    chunk_size: int | None = None,
) -> PredictSummary:
    """Write ``outdir/<MARK>.bedGraph`` per mark and ``outdir/predict.report.tsv``: for ``chroms``,
    for chunk ``chunk`` of the plan at ``chunk_size`` bp, or for the whole genome."""
    from plantreg.training.device import amp_settings, select_device

    if chunk is not None:
        if chroms:
            raise InputError("give either --chrom or --chunk, not both")
        if chunk_size is None:
            raise InputError("--chunk needs --chunk-size (the size given to `plantreg prep "
                             "chunks`)")
        check_chunk_size(chunk_size)
    model, ckpt = load_chromatin_model(checkpoint)
    window = model.config.input_length
    check_stride(window, stride)
    if batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, got {batch_size}")
    max_n = max_n_allowed(window, max_n_fraction)
    torch_device = select_device(device)
    model.to(torch_device)
    autocast = amp_settings(torch_device, amp).autocast
    encoder = OneHot(torch_device)

    use_strips = strips and model.supports_strip(stride)

    def predict(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
        if use_strips:
            return predict_strips(model, encoder, codes, starts, stride, batch_size, autocast)
        return predict_codes(model, encoder, codes, batch_size, autocast)

    outdir = Path(outdir)
    started = time.perf_counter()
    with open_fasta(fasta) as handle:
        if chunk is not None:
            records = chunk_records(read_fai(fasta), chunk_size, chunk, fasta)
            plan = tile_plan(fasta, window, stride, [name for name, _ in records], strict=False)
            log.info("%s: %d record(s), %d bp", chunk, len(records),
                     sum(length for _, length in records))
        else:
            plan = tile_plan(fasta, window, stride, chroms)
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(atomic_open(outdir / f"{tag}.bedGraph"))
                     for tag in ckpt.tags]
            for counts in plan:
                if not counts.grid:  # too short: counted in the plan, nothing to tile
                    continue
                for part in tile_chromosome(handle, counts.chrom, counts.length, window, stride,
                                            max_n, FETCH_BATCH):
                    probs = predict(part.codes, part.starts)
                    _write_lines(files, counts.chrom, *central_bins(part.starts, window, stride),
                                 probs)
                    counts.kept += len(part.starts)
                    counts.dropped_n += part.dropped_n
                log.info("%s: %d windows predicted, %d skipped for N", counts.chrom, counts.kept,
                         counts.dropped_n)
    seconds = time.perf_counter() - started
    _write_report(outdir / REPORT_NAME, plan, stride)
    summary = PredictSummary(sum(c.kept for c in plan), sum(c.dropped_n for c in plan), seconds)
    log.info("predicted %d windows in %.1f s (%.0f windows/s)", summary.windows, seconds,
             summary.windows_per_second)
    return summary


def _write_report(path: Path, plan: list, stride: int) -> None:
    table = pd.DataFrame(
        [{"chrom": c.chrom, "length": c.length, "grid": c.grid, "predicted": c.kept,
          "dropped_n": c.dropped_n, "status": c.status, "stride": stride} for c in plan]
    )
    with atomic_open(path) as out:
        table.to_csv(out, sep="\t", index=False)
