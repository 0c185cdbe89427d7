"""Position frequency matrices as files people and tools read: MEME (TomTom, FIMO, memelite),
JASPAR (the database's own text format) and a sequence-logo PNG (``logomaker``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plantreg.io import atomic_open, atomic_path

BASES = "ACGT"


def write_meme(path: str | Path, motifs: dict[str, tuple[np.ndarray, int]]) -> None:
    """``{name: ((4, w) probabilities, sites)}`` as a MEME v4 text file, every column kept."""
    lines = ["MEME version 4", "", f"ALPHABET= {BASES}", "", "strands: + -", "",
             "Background letter frequencies", "A 0.25 C 0.25 G 0.25 T 0.25", ""]
    for name, (prob, sites) in motifs.items():
        lines += [f"MOTIF {name}",
                  f"letter-probability matrix: alength= 4 w= {prob.shape[1]} nsites= {sites} E= 0"]
        lines += [" ".join(f"{v:.6f}" for v in column) for column in prob.T]
        lines.append("")
    with atomic_open(path) as out:
        out.write("\n".join(lines))


def write_jaspar(path: str | Path, motifs: dict[str, tuple[np.ndarray, int]]) -> None:
    """The same motifs in JASPAR's format: a header, then one row of counts per base."""
    lines = []
    for name, (prob, sites) in motifs.items():
        counts = np.rint(prob * sites).astype(int)
        lines.append(f">{name}\t{name}")
        lines += [f"{base}  [ {' '.join(f'{c:4d}' for c in row)} ]"
                  for base, row in zip(BASES, counts, strict=True)]
    with atomic_open(path) as out:
        out.write("\n".join(lines) + "\n")


def write_logo(path: str | Path, prob: np.ndarray, title: str) -> None:
    """An information-content logo of ``(4, w)`` probabilities."""
    import logomaker
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    frame = pd.DataFrame(prob.T, columns=list(BASES))
    bits = logomaker.transform_matrix(frame, from_type="probability", to_type="information")
    fig, ax = plt.subplots(figsize=(max(3.0, 0.35 * prob.shape[1] + 1), 1.8))
    logomaker.Logo(bits, ax=ax, color_scheme="classic")
    ax.set_ylim(0, 2)
    ax.set_ylabel("bits")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
