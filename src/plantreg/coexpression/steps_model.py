"""The model steps of TRAIN_COEXPRESSION as file-to-file functions (the CLI calls these):
``train`` → ``evaluate`` → ``network`` and ``attention``."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

from plantreg.coexpression import interpret
from plantreg.coexpression import network as net
from plantreg.coexpression.dataset import as_tensor, gene_index
from plantreg.coexpression.evaluate import (
    Scorers,
    evaluate_sets,
    metrics_table,
    plot_curves,
    recovery_set,
)
from plantreg.coexpression.model import ModelConfig, SiameseTransformer
from plantreg.coexpression.pairs import read_pairs
from plantreg.coexpression.steps_data import read_split
from plantreg.coexpression.tables import (
    GENE_COLUMNS,
    PU_NOTE,
    load_array,
    read_json,
    read_tsv,
    write_json,
    write_tsv,
)
from plantreg.coexpression.train import (
    KIND,
    build_configs,
    read_hyperparams,
    save_checkpoint,
    train_model,
)
from plantreg.errors import InputError
from plantreg.io import atomic_open
from plantreg.training.checkpoint import load_model_checkpoint, load_weights_strict

log = logging.getLogger(__name__)

CHECKPOINT = "model.pt"


def _vocab_inputs(vocab_dir: Path, input_mode: str) -> tuple[list[str], np.ndarray, dict]:
    genes = read_tsv(vocab_dir / "genes.tsv", GENE_COLUMNS, "gene table")
    meta = read_json(vocab_dir / "vocabulary.json", "vocabulary description")
    name = "tokens.npy" if input_mode == "tokens" else "windows.npy"
    inputs = np.asarray(load_array(vocab_dir / name, name, 2 if input_mode == "tokens" else 3))
    if len(inputs) != len(genes):
        raise InputError(f"{len(inputs)} rows but {len(genes)} genes", vocab_dir / name)
    return list(genes["gene_id"]), inputs, meta


def _read_pairs_table(path) -> pd.DataFrame:
    return read_tsv(path, ["gene_a", "gene_b", "label", "split"], "labelled pair table")


def run_train(
    vocab_dir,
    pairs_path,
    split_path,
    norm_json,
    outdir,
    config=None,
    input_mode: str = "tokens",
    seed: int = 0,
    device: str = "auto",
) -> dict:
    vocab_dir, outdir = Path(vocab_dir), Path(outdir)
    genes, inputs, meta = _vocab_inputs(vocab_dir, input_mode)
    windows = load_array(vocab_dir / "windows.npy", "window vectors", 3)
    pairs = _read_pairs_table(pairs_path)
    hp = read_hyperparams(config)
    model_cfg, train_cfg = build_configs(
        hp, windows.shape[2], windows.shape[1], int(meta["k"]), input_mode, seed, config
    )
    train_cfg.device = device
    model, result = train_model(
        inputs, genes, pairs, model_cfg, train_cfg, hp.batch_size, outdir / "training", pairs_path
    )
    split = read_split(split_path)
    save_checkpoint(
        outdir / CHECKPOINT,
        model,
        train_cfg,
        hp.batch_size,
        meta["tfs"],
        split,
        read_json(norm_json, "normalisation parameters"),
        meta,
        np.load(vocab_dir / "centroids.npy"),
    )
    with atomic_open(outdir / "hyperparams.yaml") as out:
        yaml.safe_dump(
            {
                "model": model_cfg.as_dict(),
                "train": train_cfg.identity(),
                "batch_size": hp.batch_size,
            },
            out,
            sort_keys=False,
        )
    summary = {
        "note": PU_NOTE,
        "best_epoch": result.best_epoch,
        "best_valid_auprc": result.best_metric,
        "epochs": result.epochs_done,
        "stopped_early": result.stopped_early,
    }
    write_json(summary, outdir / "training.json")
    return summary


def load_model(path, vocab_dir) -> tuple[SiameseTransformer, list[str], torch.Tensor, dict]:
    vocab_dir = Path(vocab_dir)
    meta = read_json(vocab_dir / "vocabulary.json", "vocabulary description")
    ckpt = load_model_checkpoint(path, expected_tags=meta["tfs"], expected_kind=KIND)
    if ckpt.config.get("vocabulary") != meta:
        raise InputError(f"was trained with another vocabulary than {vocab_dir}", path)
    cfg = ModelConfig(**ckpt.config["model"])
    model = SiameseTransformer(cfg)
    load_weights_strict(model, ckpt)
    model.eval()
    genes, inputs, _ = _vocab_inputs(vocab_dir, cfg.input_mode)
    return model, genes, as_tensor(inputs, cfg.input_mode), ckpt.split


def run_evaluate(
    checkpoint,
    vocab_dir,
    pairs_path,
    outdir,
    top_k: int = 50,
    seed: int = 0,
    listed=None,
    hidden=None,
) -> dict:
    """Test-pair metrics of model and baselines; with ``hidden``, recovery of withheld pairs."""
    outdir = Path(outdir)
    model, genes, inputs, _ = load_model(checkpoint, vocab_dir)
    pairs = _read_pairs_table(pairs_path)
    windows = np.asarray(load_array(Path(vocab_dir) / "windows.npy", "window vectors", 3))
    scorers = Scorers(
        model, inputs, windows, genes, pairs[pairs["split"] == "train"], seed, pairs_path
    )
    sets = {s: pairs[pairs["split"] == s] for s in ("valid", "test")}
    if hidden is not None:
        if listed is None:
            raise InputError("--hidden needs --listed (the pair list given to training)", hidden)
        listed_pairs, _ = read_pairs(listed, genes, unknown="drop")
        hidden_pairs, _ = read_pairs(hidden, genes, unknown="drop")
        sets["recovery"] = recovery_set(genes, listed_pairs, hidden_pairs)
    report, scored = evaluate_sets(scorers, sets, "valid", top_k, pairs_path)
    write_json(report, outdir / "metrics.json")
    write_tsv(metrics_table(report), outdir / "metrics.tsv")
    for name, (frame, scores) in scored.items():
        plot_curves(frame, scores, name, outdir / f"curves_{name}.png")
    frame, scores = scored["test"]
    write_tsv(
        frame.assign(**{f"score_{k}": v for k, v in scores.items()}), outdir / "scores_test.tsv"
    )
    return report


def run_network(checkpoint, vocab_dir, outdir, top_n: int = 10000, genes_file=None) -> dict:
    outdir = Path(outdir)
    model, genes, inputs, _ = load_model(checkpoint, vocab_dir)
    if genes_file is not None:
        wanted = [g for g in Path(genes_file).read_text().split() if g]
        unknown = sorted(set(wanted) - set(genes))
        if unknown:
            raise InputError(f"{len(unknown)} unknown gene id(s), e.g. {unknown[0]}", genes_file)
        rows = [genes.index(g) for g in dict.fromkeys(wanted)]
        genes, inputs = [genes[r] for r in rows], inputs[rows]
    if len(genes) < 2:
        raise InputError("a network needs at least two genes", genes_file or vocab_dir)
    emb = net.encode_all(model, inputs)
    a, b, logits, stats = net.top_edges(model, emb, top_n)
    edges = net.edges_frame(genes, a, b, logits)
    write_tsv(edges, outdir / "network.tsv")
    net.write_graphml(edges, outdir / "network.graphml")
    stats = {"note": PU_NOTE, "genes": len(genes), "edges_written": len(edges), **stats}
    write_json(stats, outdir / "network.json")
    log.info("scored %d pairs at %.0f pairs/s", stats["pairs_scored"], stats["pairs_per_second"])
    return stats


def run_attention(
    checkpoint,
    vocab_dir,
    pairs_path,
    outdir,
    pair: tuple[str, str] | None = None,
    top_pairs: int = 100,
) -> pd.DataFrame:
    """Attention TSV + PNG for one pair (default: the best-scored listed test pair) and token
    drivers over the ``top_pairs`` best-scored test pairs."""
    outdir = Path(outdir)
    model, genes, inputs, _ = load_model(checkpoint, vocab_dir)
    meta = read_json(Path(vocab_dir) / "vocabulary.json", "vocabulary description")
    test = _read_pairs_table(pairs_path)
    test = test[test["split"] == "test"]
    test, ia, ib = gene_index(genes, test, pairs_path)
    emb = net.encode_all(model, inputs)
    logits = model.score_pairs(emb, torch.tensor(ia), torch.tensor(ib)).numpy()
    order = np.argsort(-logits, kind="stable")
    if pair is None:
        listed = order[test["label"].to_numpy()[order] == 1]
        best = int(listed[0] if len(listed) else order[0])
        rows = (int(ia[best]), int(ib[best]))
    else:
        missing = [g for g in pair if g not in genes]
        if missing:
            raise InputError(f"gene(s) {', '.join(missing)} not in the gene table", vocab_dir)
        rows = (genes.index(pair[0]), genes.index(pair[1]))
    tokens = np.load(Path(vocab_dir) / "tokens.npy")
    table, score = interpret.pair_attention(
        model, inputs, rows, genes, meta["window"], meta["stride"], _upstream(vocab_dir), tokens
    )
    write_tsv(table, outdir / "attention.tsv")
    interpret.plot_attention(table, score, outdir / "attention.png")
    if model.cfg.input_mode == "tokens":
        top = order[:top_pairs]
        drivers = interpret.token_occlusion(model, inputs, ia[top], ib[top], meta["pad_token"])
        report = read_tsv(Path(vocab_dir) / "tokens.report.tsv", ["token"], "token report")
        drivers = drivers.merge(report[["token", "defining_tfs", "top_tfs"]], on="token")
        write_tsv(drivers, outdir / "token_drivers.tsv")
    return table


def _upstream(vocab_dir) -> int:
    """Offset of the start codon in the 5'→3' promoter (the same for every gene)."""
    genes = read_tsv(Path(vocab_dir) / "genes.tsv", GENE_COLUMNS, "gene table")
    row = genes.iloc[0]
    if row["strand"] == "+":
        return int(row["start_codon"] - (row["start"] - row["clipped_5p"]))
    return int((row["end"] + row["clipped_5p"] - 1) - row["start_codon"])
