"""Ingest over HTTP: JSON, JSON Lines, HTML or text bodies through the pipeline into the store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response

from eventscribe.api.errors import ApiError, json_response
from eventscribe.api.lanes import Context, Lane, context_of
from eventscribe.api.params import (
    API,
    require_ingest,
)
from eventscribe.api.shapes import IngestResult
from eventscribe.records import Article, Findings, to_json

if TYPE_CHECKING:
    from eventscribe.ingest import IngestFailure

MAX_INGEST_BYTES = 20_000_000
MAX_INGEST_ARTICLES = 1000


def add_ingest_route(app: FastAPI) -> None:
    body_doc = {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "One article: id plus text or html; optional url, title, published, source, language."}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "JSON Lines, one article per line."}},
            "text/html": {"schema": {"type": "string", "description": "An HTML page; give ?id= (and optionally ?url=)."}},
            "text/plain": {"schema": {"type": "string", "description": "Plain text; give ?id=."}},
        },
    }  # fmt: skip

    @app.post(f"{API}/articles", response_model=IngestResult, tags=["ingest"], dependencies=[Depends(require_ingest)],
              openapi_extra={"requestBody": body_doc})  # fmt: skip
    async def ingest(
        request: Request,
        id: Annotated[str | None, Query(max_length=500, description="Article id for HTML or text bodies.")] = None,
        url: Annotated[str | None, Query(max_length=2000, description="Article URL for HTML bodies.")] = None,
    ) -> Response:  # fmt: skip
        """Extract and store articles sent as JSON, JSON Lines or HTML (needs the ingest token)."""
        raw = await _read_body(request)
        items = _parse_ingest(raw, request.headers.get("content-type", ""), id=id, url=url)
        return json_response(await _ingest(context_of(request), items))


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_INGEST_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_INGEST_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"the body is over {MAX_INGEST_BYTES:,} bytes; send fewer articles per request",
    )


def _parse_ingest(
    raw: bytes, content_type: str, *, id: str | None, url: str | None
) -> list[Article | IngestFailure]:
    """Turn a request body into articles (or failures) by its media type."""
    from eventscribe.ingest.html import read_html
    from eventscribe.ingest.jsonl import read_jsonl
    from eventscribe.ingest.text import read_text

    media = content_type.split(";", 1)[0].strip().lower()
    if media in (
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/json-lines",
    ):
        items = list(read_jsonl(_text(raw).splitlines(), origin="request"))
    elif media == "application/json":
        items = _json_articles(_text(raw))
    elif media in ("text/html", "application/xhtml+xml"):
        items = [read_html(raw, id=_need_id(id), url=url)]
    elif media == "text/plain":
        items = [read_text(raw, id=_need_id(id))]
    else:
        raise ApiError(415, "unsupported_media_type",
                       f"cannot ingest {media or 'a body without Content-Type'}; send application/json, "
                       "application/x-ndjson, text/html or text/plain")  # fmt: skip
    if not items:
        raise ApiError(422, "invalid_parameter", "the body holds no article; send at least one")
    if len(items) > MAX_INGEST_ARTICLES:
        raise ApiError(
            413, "payload_too_large", f"more than {MAX_INGEST_ARTICLES} articles; split the request"
        )
    return items


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(
            422, "invalid_parameter", f"the body is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from exc


def _need_id(id: str | None) -> str:
    if not id:
        raise ApiError(422, "invalid_parameter", "an HTML or text body needs ?id=ARTICLE_ID",
                       details=[{"location": "query", "parameter": "id", "message": "required"}])  # fmt: skip
    return id


def _json_articles(text: str) -> list[Article | IngestFailure]:
    from eventscribe.ingest.jsonl import read_jsonl_line

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(
            422,
            "invalid_parameter",
            f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
        ) from exc
    except RecursionError:
        raise ApiError(422, "invalid_parameter", "the body is JSON nested too deeply") from None
    except ValueError as exc:  # a number of more than 4,300 digits
        reason = str(exc).split(";")[0]
        raise ApiError(
            422, "invalid_parameter", f"the body is not readable JSON ({reason})"
        ) from None
    objects = data if isinstance(data, list) else [data]
    items = [
        read_jsonl_line(json.dumps(obj), origin="request", number=n)
        for n, obj in enumerate(objects, 1)
    ]
    if len(items) == 1 and not isinstance(items[0], Article):
        raise ApiError(422, "invalid_parameter", f"cannot read the article: {items[0].message}")
    return items


async def _ingest(context: Context, items: list[Article | IngestFailure]) -> dict[str, Any]:
    articles = [item for item in items if isinstance(item, Article)]
    known = await context.read(
        lambda lane: lane.store.known_hashes([a.content_hash for a in articles])
    )
    fresh = [
        item for item in items if not (isinstance(item, Article) and item.content_hash in known)
    ]
    results = await _extract(context, fresh) if fresh else {}
    to_save = [(item, results[n]) for n, item in enumerate(fresh) if isinstance(item, Article)]
    saved = await context.read(lambda lane: lane.store.save(to_save)) if to_save else None
    stored = await context.read(
        lambda lane: _stored_findings(lane, [a for a in articles if a.content_hash in known])
    )
    out = []
    for n, item in enumerate(fresh):
        key = item.content_hash if isinstance(item, Article) else None
        out.append(
            {
                "id": item.id,
                "hash": key,
                "stored": key is not None,
                "already_stored": False,
                "findings": to_json(results[n]),
            }
        )
    for article, findings in stored:
        out.append(
            {
                "id": article.id,
                "hash": article.content_hash,
                "stored": True,
                "already_stored": True,
                "findings": to_json(findings),
            }
        )
    return {
        "articles": out,
        "stored": saved.articles_added if saved else 0,
        "events": saved.events_added if saved else 0,
    }


async def _extract(context: Context, items: list[Article | IngestFailure]) -> dict[int, Findings]:
    from eventscribe.pipeline import iter_findings

    models = await context.load_models()
    async with context.ingest_lock:  # one pipeline run at a time: the models are shared
        pairs = await anyio.to_thread.run_sync(lambda: list(iter_findings(items, models=models)))
    return {n: findings for n, (_, findings) in enumerate(pairs)}


def _stored_findings(lane: Lane, articles: list[Article]) -> list[tuple[Article, Findings]]:
    found = [lane.store.get_article(a.content_hash) for a in articles]
    return [pair for pair in found if pair is not None]
