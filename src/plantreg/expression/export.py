"""Per-gene window scores and CREs → genome coordinates: one importance bigWig per species, one
CRE BED for all genes, the CRE evaluation and an example figure (``expression gather``).

Orientation (the dataset's): window position ``i`` is genome base ``anchor - upstream + i`` on
``+`` and ``anchor + upstream - i`` on ``-``, so a ``-`` gene's track is written reversed. Only
bases of real sequence (the gene's ``start, end``; padding excluded) that are not N are written.

Overlapping windows (neighbouring or bidirectional promoters): at a base scored by several genes
the bigWig keeps the value of largest ``|score|``; ties go to the first gene in (chrom, start,
gene_id) order. The rule depends on the values only, never on the order the chunks came in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.errors import InputError
from plantreg.expression.cre import (
    EVAL_COLUMNS,
    empty_cres,
    evaluate_cres,
    plot_track,
    read_cre_bed,
    read_truth_sites,
    write_cre_bed,
    write_evaluation,
)
from plantreg.expression.explain import Scores, read_scores
from plantreg.genome.encode import N_CODE
from plantreg.io import atomic_path

log = logging.getLogger(__name__)

GENE_FIELDS = ["gene_id", "species", "chrom", "strand", "anchor", "start", "end"]


def gene_table(genes: pd.DataFrame, source: str | Path | None = None) -> pd.DataFrame:
    """The dataset's genes indexed by gene_id (which must be unique)."""
    missing = [c for c in GENE_FIELDS if c not in genes.columns]
    if missing:
        raise InputError(f"genes table lacks column(s) {', '.join(missing)}", source)
    dup = genes["gene_id"][genes["gene_id"].duplicated()]
    if len(dup):
        raise InputError(f"gene id {dup.iloc[0]!r} appears twice in the genes table", source)
    table = genes[GENE_FIELDS].astype({"gene_id": str, "chrom": str})
    # An unnamed index: a gene_id index level beside the column makes pandas merges ambiguous.
    return table.set_index(table["gene_id"].to_numpy())


def window_positions(genes: pd.DataFrame, upstream: int, length: int) -> tuple[np.ndarray, ...]:
    """``(m, L)`` genome position of every window base, and whether it is real sequence."""
    plus = (genes["strand"] == "+").to_numpy()[:, None]
    anchor = genes["anchor"].to_numpy(np.int64)[:, None]
    i = np.arange(length)
    pos = np.where(plus, anchor - upstream + i, anchor + upstream - i)
    real = (pos >= genes["start"].to_numpy(np.int64)[:, None]) & (
        pos < genes["end"].to_numpy(np.int64)[:, None])
    return pos, real


def intervals_to_genome(table: pd.DataFrame, genes: pd.DataFrame, upstream: int) -> pd.DataFrame:
    """Window intervals ``gene_id, start, end`` → genome ``chrom, start, end`` (+ ``species``),
    clipped to the gene's real sequence; intervals left empty are dropped."""
    g = genes.loc[table["gene_id"]]
    plus = (g["strand"] == "+").to_numpy()
    anchor = g["anchor"].to_numpy(np.int64)
    s, e = table["start"].to_numpy(np.int64), table["end"].to_numpy(np.int64)
    # '-': window i is anchor + upstream - i, so [s, e) covers (top - e, top - s].
    start = np.where(plus, anchor - upstream + s, anchor + upstream - e + 1)
    end = np.where(plus, anchor - upstream + e, anchor + upstream - s + 1)
    start = np.maximum(start, g["start"].to_numpy(np.int64))
    end = np.minimum(end, g["end"].to_numpy(np.int64))
    out = table.assign(chrom=g["chrom"].to_numpy(), species=g["species"].to_numpy(),
                       start=start, end=end)
    return out[end > start].reset_index(drop=True)


def intervals_to_window(table: pd.DataFrame, gene: pd.Series, upstream: int) -> pd.DataFrame:
    """Genome intervals of one gene → window coordinates (for figures)."""
    s, e = table["start"].to_numpy(np.int64), table["end"].to_numpy(np.int64)
    if gene["strand"] == "+":
        base = int(gene["anchor"]) - upstream
        return table.assign(start=s - base, end=e - base)
    top = int(gene["anchor"]) + upstream
    return table.assign(start=top - e + 1, end=top - s + 1)


def _chrom_rank(chroms: np.ndarray, sizes: Mapping[str, int], species: str) -> np.ndarray:
    order = {c: k for k, c in enumerate(sizes)}
    unknown = sorted(set(chroms) - set(order))
    if unknown:
        raise InputError(f"{species}: chromosome(s) {', '.join(unknown[:5])} not in chrom_sizes")
    return np.array([order[c] for c in chroms], dtype=np.int64)


