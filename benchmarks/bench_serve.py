"""plantreg serve: page and track paint over a 30 Mb genome, /api/explain/ism latency for a 3,001
bp sequence, and /api/predict requests/s under a bounded loopback load.

Each figure is printed beside a baseline measured in the same run: the page with no genome (paint),
the library call without HTTP (ISM, predict). The expression model is the `small` preset with the
default 2,000 + 1 + 1,000 bp window, randomly initialised (latency does not depend on the weights).

    .venv/bin/python benchmarks/bench_serve.py [--genome-mb 30] [--requests 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyBigWig
import torch
import yaml

from plantreg.expression.evaluate import predict_codes
from plantreg.expression.explain import ExplainSettings, explain_one
from plantreg.expression.model import ExpressionModel, preset_config
from plantreg.expression.train import KIND
from plantreg.training.checkpoint import save_model_checkpoint

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
UPSTREAM, DOWNSTREAM = 2000, 1000
LENGTH = UPSTREAM + 1 + DOWNSTREAM


def make_run(root: Path, genome_mb: int) -> tuple[Path, ExpressionModel]:
    """A results folder: a 30 Mb genome (3 chromosomes) with a 10 bp-resolution bigWig over all of
    it, and an expression model checkpoint."""
    rng = np.random.default_rng(0)
    fasta, chroms = root / "genome.fa", []
    with open(fasta, "w") as out:
        for i in range(3):
            size = genome_mb * 1_000_000 // 3
            chroms.append((f"Chr{i + 1}", size))
            seq = np.array(list("ACGT"))[rng.integers(0, 4, size)]
            out.write(f">Chr{i + 1}\n")
            for start in range(0, size, 60_000):
                out.write("\n".join("".join(seq[j:j + 60])
                                    for j in range(start, min(start + 60_000, size), 60)) + "\n")
    results = root / "results"
    track = results / "train_conservation" / "track"
    track.mkdir(parents=True)
    bw = pyBigWig.open(str(track / "conservation.bw"), "w")
    bw.addHeader(chroms)
    for chrom, size in chroms:
        values = rng.random(size // 10).astype(np.float64)
        bw.addEntries(chrom, 0, values=values, span=10, step=10)
    bw.close()
    (results / "pipeline_info").mkdir()
    (results / "pipeline_info" / "params.yaml").write_text(yaml.safe_dump({"fasta": str(fasta)}))
    model = _checkpoint(results / "train_expression" / "model" / "model.pt")
    return results, model


def _checkpoint(path: Path) -> ExpressionModel:
    torch.manual_seed(0)
    config = preset_config("small", n_outputs=1, n_species=2, length=LENGTH)
    model = ExpressionModel(config).eval()
    meta = {"upstream": UPSTREAM, "downstream": DOWNSTREAM, "anchor": "tss", "target": "max",
            "outputs": ["max"], "length": LENGTH}
    scaling = {s: {"mean": [1.0], "sd": [1.0]} for s in ("A", "B")}
    save_model_checkpoint(path, model, kind=KIND, config={"model": config.to_dict(),
                                                          "dataset": meta}, tags=["A", "B"],
                          split={}, normalisation=scaling)
    return model


def start_server(results: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "plantreg.cli.main", "--log-level",
                                "WARNING", "serve", str(results), "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{url}/api/info", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def post(url: str, body: dict) -> tuple[int, float]:
    data = json.dumps(body).encode()
    started = time.perf_counter()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    return status, time.perf_counter() - started


def paint(url: str, tracks: bool = True) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        ready = time.perf_counter() - started
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]"
                            "?.startTime ?? null")
        if tracks:
            page.wait_for_selector("#igv canvas", timeout=120_000)
        page.wait_for_load_state("networkidle")
        tracks = time.perf_counter() - started
        browser.close()
    return {"first_paint_s": (fcp or 0) / 1000, "ready_s": ready, "tracks_drawn_s": tracks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genome-mb", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--ism-repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        results, model = make_run(Path(tmp), args.genome_mb)
        print(f"made a {args.genome_mb} Mb genome and its bigWig in "
              f"{time.perf_counter() - started:.1f} s")
        rng = np.random.default_rng(1)
        codes = rng.integers(0, 4, LENGTH).astype(np.uint8)
        seq = "".join("ACGT"[c] for c in codes)

        t0 = time.perf_counter()
        for _ in range(args.ism_repeats):
            explain_one(model.expression_one_hot, codes, "ism", ExplainSettings())
        ism_direct = (time.perf_counter() - t0) / args.ism_repeats
        t0 = time.perf_counter()
        for _ in range(50):
            predict_codes(model, codes[None, :])
        predict_direct = 50 / (time.perf_counter() - t0)

        empty = Path(tmp) / "empty"
        empty.mkdir()
        base_proc, base_url = start_server(empty)
        baseline_paint = paint(base_url, tracks=False)
        base_proc.terminate()

        process, url = start_server(results)
        try:
            genome_paint = paint(url)
            ism = [post(f"{url}/api/explain/ism", {"sequence": seq})
                   for _ in range(args.ism_repeats)]
            bodies = [{"sequence": "".join(rng.choice(list("ACGT"), LENGTH))}
                      for _ in range(args.requests)]
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                answers = list(pool.map(lambda b: post(f"{url}/api/predict", b), bodies))
            seconds = time.perf_counter() - t0
        finally:
            process.terminate()
            process.wait(timeout=30)

    errors = sum(status != 200 for status, _ in answers + ism)
    rate = args.requests / seconds
    latencies = np.array([s for _, s in answers])
    ism_api = float(np.mean([s for _, s in ism]))
    print(f"\npage, no genome (baseline): first paint {baseline_paint['first_paint_s']:.2f} s, "
          f"ready {baseline_paint['ready_s']:.2f} s")
    print(f"page, {args.genome_mb} Mb genome + bigWig: first paint "
          f"{genome_paint['first_paint_s']:.2f} s, ready {genome_paint['ready_s']:.2f} s, "
          f"tracks drawn {genome_paint['tracks_drawn_s']:.2f} s "
          f"({genome_paint['tracks_drawn_s'] / baseline_paint['ready_s']:.2f}× the empty page)")
    print(f"/api/explain/ism, {LENGTH} bp: {ism_api:.2f} s per request; library call "
          f"{ism_direct:.2f} s (API/library {ism_api / ism_direct:.2f}×)")
    print(f"/api/predict: {rate:.1f} requests/s with {args.clients} clients, {args.requests} "
          f"requests, {errors} errors, p50 {np.median(latencies) * 1000:.0f} ms, p95 "
          f"{np.percentile(latencies, 95) * 1000:.0f} ms; library {predict_direct:.1f} calls/s "
          f"(API/library {rate / predict_direct:.2f}×)")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
