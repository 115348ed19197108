"""The app factory and ``serve``: the API routes, the static dashboard, security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventscribe import __version__
from eventscribe.api.errors import install_error_handlers
from eventscribe.api.ingest import add_ingest_route
from eventscribe.api.lanes import Context, Lane
from eventscribe.api.reads import add_aggregate_routes, add_read_routes
from eventscribe.api.shapes import ERROR_RESPONSES
from eventscribe.errors import ConfigError
from eventscribe.store import open_store

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
_LANES = 4
_SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        b"frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def create_app(
    *,
    db: str,
    ingest_token: str | None = None,
    read_token: str | None = None,
    models_loader: Callable[[], Models] | None = None,
) -> FastAPI:
    """Build the API and dashboard app over the store at ``db`` (opened lazily, per lane)."""
    for name, token in (("ingest token", ingest_token), ("read token", read_token)):
        if token is not None and len(token) < 8:
            raise ConfigError(f"the {name} is too short; use at least 8 characters")
    context = Context(
        db=db, ingest_token=ingest_token, read_token=read_token, models_loader=models_loader
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        context.lanes = [Lane(db) for _ in range(_LANES)]
        try:
            yield
        finally:
            for lane in context.lanes:
                await anyio.to_thread.run_sync(lane.close)

    app = FastAPI(
        title="eventscribe",
        version=__version__,
        description="Political events extracted from news articles: filter, page, export, ingest.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.context = context
    install_error_handlers(app)
    add_read_routes(app)
    add_aggregate_routes(app)
    add_ingest_route(app)
    _add_pages(app)
    return SecurityHeaders.wrap(app)


class SecurityHeaders:
    """Add CSP and friends to every response (pure ASGI: no per-request task overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @classmethod
    def wrap(cls, app: FastAPI) -> FastAPI:
        app.add_middleware(cls)
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_pages(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(WEB_DIR / "docs.html", media_type="text/html; charset=utf-8")

    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="dashboard")


def serve(
    *,
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    ingest_token: str | None = None,
    read_token: str | None = None,
) -> None:
    """Serve the API and the dashboard until interrupted (opens the store first to fail fast)."""
    import uvicorn

    open_store(db).close()
    app = create_app(db=db, ingest_token=ingest_token, read_token=read_token)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, server_header=False)
