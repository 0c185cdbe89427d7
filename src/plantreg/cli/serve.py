"""``plantreg serve RESULTS_DIR``: the run's tracks, models and explanations on a local web page."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    results: Path = typer.Argument(..., help="The run's --outdir (results folder)."),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on; only this machine by default."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    params: Path = typer.Option(None, "--params", help="The run's parameters file (default: "
                                "the newest params file in RESULTS_DIR/pipeline_info)."),
    launch_dir: Path = typer.Option(Path("."), "--launch-dir", help="Folder the run was "
                                    "launched from (relative paths in its parameters)."),
    cors_origin: list[str] = typer.Option([], "--cors-origin", help="Allow this origin to "
                                          "call the API from another page (repeatable)."),
    max_request_kb: int = typer.Option(1024, "--max-request-kb", help="Largest request body."),
) -> None:
    """A local web page over a results folder: genome browser, live predictions, explanations."""
    import uvicorn

    from plantreg.serve.app import ServeSettings, create_app

    if host not in LOOPBACK:
        log.warning("serving on %s: anyone who can reach this machine can use the page and "
                    "read the run's files", host)
    app = create_app(ServeSettings(results=results, params=params, launch_dir=launch_dir,
                                   cors_origins=tuple(cors_origin),
                                   max_request_bytes=max_request_kb * 1024))
    log.info("plantreg serve: http://%s:%d/ (API docs at /docs)", host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning")
