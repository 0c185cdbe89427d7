"""Per-base signed importance of a promoter → expression model (EXPLAIN, Mix_cre's explanations).

Every method explains a differentiable ``f``: ``(n, 4, L)`` one-hot (A, C, G, T channels; N is an
all-zero column) → ``(n,)`` predicted expression, and gives one signed score per base: positive
means the reference base raises the prediction.

* ``ism``: in-silico mutagenesis of every base to the three others. Mutants are built in batches
  (one forward pass per batch of ``batch_size`` mutants, never one per base); the score is the
  reference prediction minus the mean prediction of the three alternatives.
* ``occlusion``: windows of ``window`` bases every ``stride`` bases (plus one flush with the end,
  so every base is covered) replaced by N (``fill='n'``) or by a seeded dinucleotide shuffle of the
  window (``fill='shuffle'``, tangermeme); a base scores the mean of ``ref - occluded`` over the
  windows that cover it. Done in torch rather than captum's ``Occlusion``: captum needs one fixed
  baseline tensor, which cannot express a per-window shuffle.
* ``gxi``: gradient × input (captum ``InputXGradient``) summed over the four channels, i.e. the
  gradient at the reference base.
* ``ig``: integrated gradients (captum) from a uniform 0.25 background, summed over channels.

N bases (padding) score 0 under every method: they are not sequence, so they explain nothing, and
ISM skips them (fewer forward passes). Call these on a model in eval mode (dropout would make the
batched and the one-at-a-time ISM disagree); :func:`explain_genes` sets it when it can.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from tqdm.auto import tqdm

from plantreg.errors import InputError
from plantreg.genome.encode import ALPHABET, N_CODE
from plantreg.genome.encode import one_hot as genome_one_hot
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

ModelFn = Callable[[torch.Tensor], torch.Tensor]
METHODS = ("ism", "occlusion", "gxi", "ig")
FILLS = ("n", "shuffle")


@dataclass(frozen=True)
class ExplainSettings:
    """Options of every method (only those of the methods asked for are used)."""

    batch_size: int = 64  # ISM mutants / occluded copies per forward pass; IG internal batch
    occlusion_window: int = 20
    occlusion_stride: int = 5
    occlusion_fill: str = "n"
    ig_steps: int = 32
    seed: int = 0
    device: str | torch.device = "cpu"
    dtype: torch.dtype = torch.float32

    def check(self) -> None:
        if self.batch_size < 1:
            raise InputError(f"batch size must be at least 1, got {self.batch_size}")
        if self.occlusion_window < 1 or self.occlusion_stride < 1:
            raise InputError("occlusion window and stride must be at least 1, got "
                             f"{self.occlusion_window} and {self.occlusion_stride}")
        if self.occlusion_fill not in FILLS:
            raise InputError(f"unknown occlusion fill {self.occlusion_fill!r}; "
                             f"choose one of {', '.join(FILLS)}")
        if self.ig_steps < 1:
            raise InputError(f"integrated-gradient steps must be at least 1, got {self.ig_steps}")


def parse_methods(methods: str | Sequence[str]) -> list[str]:
    """``"ism,gxi"`` or a list → the methods in the order given, duplicates dropped."""
    names = methods.split(",") if isinstance(methods, str) else list(methods)
    names = list(dict.fromkeys(m.strip() for m in names if m.strip()))
    unknown = [m for m in names if m not in METHODS]
    if unknown:
        raise InputError(f"unknown explanation method(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(METHODS)}")
    if not names:
        raise InputError(f"no explanation method given; choose from {', '.join(METHODS)}")
    return names


def parse_method(method: str) -> str:
    """Exactly one method name (``scan-cre --method``, ``gather --method``)."""
    names = parse_methods(method)
    if len(names) != 1:
        raise InputError(f"give one method, not {method!r}")
    return names[0]


def one_hot_tensor(codes: np.ndarray, dtype: torch.dtype = torch.float32,
                   device: str | torch.device = "cpu") -> torch.Tensor:
    """``(L,)`` or ``(n, L)`` codes → ``(n, 4, L)`` one-hot tensor, channels first."""
    x = genome_one_hot(np.atleast_2d(np.asarray(codes))).transpose(0, 2, 1)
    return torch.from_numpy(np.ascontiguousarray(x)).to(device=device, dtype=dtype)


def predict(f: ModelFn, x: torch.Tensor) -> torch.Tensor:
    """``f(x)`` as ``(n,)``; an ``(n, 1)`` output is accepted, anything else is an error."""
    out = f(x)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if tuple(out.shape) != (x.shape[0],):
        raise ValueError(f"the model must give one value per sequence, got {tuple(out.shape)} "
                         f"for {x.shape[0]} sequences")
    return out


def _mutations(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (position, alternative base) of the non-N positions, three per position."""
    pos = np.flatnonzero(codes < N_CODE)
    alt = (codes[pos, None].astype(np.int64) + np.arange(1, 4)) % 4
    return np.repeat(pos, 3), alt.ravel()


