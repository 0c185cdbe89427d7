"""A real browser on the real server: Debian's chromium, headless, driven by Playwright, against
`plantreg serve` started on 127.0.0.1 over the bundled run. Screenshots are kept as artefacts
(``$PLANTREG_ARTIFACTS``, default ``test-artifacts/`` in the repository)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from plantreg.expression.dataset import load_dataset
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PLANTREG_ARTIFACTS", REPO / "test-artifacts"))
# Flags that keep chromium off the network it cannot reach here (and quiet about it).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(bundled_run: Path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "plantreg.cli.main", "serve", str(bundled_run), "--port",
         str(port)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/info", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"plantreg serve exited: {process.stdout.read()[-2000:]}")
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("plantreg serve did not answer within 120 s")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), "Debian's chromium is needed (scripts/test.sh installs it)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        page.goto(server)
        page.wait_for_selector("body[data-ready=true]", timeout=60_000)
        yield page
        browser.close()


def test_genome_browser_draws_tracks(page):
    page.wait_for_selector("#igv canvas", timeout=30_000)
    page.wait_for_timeout(1500)  # let igv.js fetch and draw the bigWigs
    page.screenshot(path=str(ARTIFACTS / "serve_browser.png"))
    assert page.locator("#igv canvas").count() > 3  # ruler, sequence and data tracks
    for name in ("genes", "conservation", "ATAC peaks"):  # the run's tracks, by their labels
        assert page.locator("#igv").get_by_text(name, exact=True).count() >= 1, name
    assert page.errors == [], page.errors


def test_pasted_sequence_gives_prediction_and_plot(page, bundled_run):
    data = load_dataset(bundled_run / "train_expression" / "dataset")
    seq = "".join("ACGTN"[c] for c in data.codes[0])
    page.click("button[data-tab=sequence]")
    page.fill("#sequence-input", f">pasted\n{seq}")
    page.select_option("#method-select", "gxi")
    page.click("#run-button")
    page.wait_for_selector("#importance:not([hidden])", timeout=60_000)
    assert "Predicted expression" in page.inner_text("#prediction")
    assert "Species probabilities" in page.inner_text("#prediction")
    drawn = page.evaluate("""() => {
        const c = document.getElementById('importance-plot');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i] !== px[i + 1]) coloured++;
        return coloured; }""")
    assert drawn > 500  # green and red bars, not a blank canvas
    page.screenshot(path=str(ARTIFACTS / "serve_sequence.png"), full_page=True)
    assert page.errors == [], page.errors
    with page.expect_download() as csv:
        page.click("#export-csv")
    rows = Path(csv.value.path()).read_text().splitlines()
    assert rows[0] == "position,base,score" and len(rows) == len(seq) + 1
    assert rows[1].split(",")[1] == seq[0]
    with page.expect_download() as png:
        page.click("#export-png")
    assert Path(png.value.path()).read_bytes()[:4] == b"\x89PNG"


def test_bad_sequence_shows_the_readable_error(page):
    page.click("button[data-tab=sequence]")
    page.fill("#sequence-input", "ACGTQ")
    page.click("#run-button")
    page.wait_for_function("document.getElementById('sequence-error').textContent.length > 0")
    assert "position 5" in page.inner_text("#sequence-error")


def test_swagger_ui_renders_offline(page, server):
    """/docs draws the API's operations with every request outside the server refused."""
    docs = page.context.browser.new_page()
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    docs.route("**/*", only_local)
    docs.goto(f"{server}/docs")
    docs.wait_for_selector("[data-path=\"/api/predict\"]", timeout=30_000)
    assert outside == []
    docs.close()