def _resolve(rank: np.ndarray, pos: np.ndarray, values: np.ndarray,
             gene_rank: np.ndarray) -> tuple[np.ndarray, ...]:
    """One value per (chrom, base): largest |value|, ties to the lowest gene rank; sorted."""
    order = np.lexsort((gene_rank, -np.abs(values), pos, rank))
    rank, pos, values = rank[order], pos[order], values[order]
    first = np.ones(len(pos), dtype=bool)
    first[1:] = (rank[1:] != rank[:-1]) | (pos[1:] != pos[:-1])
    return rank[first], pos[first], values[first]


def species_track(scores: np.ndarray, genes: pd.DataFrame, upstream: int,
                  sizes: Mapping[str, int], species: str,
                  codes: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """One species' genes → ``(chrom rank, position, value)`` per genome base, resolved."""
    pos, keep = window_positions(genes, upstream, scores.shape[1])
    keep &= np.isfinite(scores)
    if codes is not None:
        keep &= codes < N_CODE
    rank = np.broadcast_to(_chrom_rank(genes["chrom"].to_numpy(str), sizes, species)[:, None],
                           pos.shape)
    gene_order = np.lexsort((genes["gene_id"].to_numpy(str), genes["start"].to_numpy(np.int64),
                             genes["chrom"].to_numpy(str)))
    gene_rank = np.empty(len(genes), dtype=np.int64)
    gene_rank[gene_order] = np.arange(len(genes))
    gene_rank = np.broadcast_to(gene_rank[:, None], pos.shape)
    return _resolve(rank[keep], pos[keep], scores[keep].astype(np.float64), gene_rank[keep])


def write_bigwig(path: str | Path, sizes: Mapping[str, int], rank: np.ndarray, pos: np.ndarray,
                 values: np.ndarray) -> None:
    """Per-base values (sorted by chrom rank, position) as fixed-step blocks of a bigWig."""
    names = list(sizes)
    too_far = pos >= np.array([sizes[c] for c in names], dtype=np.int64)[rank] if len(pos) else []
    if np.any(too_far):
        raise InputError(f"{int(np.sum(too_far))} scored base(s) past the end of their "
                         "chromosome (chrom_sizes and genes disagree)", path)
    breaks = np.flatnonzero((np.diff(pos) != 1) | (np.diff(rank) != 0)) + 1
    with atomic_path(path) as tmp:
        bw = pyBigWig.open(str(tmp), "w")
        try:
            bw.addHeader([(c, int(n)) for c, n in sizes.items()], maxZooms=10)
            for lo, hi in zip(np.r_[0, breaks], np.r_[breaks, len(pos)], strict=True):
                if hi > lo:  # one call per contiguous block, not per base
                    bw.addEntries(names[rank[lo]], int(pos[lo]), values=values[lo:hi],
                                  span=1, step=1)
        finally:
            bw.close()


def write_importance_bigwigs(scores: np.ndarray, genes: pd.DataFrame, upstream: int,
                             sizes: Mapping[str, Mapping[str, int]], outdir: str | Path,
                             species: Sequence[str], codes: np.ndarray | None = None,
                             ) -> dict[str, Path]:
    """``outdir/<species>.importance.bw`` for every species (empty when it has no gene);
    ``genes`` rows align with ``scores`` rows."""
    out = {}
    for name in species:
        if name not in sizes:
            raise InputError(f"species {name!r} has no chrom_sizes entry")
        rows = np.flatnonzero((genes["species"] == name).to_numpy())
        sub_codes = None if codes is None else codes[rows]
        rank, pos, values = species_track(scores[rows], genes.iloc[rows], upstream, sizes[name],
                                          name, sub_codes)
        path = Path(outdir) / f"{name}.importance.bw"
        write_bigwig(path, sizes[name], rank, pos, values)
        log.info("%s: %d genes, %d bases → %s", name, len(rows), len(pos), path)
        out[name] = path
    return out


# --- gather: every chunk's scores and CREs → merged outputs

def concat_scores(paths: Sequence[str | Path], method: str) -> Scores:
    """The chunks' ``scores.npz`` as one; a gene in two chunks or unequal lengths are errors."""
    parts = [read_scores(p, method) for p in paths]
    lengths = {p.length for p in parts if len(p.gene_id)}
    if len(lengths) > 1:
        raise InputError(f"scores files of different window lengths: {sorted(lengths)}", paths[0])
    gene_id = np.concatenate([p.gene_id for p in parts])
    unique, counts = np.unique(gene_id, return_counts=True)
    if (counts > 1).any():
        dup = unique[counts > 1][0]
        where = next(p for p, s in zip(paths, parts, strict=True) if dup in s.gene_id)
        raise InputError(f"gene {dup!r} is in more than one scores file", where)
    length = lengths.pop() if lengths else parts[0].length  # every chunk may be empty
    codes = [p.codes.reshape(-1, length) for p in parts]
    return Scores(gene_id, np.concatenate([p.species for p in parts]), np.concatenate(codes),
                  {method: np.concatenate([p.methods[method].reshape(-1, length)
                                           for p in parts])})


def concat_cres(paths: Sequence[str | Path], known: pd.Index) -> pd.DataFrame:
    frames = []
    for path in paths:
        table = read_cre_bed(path)
        unknown = table.loc[~table["gene_id"].isin(known), "gene_id"]
        if len(unknown):
            raise InputError(f"gene {unknown.iloc[0]!r} is in no scores file given", path)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else empty_cres()


def _no_truth(cres: pd.DataFrame, genes: pd.DataFrame, species: Sequence[str]) -> pd.DataFrame:
    rows = [{"species": s, "genes": int((genes["species"] == s).sum()),
             "cres": int((cres["species"] == s).sum())} for s in species]
    rows.append({"species": "all", "genes": len(genes), "cres": len(cres)})
    return pd.DataFrame(rows).reindex(columns=EVAL_COLUMNS)


def _example_gene(cres: pd.DataFrame, sites: pd.DataFrame | None, explained: pd.Index) -> str:
    """The gene of the example figure: most truth sites, else most CRE weight, else the first."""
    if sites is not None and len(sites):
        counts = sites["gene_id"].value_counts()
        return str(counts.index[0])
    if len(cres):
        weight = cres.assign(w=cres["score"].abs()).groupby("gene_id", sort=False)["w"].sum()
        return str(weight.idxmax())
    return str(explained[0])


def _plot_example(scores: Scores, method: str, cres: pd.DataFrame, truth: pd.DataFrame | None,
                  genes: pd.DataFrame, upstream: int, path: Path) -> None:
    explained = pd.Index(scores.gene_id)
    if not len(explained):
        plot_track(np.zeros(0), cres.iloc[:0], path, title="no gene explained")
        return
    sites = None if truth is None else truth[truth["gene_id"].isin(explained)]
    gene = _example_gene(cres, sites, explained)
    row = int(np.flatnonzero(scores.gene_id == gene)[0])
    window_sites = None
    if sites is not None:
        window_sites = intervals_to_window(sites[sites["gene_id"] == gene], genes.loc[gene],
                                           upstream)
    plot_track(scores.methods[method][row], cres[cres["gene_id"] == gene], path,
               title=f"{genes.loc[gene, 'species']} {gene} ({method})", truth=window_sites,
               anchor=upstream)


def gather_outputs(genes: pd.DataFrame, meta: Mapping, sizes: Mapping[str, Mapping[str, int]],
                   files: Sequence[str | Path], outdir: str | Path, method: str = "ism",
                   truth_sites: str | Path | None = None) -> dict[str, Path]:
    """Merged CRE BED (genome coordinates), one importance bigWig per species, the CRE
    evaluation table (NaN without truth sites) and the example figure."""
    outdir = Path(outdir)
    score_paths, cre_paths = _split_files(files)
    table = gene_table(genes)
    scores = concat_scores(score_paths, method)
    unknown = [g for g in scores.gene_id if g not in table.index]
    if unknown:
        raise InputError(f"gene {unknown[0]!r} of the scores is not in the dataset",
                         score_paths[0])
    if len(scores.gene_id) and scores.length != int(meta["length"]):
        raise InputError(f"scores of {scores.length} bp windows, the dataset's are "
                         f"{meta['length']} bp", score_paths[0])
    upstream = int(meta["upstream"])
    explained = table.loc[scores.gene_id]
    species = list(meta.get("species") or sizes)
    out = {f"{s}.importance.bw": p for s, p in write_importance_bigwigs(
        scores.methods[method], explained, upstream, sizes, outdir, species,
        scores.codes).items()}
    window_cres = concat_cres(cre_paths, pd.Index(scores.gene_id))
    cres = intervals_to_genome(window_cres, table, upstream)
    cres = cres.sort_values(["species", "chrom", "start", "end"], kind="stable")
    out["cre.bed"] = outdir / "cre.bed"
    write_cre_bed(cres, out["cre.bed"], extra=("species", "gene_id"))
    truth = None if truth_sites is None else read_truth_sites(truth_sites)
    evaluation = (_no_truth(cres, explained, species) if truth is None
                  else evaluate_cres(cres, truth, explained, species))
    out["cre_evaluation.tsv"] = outdir / "cre_evaluation.tsv"
    write_evaluation(evaluation, out["cre_evaluation.tsv"])
    out["cre_example.png"] = outdir / "cre_example.png"
    _plot_example(scores, method, window_cres, truth, table, upstream, out["cre_example.png"])
    log.info("gathered %d genes, %d CREs → %s", len(scores.gene_id), len(cres), outdir)
    return out


def _split_files(files: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    paths = [Path(f) for f in files]
    other = [p for p in paths if p.suffix not in (".npz", ".bed")]
    if other:
        raise InputError("gather takes scores .npz and CRE .bed files only", other[0])
    scores = [p for p in paths if p.suffix == ".npz"]
    if not scores:
        raise InputError("no scores .npz file given to gather")
    return scores, [p for p in paths if p.suffix == ".bed"]


def safe_name(name: str) -> str:
    """A gene id as a file name (anything but letters, digits, ``._-`` becomes ``_``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"