def _mutants(ref: torch.Tensor, pos: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
    """``(m, 4, L)`` copies of ``ref (4, L)``, copy k with base ``base[k]`` at ``pos[k]``."""
    x = ref.expand(len(pos), -1, -1).clone()
    rows = torch.arange(len(pos), device=ref.device)
    x[rows, :, pos] = 0
    x[rows, base, pos] = 1
    return x


def _ism_result(delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The reference column of delta is 0, so the mean over the 3 alternatives is sum / 3.
    return delta, -delta.sum(axis=1) / 3


@torch.no_grad()
def ism_batched(f: ModelFn, codes: np.ndarray, batch_size: int = 256, *,
                device: str | torch.device = "cpu",
                dtype: torch.dtype = torch.float32) -> tuple[np.ndarray, np.ndarray]:
    """ISM of one sequence ``(L,)``: the ``(L, 4)`` deltas (mutant − reference; 0 at the
    reference base and at N) and the per-base score (reference − mean of the 3 alternatives)."""
    codes = np.asarray(codes)
    ref = one_hot_tensor(codes, dtype, device)[0]
    ref_pred = predict(f, ref[None])[0]
    pos, base = _mutations(codes)
    out = torch.empty(len(pos), dtype=ref_pred.dtype, device=device)
    pos_t = torch.from_numpy(pos).to(device)
    base_t = torch.from_numpy(base).to(device)
    for lo in range(0, len(pos), batch_size):
        hi = lo + batch_size
        out[lo:hi] = predict(f, _mutants(ref, pos_t[lo:hi], base_t[lo:hi]))
    delta = np.zeros((len(codes), 4), dtype=_numpy_dtype(dtype))
    delta[pos, base] = (out - ref_pred).cpu().numpy()
    return _ism_result(delta)


@torch.no_grad()
def ism_naive(f: ModelFn, codes: np.ndarray, *, positions: Sequence[int] | None = None,
              device: str | torch.device = "cpu",
              dtype: torch.dtype = torch.float32) -> tuple[np.ndarray, np.ndarray]:
    """The same as :func:`ism_batched`, one mutant per forward pass (tests and benchmark only);
    with ``positions``, only those are mutated (the others keep 0)."""
    codes = np.asarray(codes)
    ref = one_hot_tensor(codes, dtype, device)
    ref_pred = predict(f, ref)[0]
    delta = np.zeros((len(codes), 4), dtype=_numpy_dtype(dtype))
    todo = np.arange(len(codes)) if positions is None else np.asarray(positions)
    for i in todo[codes[todo] < N_CODE]:
        for b in range(4):
            if b == codes[i]:
                continue
            x = ref.clone()
            x[0, :, i] = 0
            x[0, b, i] = 1
            delta[i, b] = (predict(f, x)[0] - ref_pred).item()
    return _ism_result(delta)


def _numpy_dtype(dtype: torch.dtype) -> type:
    return np.float64 if dtype == torch.float64 else np.float32


def occlusion_starts(length: int, window: int, stride: int) -> np.ndarray:
    """Window starts every ``stride`` bases, plus one flush with the end so every base counts."""
    window = min(window, length)
    starts = np.arange(0, length - window + 1, stride)
    if starts[-1] + window < length:
        starts = np.append(starts, length - window)
    return starts


def _window_fill(ref: torch.Tensor, starts: np.ndarray, window: int, fill: str,
                 seed: int | Sequence[int]) -> torch.Tensor:
    """``(W, 4, window)``: what replaces each window (N, or its own dinucleotide shuffle)."""
    if fill == "n":
        return ref.new_zeros((len(starts), 4, window))
    from tangermeme.ersatz import dinucleotide_shuffle

    cols = torch.from_numpy(starts[:, None] + np.arange(window)).to(ref.device)
    pieces = ref[:, cols].permute(1, 0, 2).float().cpu()  # (W, 4, window)
    # One seed per window, drawn from the gene's seed: the shuffles do not depend on the batch.
    seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, size=len(starts)).tolist()
    shuffled = dinucleotide_shuffle(pieces, n=1, random_state=seeds, allow_N=True)[:, 0]
    return shuffled.to(device=ref.device, dtype=ref.dtype)


def _mean_over_windows(diffs: np.ndarray, starts: np.ndarray, window: int,
                       length: int) -> np.ndarray:
    """Per base: the mean of ``diffs`` over the windows that cover it (difference arrays)."""
    total = np.zeros(length + 1)
    count = np.zeros(length + 1)
    np.add.at(total, starts, diffs)
    np.add.at(total, starts + window, -diffs)
    np.add.at(count, starts, 1)
    np.add.at(count, starts + window, -1)
    return np.cumsum(total)[:length] / np.maximum(np.cumsum(count)[:length], 1)


@torch.no_grad()
def occlusion(f: ModelFn, codes: np.ndarray, window: int = 20, stride: int = 5,
              fill: str = "n", *, seed: int | Sequence[int] = 0, batch_size: int = 256,
              device: str | torch.device = "cpu",
              dtype: torch.dtype = torch.float32) -> np.ndarray:
    """Per-base occlusion score ``(L,)`` of one sequence: mean ``ref − occluded`` prediction."""
    if fill not in FILLS:
        raise InputError(f"unknown occlusion fill {fill!r}; choose one of {', '.join(FILLS)}")
    codes = np.asarray(codes)
    ref = one_hot_tensor(codes, dtype, device)[0]
    window = min(window, len(codes))
    starts = occlusion_starts(len(codes), window, stride)
    fills = _window_fill(ref, starts, window, fill, seed).transpose(1, 2)  # (W, window, 4)
    cols = torch.from_numpy(starts[:, None] + np.arange(window)).to(device)
    ref_pred = predict(f, ref[None])[0]
    diffs = torch.empty(len(starts), dtype=ref_pred.dtype, device=device)
    for lo in range(0, len(starts), batch_size):
        hi = min(lo + batch_size, len(starts))
        x = ref.expand(hi - lo, -1, -1).clone()
        rows = torch.arange(hi - lo, device=device)[:, None]
        x[rows, :, cols[lo:hi]] = fills[lo:hi]
        diffs[lo:hi] = ref_pred - predict(f, x)
    score = _mean_over_windows(diffs.cpu().double().numpy(), starts, window, len(codes))
    return _zero_n(score, codes)


def _zero_n(score: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.where(codes < N_CODE, score, 0.0)


def _as_column(f: ModelFn) -> ModelFn:
    # captum's form: one output column, explained with target=0.
    return lambda x: predict(f, x)[:, None]


def gradient_x_input(f: ModelFn, codes: np.ndarray, *, device: str | torch.device = "cpu",
                     dtype: torch.dtype = torch.float32) -> np.ndarray:
    """Per-base gradient × input ``(L,)``: the gradient at the reference base, signed."""
    from captum.attr import InputXGradient

    x = one_hot_tensor(codes, dtype, device).requires_grad_(True)
    attr = InputXGradient(_as_column(f)).attribute(x, target=0)
    return attr.sum(dim=1)[0].detach().cpu().double().numpy()


def integrated_gradients(f: ModelFn, codes: np.ndarray, steps: int = 32, *,
                         batch_size: int = 256, device: str | torch.device = "cpu",
                         dtype: torch.dtype = torch.float32) -> np.ndarray:
    """Per-base integrated gradients ``(L,)`` from a uniform 0.25 background, channels summed."""
    from captum.attr import IntegratedGradients

    x = one_hot_tensor(codes, dtype, device).requires_grad_(True)
    baseline = torch.full_like(x, 0.25)
    attr = IntegratedGradients(_as_column(f)).attribute(
        x, baselines=baseline, target=0, n_steps=steps, internal_batch_size=batch_size)
    return _zero_n(attr.sum(dim=1)[0].detach().cpu().double().numpy(), np.asarray(codes))


def _gene_seed(seed: int, gene: str) -> list[int]:
    # crc32, not hash(): stable across processes, so a gene's shuffles do not depend on its chunk.
    return [seed, zlib.crc32(gene.encode())]


def explain_one(f: ModelFn, codes: np.ndarray, method: str, settings: ExplainSettings,
                gene: str = "") -> np.ndarray:
    """One method's per-base score ``(L,)`` of one sequence."""
    common = {"device": settings.device, "dtype": settings.dtype}
    if method == "ism":
        return ism_batched(f, codes, settings.batch_size, **common)[1]
    if method == "occlusion":
        return occlusion(f, codes, settings.occlusion_window, settings.occlusion_stride,
                         settings.occlusion_fill, seed=_gene_seed(settings.seed, gene),
                         batch_size=settings.batch_size, **common)
    if method == "gxi":
        return gradient_x_input(f, codes, **common)
    if method == "ig":
        return integrated_gradients(f, codes, settings.ig_steps,
                                    batch_size=settings.batch_size, **common)
    raise InputError(f"unknown explanation method {method!r}; choose from {', '.join(METHODS)}")


def _set_eval(model_fn: ModelFn) -> None:
    """Eval mode for a module or a module's bound method (dropout off, batch norm frozen)."""
    owner = model_fn if isinstance(model_fn, nn.Module) else getattr(model_fn, "__self__", None)
    if isinstance(owner, nn.Module):
        owner.eval()


def explain_genes(model_fn: ModelFn, codes_matrix: np.ndarray, methods: str | Sequence[str],
                  settings: ExplainSettings | None = None,
                  gene_ids: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Every method on every row of ``codes_matrix (m, L)`` → ``{method: (m, L) float32}``."""
    settings = settings or ExplainSettings()
    settings.check()
    names = parse_methods(methods)
    codes_matrix = np.asarray(codes_matrix)
    if codes_matrix.ndim != 2:
        raise InputError(f"codes must be a (genes, length) matrix, got shape {codes_matrix.shape}")
    m, length = codes_matrix.shape
    genes = list(gene_ids) if gene_ids is not None else [str(i) for i in range(m)]
    if len(genes) != m:
        raise InputError(f"{len(genes)} gene ids for {m} sequences")
    _set_eval(model_fn)
    scores = {name: np.zeros((m, length), dtype=np.float32) for name in names}
    with tqdm(total=m, desc="explain", unit="gene", disable=None, leave=False) as bar:
        for i in range(m):
            for name in names:
                scores[name][i] = explain_one(model_fn, codes_matrix[i], name, settings, genes[i])
            bar.update()
    log.info("explained %d genes of %d bp with %s", m, length, ", ".join(names))
    return scores


# --- gene selection and the scores files (``explain``'s outputs, ``scan-cre``/``gather``'s inputs)

SPLITS = {"train": 0, "valid": 1, "test": 2}
GENE_SETS = ("test", "all")
_RESERVED = ("gene_id", "species", "codes")


def select_genes(species: Sequence[str], gene_ids: Sequence[str], split: np.ndarray,
                 genes: str = "test", max_genes: int = 0, chunk: int = 0,
                 n_chunks: int = 1) -> np.ndarray:
    """Row indices of one chunk: the ``genes`` set sorted by (species, gene_id), the first
    ``max_genes`` of each species (0 = all), then chunk ``chunk`` of ``n_chunks``
    (``np.array_split`` order)."""
    if genes not in GENE_SETS:
        raise InputError(f"unknown gene set {genes!r}; choose one of {', '.join(GENE_SETS)}")
    if n_chunks < 1:
        raise InputError(f"--n-chunks must be at least 1, got {n_chunks}")
    if not 0 <= chunk < n_chunks:
        raise InputError(f"chunk index {chunk} out of range for {n_chunks} chunk(s) "
                         f"(0 to {n_chunks - 1})")
    if max_genes < 0:
        raise InputError(f"--max-genes must be 0 (no limit) or more, got {max_genes}")
    rows = np.arange(len(gene_ids))
    if genes == "test":
        rows = rows[np.asarray(split) == SPLITS["test"]]
    keys = np.asarray(gene_ids, dtype=str)[rows], np.asarray(species, dtype=str)[rows]
    rows = rows[np.lexsort(keys)]  # lexsort: the last key (species) sorts first
    if max_genes:
        sorted_species = np.asarray(species, dtype=str)[rows]
        rank = np.zeros(len(rows), dtype=np.int64)
        for name in np.unique(sorted_species):
            mine = sorted_species == name
            rank[mine] = np.arange(mine.sum())
        rows = rows[rank < max_genes]
    return np.array_split(rows, n_chunks)[chunk]


@dataclass
class Scores:
    """One ``scores.npz``: genes, their reference codes and one ``(m, L)`` array per method."""

    gene_id: np.ndarray
    species: np.ndarray
    codes: np.ndarray
    methods: dict[str, np.ndarray]

    @property
    def length(self) -> int:
        return int(self.codes.shape[1])


def write_scores(outdir: str | Path, scores: Scores) -> tuple[Path, Path]:
    """``outdir/scores.npz`` and the long table ``outdir/scores.tsv`` (one row per base)."""
    outdir = Path(outdir)
    arrays = {"gene_id": np.asarray(scores.gene_id, dtype=str),
              "species": np.asarray(scores.species, dtype=str),
              "codes": np.asarray(scores.codes, dtype=np.uint8),
              **{k: np.asarray(v, dtype=np.float32) for k, v in scores.methods.items()}}
    npz = outdir / "scores.npz"
    # A handle, not a name: np.savez would append ".npz" to the temporary name.
    with atomic_path(npz) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    tsv = outdir / "scores.tsv"
    with atomic_open(tsv) as handle:
        _long_table(scores).to_csv(handle, sep="\t", index=False, float_format="%.6g")
    log.info("%d genes, methods %s → %s", len(scores.gene_id), ", ".join(scores.methods), npz)
    return npz, tsv


def _long_table(scores: Scores) -> pd.DataFrame:
    m, length = np.shape(scores.codes)
    table = pd.DataFrame({
        "gene_id": np.repeat(np.asarray(scores.gene_id, dtype=str), length),
        "position": np.tile(np.arange(length), m),
        "base": np.array(list(ALPHABET))[np.asarray(scores.codes).ravel()],
    })
    for name, values in scores.methods.items():
        table[name] = np.asarray(values, dtype=np.float32).ravel()
    return table


def read_scores(path: str | Path, method: str | None = None) -> Scores:
    """Read a ``scores.npz``; with ``method``, the file must hold that method's scores."""
    path = Path(path)
    if not path.is_file():
        raise InputError("scores file not found", path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise InputError(f"not a readable scores .npz ({err})", path) from err
    missing = [k for k in _RESERVED if k not in arrays]
    if missing:
        raise InputError(f"not a scores file of `explain`: no {', '.join(missing)}", path)
    methods = {k: arrays[k] for k in METHODS if k in arrays}
    if method is not None and method not in methods:
        raise InputError(f"no {method!r} scores (it holds: {', '.join(methods) or 'none'}); "
                         "run explain with that method", path)
    codes = arrays["codes"]
    bad = [k for k, v in methods.items() if v.shape != codes.shape]
    if codes.ndim != 2 or len(arrays["gene_id"]) != len(codes) or bad:
        raise InputError("inconsistent array shapes in the scores file", path)
    return Scores(arrays["gene_id"].astype(str), arrays["species"].astype(str), codes, methods)
