import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer

from plantreg.cli.main import app, main
from tests.genome.helpers import genome

COMMANDS = {
    "index": ["--fasta", "--out-sizes"],
    "split": ["--sizes", "--valid-chroms", "--test-chroms", "--exclude-chroms", "--out"],
    "windows": ["--fasta", "--sizes", "--split", "--peaks", "--window", "--stride",
                "--background-ratio", "--max-n-fraction", "--seed", "--outdir"],
    "tile": ["--fasta", "--window", "--stride", "--chrom", "--max-n-fraction", "--out-prefix"],
    "encode": ["--fasta", "--windows", "--out"],
    "seiplant-export": ["--fasta", "--windows", "--labels", "--tags", "--out", "--out-tags"],
    "seiplant-import": ["--seiplant-fasta", "--tags", "--out-prefix"],
}


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_documents_exactly_the_contract_options(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(["prep", command, "--help"], capsys)
    assert code == 0
    for option in COMMANDS[command]:
        assert option in out
    click_cmd = typer.main.get_command(app).commands["prep"].commands[command]
    options = {o for p in click_cmd.params for o in p.opts if o != "--help"}
    assert options == set(COMMANDS[command])
    assert all(len(p.help or "") > 10 for p in click_cmd.params)


def test_pipeline_through_the_cli(tmp_path, capsys):
    fasta, _ = genome(tmp_path, {"Chr1": 30_000, "Chr2": 20_000, "Chr3": 25_000, "ChrC": 2000},
                      n_runs=4)
    peaks = tmp_path / "H3K4ME3.merged.bed"
    peaks.write_text("".join(f"{c}\t{s}\t{s + 300}\n" for c in ("Chr1", "Chr2", "Chr3")
                             for s in (3000, 9000, 15000)))
    size = tmp_path / "genome.size"
    assert run(["prep", "index", "--fasta", str(fasta), "--out-sizes", str(size)], capsys)[0] == 0
    assert size.read_text().splitlines()[-1] == "ChrC\t2000"
    split = tmp_path / "split.json"
    assert run(["prep", "split", "--sizes", str(size), "--out", str(split)], capsys)[0] == 0
    assert set(json.loads(split.read_text())) == {"train", "valid", "test", "excluded", "method"}
    wdir = tmp_path / "w"
    code, _, err = run(["prep", "windows", "--fasta", str(fasta), "--sizes", str(size),
                        "--split", str(split), "--peaks", str(peaks), "--max-n-fraction", "0.5",
                        "--outdir", str(wdir)], capsys)
    assert code == 0, err
    assert {p.name for p in wdir.iterdir()} == {
        "train.bed", "valid.bed", "test.bed", "train.index.tsv", "valid.index.tsv",
        "test.index.tsv", "windows.report.tsv"}
    seq = tmp_path / "train.seq.npy"
    assert run(["prep", "encode", "--fasta", str(fasta), "--windows", str(wdir / "train.bed"),
                "--out", str(seq)], capsys)[0] == 0
    n_train = len((wdir / "train.bed").read_text().splitlines())
    assert np.load(seq).shape == (n_train, 1024)
    np.save(tmp_path / "labels.npy", np.ones((n_train, 1), np.uint8))
    (tmp_path / "tags.txt").write_text("H3K4ME3\n")
    assert run(["prep", "seiplant-export", "--fasta", str(fasta), "--windows",
                str(wdir / "train.bed"), "--labels", str(tmp_path / "labels.npy"), "--tags",
                str(tmp_path / "tags.txt"), "--out", str(tmp_path / "sp" / "train.fa")],
               capsys)[0] == 0
    assert run(["prep", "seiplant-import", "--seiplant-fasta", str(tmp_path / "sp" / "train.fa"),
                "--tags", str(tmp_path / "sp" / "tag.txt"), "--out-prefix",
                str(tmp_path / "imp" / "x")], capsys)[0] == 0
    assert np.array_equal(np.load(tmp_path / "imp" / "x.seq.npy"), np.load(seq))
    code, _, _ = run(["prep", "tile", "--fasta", str(fasta), "--chrom", "Chr2", "--chrom", "Chr1",
                      "--out-prefix", str(tmp_path / "t" / "tiles")], capsys)
    assert code == 0
    assert np.load(tmp_path / "t" / "tiles.seq.npy").shape[1] == 1024


def _one_line_error(capsys, argv, path):
    code, _, err = run(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {path}: ")
    return lines[0]


def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.fa"
    bad.write_text(">a\nACGT\n>a\nACGT\n")
    line = _one_line_error(capsys, ["prep", "index", "--fasta", str(bad), "--out-sizes",
                                    str(tmp_path / "s")], bad)
    assert "duplicate sequence name 'a'" in line
    assert not (tmp_path / "s").exists()

    fasta, _ = genome(tmp_path, {"a": 800, "b": 900})
    _one_line_error(capsys, ["prep", "tile", "--fasta", str(fasta), "--out-prefix",
                             str(tmp_path / "t")], fasta)
    sizes = tmp_path / "g.size"
    sizes.write_text("a\t800\nb\t900\n")
    _one_line_error(capsys, ["prep", "split", "--sizes", str(sizes), "--test-chroms", "zz",
                             "--valid-chroms", "a", "--out", str(tmp_path / "x.json")], sizes)
    missing = tmp_path / "nope.fa"
    _one_line_error(capsys, ["prep", "encode", "--fasta", str(missing), "--windows",
                             str(sizes), "--out", str(tmp_path / "o.npy")], missing)


def test_installed_command_reports_bad_fasta_in_one_line(tmp_path):
    bad = tmp_path / "bad.fa"
    bad.write_text(">a\nACXT\n")
    exe = Path(sys.executable).with_name("plantreg")
    proc = subprocess.run([str(exe), "prep", "index", "--fasta", str(bad), "--out-sizes",
                           str(tmp_path / "s")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {bad}: line 2: record 'a': non-IUPAC character 'X'"
