"""Genome-wide chromatin inference: plantreg's streamed predictor vs a SeiPlant-style loop.

Same model weights (a seeded checkpoint), same genome, same stride, measured in the same run.
The SeiPlant-style baseline reads the whole genome into Python strings, lists every window, encodes
each window base by base in Python, predicts in batches of 256, accumulates the predictions in a
list and writes them at the end. plantreg streams tiles from the indexed FASTA, encodes by one
table lookup per batch, sends runs of consecutive windows through the network as one strip (the
unpadded convolution blocks run once per strip, not once per window: the same numbers) and writes
each batch at once.

Speed: windows per second on a ``--speed-mb`` genome at stride 128.
Memory: peak RSS of each method in its own subprocess on a 10 Mb and a 100 Mb genome (stride equal
to the window, and a tiny network so that the runs finish on a CPU: memory, not arithmetic, is
what is measured there).

    .venv/bin/python benchmarks/bench_inference.py --workdir bench_out/inference
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from plantreg.chromatin.model import build_model, preset_config
from plantreg.training.checkpoint import save_model_checkpoint

TAGS = ["ATAC", "H3K27AC", "H3K36ME3", "H3K4ME1", "H3K4ME3", "H3K9AC"]


def make_genome(path: Path, mb: int, seed: int = 0) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    with open(path, "wb") as out:
        for i in range(max(1, mb // 10)):
            n = 10_000_000 if mb >= 10 else mb * 1_000_000
            seq = letters[rng.integers(0, 4, n)]
            lines = seq[: n // 80 * 80].reshape(-1, 80)
            body = np.hstack([lines, np.full((len(lines), 1), ord("\n"), np.uint8)])
            out.write(f">chr{i + 1}\n".encode() + body.tobytes())
    subprocess.run([sys.executable, "-m", "plantreg.cli.main", "prep", "index", "--fasta",
                    str(path), "--out-sizes", f"{path}.size"], check=True)
    return path


def make_checkpoint(path: Path, tiny: bool) -> Path:
    torch.manual_seed(0)
    extra = {"channels": (8, 8, 8)} if tiny else {}
    config = preset_config("small", len(TAGS), rc_average=False, **extra)
    save_model_checkpoint(path, build_model(config).eval(), kind="chromatin.sei",
                          config=config.to_dict(), tags=TAGS, split={})
    return path


def seiplant_style(checkpoint: Path, fasta: Path, stride: int, out: Path) -> int:
    """The baseline: whole genome in memory, per-window Python encoding, results in a list."""
    from plantreg.chromatin.load import load_chromatin_model

    model, ckpt = load_chromatin_model(checkpoint)
    window = model.config.input_length
    lines: dict[str, list[str]] = {}
    name = ""
    for line in open(fasta):
        if line.startswith(">"):
            name = line[1:].split()[0]
            lines[name] = []
        else:
            lines[name].append(line.strip().upper())
    genome = {chrom: "".join(parts) for chrom, parts in lines.items()}
    windows = [(c, s, seq[s : s + window]) for c, seq in genome.items()
               for s in range(0, len(seq) - window + 1, stride)]
    lookup = {"A": [1, 0, 0, 0], "C": [0, 1, 0, 0], "G": [0, 0, 1, 0], "T": [0, 0, 0, 1]}
    results = []
    with torch.no_grad():
        for first in range(0, len(windows), 256):
            batch = windows[first : first + 256]
            onehot = [[lookup.get(b, [0, 0, 0, 0]) for b in seq] for _, _, seq in batch]
            x = torch.tensor(np.array(onehot, dtype=np.float32)).transpose(1, 2)
            probs = torch.sigmoid(model(x)).numpy()
            results.extend((c, s, p) for (c, s, _), p in zip(batch, probs, strict=True))
    half = (window - stride) // 2
    with open(out, "w") as handle:
        for c, s, p in results:
            handle.write(f"{c}\t{s + half}\t{s + half + stride}\t" + "\t".join(map(str, p)) + "\n")
    return len(results)


def plantreg_style(checkpoint: Path, fasta: Path, stride: int, outdir: Path) -> int:
    from plantreg.chromatin.predict import predict_genome

    return predict_genome(checkpoint, fasta, outdir, stride=stride, batch_size=256,
                          device="cpu").windows


def child(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    func = seiplant_style if args.method == "seiplant" else plantreg_style
    n = func(Path(args.checkpoint), Path(args.fasta), args.stride, Path(args.out))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"windows": n, "seconds": seconds, "peak_mb": peak_mb}))


# Linux carries a forked child's pre-exec memory high-water mark into its ru_maxrss, so a child
# forked from this process (torch loaded) would report at least this process's memory. A bare
# interpreter launches each measured child instead.
_LAUNCHER = "import subprocess, sys\nsys.exit(subprocess.call(sys.argv[1:]))\n"


def measure(method: str, checkpoint: Path, fasta: Path, stride: int, out: Path,
            threads: int) -> dict:
    cmd = [sys.executable, "-S", "-c", _LAUNCHER, sys.executable, __file__, "--child", method,
           "--checkpoint", str(checkpoint), "--fasta", str(fasta), "--stride", str(stride),
           "--out", str(out), "--threads", str(threads)]
    result = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="bench_out/inference")
    parser.add_argument("--speed-mb", type=int, default=1)
    parser.add_argument("--memory-mb", type=int, nargs="*", default=[10, 100])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", choices=("seiplant", "plantreg"))
    parser.add_argument("--checkpoint")
    parser.add_argument("--fasta")
    parser.add_argument("--stride", type=int, default=128)
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        args.method = args.child
        child(args)
        return
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    small = make_checkpoint(work / "small.pt", tiny=False)
    tiny = make_checkpoint(work / "tiny.pt", tiny=True)
    genome = make_genome(work / f"g{args.speed_mb}mb.fa", args.speed_mb)
    speed = {}
    for method in ("seiplant", "plantreg"):
        speed[method] = measure(method, small, genome, 128, work / f"speed_{method}", args.threads)
        _show("speed", method, args.speed_mb, speed[method])
    rate = {m: r["windows"] / r["seconds"] for m, r in speed.items()}
    print(f"speed ratio plantreg/seiplant: {rate['plantreg'] / rate['seiplant']:.2f}x", flush=True)
    peaks: dict[str, list[float]] = {"plantreg": [], "seiplant": []}
    for mb in args.memory_mb:
        fasta = make_genome(work / f"g{mb}mb.fa", mb)
        for method in ("plantreg", "seiplant"):
            r = measure(method, tiny, fasta, 1024, work / f"mem{mb}_{method}", args.threads)
            peaks[method].append(r["peak_mb"])
            _show("memory", method, mb, r)
    if len(args.memory_mb) == 2:
        for method, (small_peak, large_peak) in peaks.items():
            print(f"memory ratio {args.memory_mb[1]}/{args.memory_mb[0]} Mb, {method}: "
                  f"{large_peak / small_peak:.2f}", flush=True)


def _show(kind: str, method: str, mb: int, r: dict) -> None:
    print(f"{kind}\t{method}\t{mb} Mb\t{r['windows']} windows\t{r['seconds']:.1f} s\t"
          f"{r['windows'] / r['seconds']:.0f} windows/s\tpeak {r['peak_mb']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
