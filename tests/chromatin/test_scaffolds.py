"""Scaffold-level assemblies: `plantreg prep chunks` groups thousands of small scaffolds into a few
chunks, `plantreg chromatin predict --chunk` paints one chunk (records shorter than the window
skipped and counted, never an error) and `plantreg chromatin merge-tracks` gathers the chunk
shards into one bigWig per mark whose header holds every record of the assembly."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import pysam
import pytest
import torch

from plantreg.chromatin.model import build_model, preset_config
from plantreg.training.checkpoint import save_model_checkpoint
from tests.chromatin.conftest import TAGS
from tests.conftest import plantreg, run_cli

WINDOW = 256
STRIDE = 256  # the whole window: fewest windows, still a gap-free tiling
SHORT_LOG = re.compile(r"(\d+) record\(s\) shorter than the window \((\d+) bp\), (\d+) bp in all")



@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    """A tiny randomly initialised chromatin model (256 bp window): the numbers do not matter."""
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    config = preset_config("small", len(TAGS), input_length=WINDOW, padding="same")
    torch.manual_seed(0)
    save_model_checkpoint(path, build_model(config), kind="chromatin.sei",
                          config=config.to_dict(), tags=TAGS, split={})
    return path


def _sequence(rng: np.random.Generator, length: int, n_runs: int) -> str:
    """Random DNA with soft-masked (lower-case) stretches and ``n_runs`` runs of N."""
    seq = rng.choice(np.frombuffer(b"ACGT", np.uint8), length)
    for _ in range(int(rng.poisson(length / 20_000 + 0.3))):
        a = int(rng.integers(0, length))
        seq[a : a + int(rng.integers(50, 3000))] |= 0x20  # soft-masked: lower case
    for _ in range(n_runs):
        a = int(rng.integers(0, length))
        seq[a : a + int(rng.integers(10, 2000))] = ord("N")
    return seq.tobytes().decode()


def write_assembly(path: Path, seed: int = 0, n_scaffolds: int = 2100) -> dict[str, str]:
    """A scaffold-level assembly: three 200 kb pseudo-chromosomes and a plastid genome, then
    ``n_scaffolds`` scaffolds of 100 bp to 5 kb (most of them small, about a quarter shorter than
    the window), in shuffled order; a few records hold N runs, one scaffold is N only."""
    rng = np.random.default_rng(seed)
    records = {"Chr1": _sequence(rng, 200_000, 3), "1": _sequence(rng, 200_000, 1),
               "Chr2": _sequence(rng, 200_000, 0), "Pt": _sequence(rng, 154_000, 0)}
    lengths = np.round(100 * 50 ** (rng.random(n_scaffolds) ** 2)).astype(int)
    for number, length in zip(rng.permutation(n_scaffolds) + 1, lengths, strict=True):
        records[f"scaffold_{number}"] = _sequence(rng, int(length), int(rng.random() < 0.05))
    records["scaffold_812"] = "N" * 700
    with open(path, "w") as out:
        for name, seq in records.items():
            out.write(f">{name}\n")
            out.writelines(f"{seq[i : i + 60]}\n" for i in range(0, len(seq), 60))
    pysam.faidx(str(path))
    return records


def _has_free_window(seq: str) -> bool:
    """Is any window of the stride lattice free of N (so that it gets a value)?"""
    n = np.frombuffer(seq.upper().encode(), np.uint8) == ord("N")
    prefix = np.concatenate([[0], np.cumsum(n)])
    starts = np.arange(0, len(seq) - WINDOW + 1, STRIDE)
    return bool(((prefix[starts + WINDOW] - prefix[starts]) == 0).any())


def test_scaffold_assembly_is_painted_in_a_few_chunks(checkpoint, tmp_path):
    fasta = tmp_path / "assembly.fa"
    records = write_assembly(fasta)
    sizes = tmp_path / "assembly.size"
    sizes.write_text("".join(f"{name}\t{len(seq)}\n" for name, seq in records.items()))
    lengths = {name: len(seq) for name, seq in records.items()}
    short = {name: n for name, n in lengths.items() if n < WINDOW}
    assert len(records) >= 2000 and 500 < len(short) < 1500

    chunk_size = 1_000_000
    result = plantreg("prep", "chunks", "--sizes", str(sizes), "--chunk-size", str(chunk_size),
                      "--window", str(WINDOW), "--out", str(tmp_path / "chunks.tsv"))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "chunks.tsv", sep="\t", dtype={"chrom": str})
    assert table["chrom"].tolist() == list(records)  # every record once, in FASTA order
    chunks = list(dict.fromkeys(table["chunk"]))
    assert 2 <= len(chunks) <= 5 and len(chunks) * 400 < len(records)
    assert set(table.loc[table["status"] == "too_short", "chrom"]) == set(short)

    logged, reports = [], []
    for chunk in chunks:
        out = tmp_path / "predictions" / chunk
        result = plantreg("chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta",
                          str(fasta), "--chunk", chunk, "--chunk-size", str(chunk_size),
                          "--stride", str(STRIDE), "--threads", "2", "--device", "cpu",
                          "--outdir", str(out))
        assert result.returncode == 0, result.stderr
        logged += [tuple(map(int, m)) for m in SHORT_LOG.findall(result.stderr)]
        report = pd.read_csv(out / "predict.report.tsv", sep="\t", dtype={"chrom": str})
        assert report["chrom"].tolist() == table.loc[table["chunk"] == chunk, "chrom"].tolist()
        reports.append(report)
    report = pd.concat(reports, ignore_index=True)
    # the short records: counted in the reports and in the log, with their bp
    too_short = report[report["status"] == "too_short"]
    assert len(too_short) == len(short) and set(too_short["chrom"]) == set(short)
    assert (too_short["predicted"] == 0).all()
    assert sum(c for c, _, _ in logged) == len(short)
    assert sum(bp for _, _, bp in logged) == sum(short.values())
    assert {w for _, w, _ in logged} == {WINDOW}

    for mark in TAGS:
        shards = sorted((tmp_path / "predictions").glob(f"*/{mark}.bedGraph"))
        assert len(shards) == len(chunks)
        result = plantreg("chromatin", "merge-tracks", "--sizes", str(sizes), "--out-prefix",
                          str(tmp_path / "tracks" / mark), *map(str, shards))
        assert result.returncode == 0, result.stderr
    bw = pyBigWig.open(str(tmp_path / "tracks" / f"{TAGS[0]}.bw"))
    assert bw.chroms() == lengths  # every record of the assembly, with its length
    painted = {name for name in lengths if bw.intervals(name)}
    assert not painted & set(short)  # values only on records as long as the window
    expected = {name for name, seq in records.items()
                if len(seq) >= WINDOW and _has_free_window(seq)}
    assert painted == expected
    assert "scaffold_812" not in painted and {"Chr1", "1", "Chr2", "Pt"} <= painted
    predicted = report.set_index("chrom")["predicted"]
    assert sum(len(bw.intervals(name)) for name in painted) == predicted.sum()
    assert len(bw.intervals("Chr2")) == (200_000 - WINDOW) // STRIDE + 1  # no N: the full grid


def test_a_chunk_of_short_scaffolds_gives_an_empty_shard_and_a_report(checkpoint, tmp_path):
    fasta = tmp_path / "small.fa"
    rng = np.random.default_rng(1)
    records = {"c1": 3000, "s1": 100, "s2": 120, "s3": 90, "c2": 1500}
    with open(fasta, "w") as out:
        out.writelines(f">{n}\n{''.join(rng.choice(list('ACGT'), k))}\n"
                       for n, k in records.items())
    pysam.faidx(str(fasta))
    sizes = tmp_path / "small.size"
    sizes.write_text("".join(f"{n}\t{k}\n" for n, k in records.items()))
    assert plantreg("prep", "chunks", "--sizes", str(sizes), "--chunk-size", "300", "--window",
                    str(WINDOW), "--out", str(tmp_path / "chunks.tsv")).returncode == 0
    table = pd.read_csv(tmp_path / "chunks.tsv", sep="\t")
    assert table.groupby("chunk", sort=False)["chrom"].apply(list).tolist() == [
        ["c1"], ["s1", "s2"], ["s3"], ["c2"]]

    shards = []
    for chunk in ("chunk_0002", "chunk_0001", "chunk_0004", "chunk_0003"):  # any order
        out = tmp_path / chunk
        assert run_cli("chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta",
                    str(fasta), "--chunk", chunk, "--chunk-size", "300", "--stride", "64",
                    "--threads", "1", "--outdir", str(out)) == 0
        shards.append(out / f"{TAGS[1]}.bedGraph")
    assert shards[0].read_text() == ""  # s1 + s2: an empty but valid shard ...
    report = (tmp_path / "chunk_0002" / "predict.report.tsv").read_text().splitlines()
    assert report[1:] == ["s1\t100\t0\t0\t0\ttoo_short\t64", "s2\t120\t0\t0\t0\ttoo_short\t64"]
    result = plantreg("chromatin", "merge-tracks", "--sizes", str(sizes), "--out-prefix",
                      str(tmp_path / "merged"), *map(str, shards))
    assert result.returncode == 0, result.stderr
    bw = pyBigWig.open(str(tmp_path / "merged.bw"))
    assert bw.chroms() == records
    assert [bool(bw.intervals(c)) for c in records] == [True, False, False, False, True]
    # ... and a merge of nothing but empty shards is an empty but valid track
    result = plantreg("chromatin", "merge-tracks", "--sizes", str(sizes), "--out-prefix",
                      str(tmp_path / "empty"), str(shards[0]), str(tmp_path / "chunk_0003" /
                                                                   f"{TAGS[1]}.bedGraph"))
    assert result.returncode == 0, result.stderr
    bw = pyBigWig.open(str(tmp_path / "empty.bw"))
    assert bw.chroms() == records and not any(bw.intervals(c) for c in records)


def test_chunk_options_are_checked(capsys, checkpoint, tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">c1\n" + "ACGT" * 200 + "\n")
    pysam.faidx(str(fasta))
    base = ["chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta", str(fasta),
            "--outdir", str(tmp_path / "pr")]
    for extra, message in [
        (["--chunk", "chunk_0001"], "--chunk needs --chunk-size"),
        (["--chunk", "chunk_0001", "--chunk-size", "100", "--chrom", "c1"],
         "give either --chrom or --chunk"),
        (["--chunk", "chunk_0002", "--chunk-size", "100"],
         f"{fasta}: --chunk 'chunk_0002' is not a chunk of this genome at --chunk-size 100"),
    ]:
        assert run_cli(*base, *extra) == 2
        errors = [line for line in capsys.readouterr().err.splitlines()
                  if line.startswith("error:")]
        assert len(errors) == 1 and message in errors[0], errors


def test_runner_paints_a_scaffold_assembly_by_chunks(checkpoint, tmp_path):
    """`plantreg run` through CROSS_SPECIES_INFERENCE on a 2,100-scaffold assembly: the index and
    the chunk list, one CHROMATIN_PREDICT per chunk (planned from the chunk list, as the workflow
    scatters), one track per mark with every record; a rerun is all cached."""
    from tests.conftest import REPO, bundled_params

    fasta = tmp_path / "assembly.fa"
    records = write_assembly(fasta)
    (fasta.parent / "assembly.fa.fai").unlink()  # the runner indexes it in its work folder
    out = tmp_path / "results"
    (out / "train_chromatin" / "model").mkdir(parents=True)
    (out / "train_chromatin" / "model" / "model.pt").write_bytes(checkpoint.read_bytes())
    (out / "prepare_data" / "dataset").mkdir(parents=True)
    (out / "prepare_data" / "dataset" / "tags.txt").write_text("\n".join(TAGS) + "\n")
    params = bundled_params(tmp_path, target_fasta=str(fasta), target_truth=None,
                            chunk_size=1_000_000, window_size=WINDOW, predict_stride=STRIDE,
                            threads=2)
    args = ("run", str(params), "--outdir", str(out), "--work-dir", str(tmp_path / "work"),
            "--stage", "cross_species_inference")
    result = plantreg(*args, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (fasta.parent / "assembly.fa.fai").exists()
    cross = out / "cross_species_inference"
    chunks = pd.read_csv(cross / "genome" / "target.chunks.tsv", sep="\t")
    ids = list(dict.fromkeys(chunks["chunk"]))
    assert 2 <= len(ids) <= 5
    assert sorted(p.parent.name for p in (cross / "predictions").glob("*/predict.report.tsv")) \
        == ids
    assert result.stderr.count("CHROMATIN_PREDICT (chunk_") >= len(ids)
    for mark in TAGS:
        bw = pyBigWig.open(str(cross / "tracks" / f"{mark}.bw"))
        assert bw.chroms() == {name: len(seq) for name, seq in records.items()}
    again = plantreg(*args, cwd=REPO)
    assert again.returncode == 0 and "0 step(s) run" in again.stderr
