"""One TF's motifs from a trained model, end to end, and what they match.

Attributions (integrated gradients, or ISM) on the TF's bound windows → TF-MoDISco patterns, each
counted again from its best site in every bound window (:mod:`.refine`) → ``motifs.meme``,
``motifs.jaspar`` and one logo per pattern → TomTom against JASPAR CORE plants →
``tomtom.tsv`` (the best matches of every pattern) and ``summary.json``. The TF's motif is its
positive pattern with the most seqlets; with the TF's known matrix (``--known``, e.g. the
simulator's planted one) the summary says whether that motif's best match is it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from plantreg.io import atomic_open
from plantreg.tfbs.motifs.attribution import attributions, one_hot
from plantreg.tfbs.motifs.discover import ModiscoSettings, Pattern, discover
from plantreg.tfbs.motifs.formats import write_jaspar, write_logo, write_meme
from plantreg.tfbs.motifs.refine import refine_pfm
from plantreg.tfbs.motifs.tomtom import Database, match
from plantreg.tfbs.nyxcsv import read_tf_folder

log = logging.getLogger(__name__)


@dataclass
class MotifSettings:
    max_windows: int = 300
    attribution: str = "ig"  # or "ism", "attention"
    q_threshold: float = 0.05
    top: int = 5
    seed: int = 0
    modisco: ModiscoSettings = field(default_factory=ModiscoSettings)


def bound_codes(folder: str | Path, max_windows: int, seed: int) -> np.ndarray:
    """The bound windows of every split (a seeded sample of at most ``max_windows``)."""
    codes = np.concatenate([x[y == 1] for x, y in read_tf_folder(folder).values()])
    if len(codes) > max_windows:
        keep = np.sort(np.random.default_rng(seed).choice(len(codes), max_windows,
                                                          replace=False))
        codes = codes[keep]
    return codes


def _refined(pattern: Pattern, codes: np.ndarray, trim_fraction: float) -> Pattern:
    """The pattern counted again from its best site in every bound window (see refine.py)."""
    if pattern.sign < 0:
        return pattern  # sites that lower binding are not in the bound windows to count
    pfm, _ = refine_pfm(codes, pattern.pfm, trim_fraction=trim_fraction)
    return replace(pattern, pfm=pfm)


def tf_motif(patterns: list[Pattern]) -> Pattern | None:
    positive = [p for p in patterns if p.sign > 0]
    return max(positive, key=lambda p: p.n_seqlets) if positive else None


def extract_motifs(tf: str, model, folder: str | Path, outdir: str | Path, db: Database,
                   settings: MotifSettings | None = None, method: str = "model",
                   known: tuple[str, np.ndarray] | None = None) -> dict:
    outdir = Path(outdir)
    settings = settings or MotifSettings()
    codes = bound_codes(folder, settings.max_windows, settings.seed)
    started = time.perf_counter()
    hypothetical = attributions(model, codes, settings.attribution)
    attribution_seconds = time.perf_counter() - started
    patterns = [_refined(p, codes, settings.modisco.trim_fraction)
                for p in discover(one_hot(codes), hypothetical, settings.modisco)]
    seconds = time.perf_counter() - started
    named = {f"{tf}.{p.name}": p for p in patterns}
    table = match({n: p.pfm for n, p in named.items()}, db, settings.top)
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic_open(outdir / "tomtom.tsv") as out:
        table.to_csv(out, sep="\t", index=False, float_format="%.4g")
    files = {n: (p.pfm, p.n_seqlets) for n, p in named.items()}
    write_meme(outdir / "motifs.meme", files)
    write_jaspar(outdir / "motifs.jaspar", files)
    for name, pattern in named.items():
        best = table[(table["query"] == name) & (table["rank"] == 1)]
        hit = (f" ~ {best['target_name'].iloc[0]} ({best['target_id'].iloc[0]}, "
               f"q {best['q_value'].iloc[0]:.2g})") if len(best) else ""
        write_logo(outdir / "logos" / f"{pattern.name}.png", pattern.pfm,
                   f"{name}: {pattern.n_seqlets} seqlets{hit}")
    summary = _summary(tf, named, table, settings, known)
    summary.update(windows=len(codes), method=method, seconds=round(seconds, 2),
                   attribution_seconds=round(attribution_seconds, 2), settings=asdict(settings))
    with atomic_open(outdir / "summary.json") as out:
        json.dump(summary, out, indent=2)
    log.info("%s: %d pattern(s) in %.1f s; TF motif %s, best match %s (q %s)%s", tf,
             len(patterns), seconds, summary["motif"], summary["best_match_name"],
             summary["best_q_value"], "" if known is None else
             f"; known matrix {known[0]} matched: {summary['known_matched']}")
    return summary


def _summary(tf: str, named: dict[str, Pattern], table, settings: MotifSettings,
             known: tuple[str, np.ndarray] | None) -> dict:
    motif = tf_motif(list(named.values()))
    out = {"tf": tf, "patterns": len(named), "motif": None, "seqlets": 0, "width": 0,
           "best_match_id": None, "best_match_name": None, "best_q_value": None,
           "significant": False}
    if motif is not None:
        name = f"{tf}.{motif.name}"
        best = table[(table["query"] == name) & (table["rank"] == 1)].iloc[0]
        out.update(motif=name, seqlets=motif.n_seqlets, width=int(motif.pfm.shape[1]),
                   best_match_id=str(best["target_id"]), best_match_name=str(best["target_name"]),
                   best_q_value=float(best["q_value"]),
                   significant=bool(best["q_value"] <= settings.q_threshold))
    if known is not None:
        known_id = known[0].split()[0]
        out["known_id"] = known_id
        out["known_matched"] = bool(out["significant"] and out["best_match_id"] == known_id)
    return out

