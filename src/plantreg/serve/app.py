"""The FastAPI app of ``plantreg serve``: the JSON API, the run's files, and the page.

Safe by default: no CORS header unless origins are given, a request-size limit, validation errors
as one readable line (422), and no stack trace or path in any response (the log has them).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from plantreg import __version__
from plantreg.errors import InputError
from plantreg.serve.api import router
from plantreg.serve.catalogue import build_catalogue, latest_params
from plantreg.serve.limits import BodyLimit
from plantreg.serve.state import ServeState

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class ServeSettings:
    results: Path
    params: Path | None = None  # default: the newest params file in results/pipeline_info
    launch_dir: Path = Path(".")  # what relative paths in the parameters are relative to
    cors_origins: tuple[str, ...] = ()
    max_request_bytes: int = 1 << 20


def create_app(settings: ServeSettings) -> FastAPI:
    """The app over one results folder; models are loaded here, strictly, once."""
    results = Path(settings.results).resolve()
    if not results.is_dir():
        raise InputError("results folder not found", settings.results)
    params = settings.params or latest_params(results)
    if params is not None and not Path(params).is_file():
        raise InputError("parameters file not found", params)
    cache = Path(tempfile.mkdtemp(prefix="plantreg-serve-"))
    catalogue = build_catalogue(results, params, Path(settings.launch_dir).resolve(), cache)
    state = ServeState.load(results, catalogue)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        shutil.rmtree(cache, ignore_errors=True)

    # /docs and /redoc from files in the wheel: a cluster node or laptop offline reaches no CDN
    app = FastAPIOffline(title="plantreg", version=__version__, lifespan=lifespan,
                         description="Predictions, explanations and tracks of one plantreg run.")
    app.state.plantreg = state
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    _handlers(app)
    app.include_router(router)

    @app.get("/files/{key:path}", include_in_schema=False)
    def files(key: str) -> FileResponse:
        path = state.catalogue.files.get(key)
        if path is None or not path.is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(path)  # answers Range requests (igv.js reads bigWigs in pieces)

    app.mount("/", StaticFiles(directory=STATIC, html=True), name="page")
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": "; ".join(_describe(e) for e in err.errors())},
                            status_code=422)

    @app.exception_handler(InputError)
    async def bad_input(_request: Request, err: InputError) -> JSONResponse:
        message = str(err)
        if err.path and message.startswith(f"{err.path}: "):
            message = message[len(err.path) + 2:]  # never a server path in a response
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(Exception)
    async def failed(request: Request, err: Exception) -> JSONResponse:
        log.exception("serve: %s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": "internal error (the server log has the details)"},
                            status_code=500)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
