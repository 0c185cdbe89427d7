"""The one training loop shared by every model of plantreg.

``fit`` trains with AdamW, linear warm-up + cosine lr, gradient clipping and mixed precision on GPU;
it stops early on a validation metric, logs one TSV row per epoch, and writes an epoch checkpoint
from which an interrupted run resumes to exactly the result of an uninterrupted one (on CPU; GPU
kernels are as deterministic as torch makes them). Data order and dropout masks of an epoch are
functions of ``(seed, epoch)``.

Batches are ``(inputs, targets)``: ``inputs`` a tensor or a tuple of tensors passed to
``model(*inputs)``, ``targets`` whatever ``loss_fn(outputs, targets)`` takes.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from plantreg.errors import InputError
from plantreg.training.config import TrainConfig
from plantreg.training.device import AmpSettings, amp_settings, make_grad_scaler, select_device
from plantreg.training.schedule import warmup_cosine
from plantreg.training.seed import (
    capture_rng_state,
    derive_seed,
    restore_rng_state,
    seed_everything,
)
from plantreg.training.train_state import (
    BEST_NAME,
    CHECKPOINT_NAME,
    METRICS_NAME,
    EarlyStopState,
    check_resumable,
    load_torch,
    load_train_state,
    save_torch,
    save_train_state,
    write_metrics_tsv,
)

log = logging.getLogger(__name__)

EvaluateFn = Callable[[Any, Any], dict[str, float]]
EpochCallback = Callable[[int, dict[str, float]], None]


@dataclass
class FitResult:
    best_epoch: int
    best_metric: float | None
    epochs_done: int
    stopped_early: bool
    finished: bool  # False when max_epochs_this_run ended the run before training was over
    history: list[dict[str, float]]
    checkpoint: Path
    best_weights: Path
    metrics_tsv: Path


@dataclass
class _Run:
    """What one call of fit works with."""

    model: nn.Module
    loss_fn: Callable
    config: TrainConfig
    device: torch.device
    amp: AmpSettings
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    scaler: torch.amp.GradScaler
    outdir: Path


def to_device(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.to(device, non_blocking=True)
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(o, device) for o in obj)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    return obj


def _forward(model: nn.Module, inputs: Any) -> Any:
    return model(*inputs) if isinstance(inputs, (list, tuple)) else model(inputs)


def _to_cpu_float(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.detach().float().cpu()
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu_float(o) for o in obj)
    return obj


def _concat(parts: list[Any]) -> Any:
    first = parts[0]
    if isinstance(first, torch.Tensor):
        return torch.cat(parts)
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([p[i] for p in parts]) for i in range(len(first)))
    return parts


def _batch_size(targets: Any) -> int:
    while isinstance(targets, (list, tuple)):
        targets = targets[0]
    return int(targets.shape[0]) if isinstance(targets, torch.Tensor) else 1


def _progress_disabled(config: TrainConfig) -> bool | None:
    return None if config.progress is None else not config.progress


def _seed_epoch(config: TrainConfig, loader: DataLoader, epoch: int) -> None:
    """Make this epoch's order, dropout masks and worker seeds depend only on (seed, epoch)."""
    epoch_seed = derive_seed(config.seed, epoch)
    random.seed(epoch_seed)
    np.random.seed(epoch_seed % 2**32)
    torch.manual_seed(epoch_seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(epoch_seed)
    sampler = getattr(loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    if getattr(loader, "generator", None) is not None:
        loader.generator.manual_seed(derive_seed(config.seed, epoch, 1))


def _train_epoch(run: _Run, loader: DataLoader, epoch: int) -> float:
    run.model.train()
    total = torch.zeros((), device=run.device)
    count = 0
    bar = tqdm(
        loader,
        desc=f"epoch {epoch}/{run.config.max_epochs}",
        leave=False,
        disable=_progress_disabled(run.config),
    )
    for step, (inputs, targets) in enumerate(bar):
        inputs, targets = to_device(inputs, run.device), to_device(targets, run.device)
        with run.amp.autocast():
            loss = run.loss_fn(_forward(run.model, inputs), targets)
        run.optimizer.zero_grad(set_to_none=True)
        run.scaler.scale(loss).backward()
        if run.config.grad_clip is not None:
            run.scaler.unscale_(run.optimizer)
            nn.utils.clip_grad_norm_(run.model.parameters(), run.config.grad_clip)
        run.scaler.step(run.optimizer)
        run.scaler.update()
        run.scheduler.step()
        n = _batch_size(targets)
        total += loss.detach().float() * n
        count += n
        if step % run.config.log_every == 0:
            bar.set_postfix(loss=f"{loss.item():.4f}", lr=f"{run.scheduler.get_last_lr()[0]:.2e}")
    mean = float(total.item()) / max(count, 1)
    if not math.isfinite(mean):
        raise FloatingPointError(
            f"training diverged in epoch {epoch} (mean loss {mean}); lower the learning rate"
        )
    return mean


@torch.no_grad()
def _validate(run: _Run, loader: DataLoader) -> tuple[float, Any, Any]:
    run.model.eval()
    total, count = 0.0, 0
    outputs, targets_all = [], []
    for inputs, targets in loader:
        inputs, targets = to_device(inputs, run.device), to_device(targets, run.device)
        with run.amp.autocast():
            out = _forward(run.model, inputs)
            loss = run.loss_fn(out, targets)
        n = _batch_size(targets)
        total += float(loss.float().item()) * n
        count += n
        outputs.append(_to_cpu_float(out))
        targets_all.append(_to_cpu_float(targets))
    return total / max(count, 1), _concat(outputs), _concat(targets_all)


def _monitor_value(config: TrainConfig, row: dict[str, float]) -> float:
    if config.monitor not in row:
        available = ", ".join(k for k in row if k not in ("epoch", "lr", "seconds"))
        raise ValueError(f"monitor {config.monitor!r} is not among the metrics: {available}")
    return float(row[config.monitor])


def _improved(config: TrainConfig, value: float, best: float | None) -> bool:
    if math.isnan(value):
        return False
    if best is None:
        return True
    if config.monitor_mode == "max":
        return value > best + config.min_delta
    return value < best - config.min_delta


def _update_early_stop(config: TrainConfig, state: EarlyStopState, value: float) -> bool:
    improved = _improved(config, value, state.best_metric)
    if improved:
        state.best_epoch, state.best_metric, state.bad_epochs = state.epoch, value, 0
    else:
        state.bad_epochs += 1
    if state.bad_epochs >= config.patience and state.epoch >= config.min_epochs:
        state.stopped_early = True
    return improved


def _save_epoch(run: _Run, state: EarlyStopState, steps: int, improved: bool) -> None:
    save_train_state(
        run.outdir / CHECKPOINT_NAME,
        {
            "config": run.config.identity(),
            "steps_per_epoch": steps,
            "model": run.model.state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "scaler": run.scaler.state_dict(),
            "rng": capture_rng_state(),
            **state.as_dict(),
        },
    )
    if improved:
        _save_best(run, state)
    write_metrics_tsv(run.outdir / METRICS_NAME, state.history)


def _save_best(run: _Run, state: EarlyStopState) -> None:
    save_torch(
        {"epoch": state.best_epoch, "metric": state.best_metric, "model": run.model.state_dict()},
        run.outdir / BEST_NAME,
    )


def _resume(run: _Run, steps: int) -> EarlyStopState:
    path = run.outdir / CHECKPOINT_NAME
    payload = load_train_state(path, run.device)
    check_resumable(path, payload, run.config.identity(), steps)
    run.model.load_state_dict(payload["model"])
    run.optimizer.load_state_dict(payload["optimizer"])
    run.scheduler.load_state_dict(payload["scheduler"])
    run.scaler.load_state_dict(payload["scaler"])
    restore_rng_state(payload["rng"])
    state = EarlyStopState(
        epoch=payload["epoch"],
        best_epoch=payload["best_epoch"],
        best_metric=payload["best_metric"],
        bad_epochs=payload["bad_epochs"],
        stopped_early=payload["stopped_early"],
        history=list(payload["history"]),
    )
    if state.best_epoch == state.epoch and state.epoch > 0:
        _save_best(run, state)  # repairs a crash between the checkpoint and best-weights writes
    write_metrics_tsv(run.outdir / METRICS_NAME, state.history)
    log.info("resumed from %s after epoch %d", path, state.epoch)
    return state


def _load_best(run: _Run, state: EarlyStopState) -> None:
    if state.best_epoch == 0:
        log.warning("no epoch improved %s; keeping the last weights", run.config.monitor)
        return
    path = run.outdir / BEST_NAME
    payload = load_torch(path, run.device)
    if payload.get("epoch") != state.best_epoch:
        raise InputError(
            f"holds epoch {payload.get('epoch')} but the checkpoint's best is {state.best_epoch}",
            path,
        )
    run.model.load_state_dict(payload["model"])


def _setup(model: nn.Module, loss_fn: Callable, config: TrainConfig, outdir: Path, steps: int):
    seed_everything(config.seed, config.deterministic)
    device = select_device(config.device)
    amp = amp_settings(device, config.amp)
    model.to(device)
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=config.lr,
        betas=(config.beta1, config.beta2),
        weight_decay=config.weight_decay,
    )
    scheduler = warmup_cosine(
        optimizer, config.max_epochs * steps, config.warmup_fraction, config.min_lr_ratio
    )
    log.info("training on %s (%s)", device, amp.describe())
    return _Run(
        model, loss_fn, config, device, amp, optimizer, scheduler, make_grad_scaler(amp), outdir
    )


def _check_loaders(train_loader: DataLoader, valid_loader: DataLoader) -> int:
    steps = len(train_loader)
    if steps == 0:
        raise InputError("the training set is empty (no batch)")
    if len(valid_loader) == 0:
        raise InputError("the validation set is empty (no batch)")
    return steps


def _run_epoch(
    run: _Run,
    state: EarlyStopState,
    loaders: tuple[DataLoader, DataLoader],
    evaluate_fn: EvaluateFn | None,
) -> bool:
    """Train and validate the next epoch, update ``state``; return whether it improved."""
    epoch = state.epoch + 1
    started = time.perf_counter()
    _seed_epoch(run.config, loaders[0], epoch)
    train_loss = _train_epoch(run, loaders[0], epoch)
    valid_loss, outputs, targets = _validate(run, loaders[1])
    metrics = evaluate_fn(outputs, targets) if evaluate_fn is not None else {}
    row: dict[str, float] = {"epoch": epoch, "train_loss": train_loss, "valid_loss": valid_loss}
    row.update({k: float(v) for k, v in metrics.items()})
    row["lr"] = float(run.scheduler.get_last_lr()[0])
    row["seconds"] = round(time.perf_counter() - started, 3)
    if state.history and list(state.history[0]) != list(row):
        raise ValueError("evaluate_fn returned other metric names than in the first epoch")
    state.epoch = epoch
    state.history.append(row)
    improved = _update_early_stop(run.config, state, _monitor_value(run.config, row))
    log.info(
        "epoch %d: train_loss %.4f valid_loss %.4f %s %.4f%s",
        epoch,
        train_loss,
        valid_loss,
        run.config.monitor,
        row[run.config.monitor],
        " (best)" if improved else "",
    )
    return improved


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    valid_loader: DataLoader,
    loss_fn: Callable,
    config: TrainConfig,
    outdir: str | Path,
    evaluate_fn: EvaluateFn | None = None,
    on_epoch_end: EpochCallback | None = None,
) -> FitResult:
    """Train ``model`` in place; at the end it holds the weights of the best validation epoch.

    ``evaluate_fn(outputs, targets)`` gets all validation outputs and targets (CPU float tensors)
    and returns named metrics (e.g. ``mean_auprc``). With ``config.resume`` an existing
    ``outdir/last.ckpt`` is continued. ``on_epoch_end(epoch, row)`` runs after each epoch is saved.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    steps = _check_loaders(train_loader, valid_loader)
    run = _setup(model, loss_fn, config, outdir, steps)
    resuming = config.resume and (outdir / CHECKPOINT_NAME).exists()
    state = _resume(run, steps) if resuming else EarlyStopState()
    epochs_this_run = 0
    while not state.stopped_early and state.epoch < config.max_epochs:
        if config.max_epochs_this_run is not None and epochs_this_run >= config.max_epochs_this_run:
            break
        improved = _run_epoch(run, state, (train_loader, valid_loader), evaluate_fn)
        _save_epoch(run, state, steps, improved)
        epochs_this_run += 1
        if on_epoch_end is not None:
            on_epoch_end(state.epoch, state.history[-1])
    finished = state.stopped_early or state.epoch >= config.max_epochs
    if finished:
        _load_best(run, state)
    return FitResult(
        best_epoch=state.best_epoch,
        best_metric=state.best_metric,
        epochs_done=state.epoch,
        stopped_early=state.stopped_early,
        finished=finished,
        history=state.history,
        checkpoint=outdir / CHECKPOINT_NAME,
        best_weights=outdir / BEST_NAME,
        metrics_tsv=outdir / METRICS_NAME,
    )
