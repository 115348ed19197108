"""The read endpoints: events, articles, quotes, actors, places, counts, exports."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from typing import Annotated, Any, Literal

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse

from eventscribe import __version__
from eventscribe.api import sql
from eventscribe.api.errors import ApiError, json_response
from eventscribe.api.lanes import Lane, context_of
from eventscribe.api.params import (
    API,
    CountBy,
    ExportFormat,
    Filters,
    Limit,
    Offset,
    Sort,
    require_read,
)
from eventscribe.api.shapes import (
    ActorPage,
    ArticleDetail,
    ArticlePage,
    Counts,
    EventDetail,
    EventPage,
    QuotePage,
    Stats,
)
from eventscribe.export import write_export
from eventscribe.records import StoredEvent, to_json
from eventscribe.store import open_store
from eventscribe.store.base import (
    ActorQuery,
    ClusterView,
    DyadCount,
    EventQuery,
    MapPlace,
    QuoteQuery,
    StoredQuote,
)

_EXPORT_CHUNK = 1 << 16
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "acled": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "plover": "application/x-ndjson; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
}
_SUFFIX = {
    "csv": "csv",
    "acled": "acled.csv",
    "jsonl": "jsonl",
    "plover": "plover.jsonl",
    "geojson": "geojson",
}
_EXPORT_CHUNK = 1 << 16


def _event_page(lane: Lane, query: EventQuery, sort: str) -> str:
    """Return the JSON text of one page of events (stored event JSON spliced in, not re-encoded)."""
    total = lane.count(query)
    if lane.sqlite:
        everything = lane.count(EventQuery())
        items = sql.page_event_items(
            lane.reader, query, sort=sort, matches=total, everything=everything
        )
    else:
        items = [_dumps(_event_item(row)) for row in lane.store.page_events(query, sort=sort)]
    head = {"total": total, "limit": query.limit, "offset": query.offset, "sort": sort}
    return json.dumps(head)[:-1] + ',"items":[' + ",".join(items) + "]}"


def _event_item(row: StoredEvent) -> dict[str, Any]:
    article = {"id": row.article_id, "hash": row.article_hash, "title": row.title, "url": row.url,
               "source": row.source, "published": row.published}  # fmt: skip
    return {"event": to_json(row.event), "article": article}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _counts(lane: Lane, query: EventQuery, by: str) -> list[dict[str, Any]]:
    if lane.sqlite:
        return sql.count_by(lane.reader, query, by=by)
    return [asdict(row) for row in lane.store.count_by(query, by=by)]


def _dyads(lane: Lane, query: EventQuery, limit: int) -> list[dict[str, Any]]:
    if lane.sqlite:
        return sql.dyads(lane.reader, query, limit=limit)
    return [asdict(row) for row in lane.store.dyads(query, limit=limit)]


def _reactions(lane: Lane, query: EventQuery, limit: int) -> list[dict[str, Any]]:
    if lane.sqlite:
        return sql.reactions(lane.reader, query, limit=limit)
    return [
        {"event_id": r.event_id, "type": r.type, "date": r.date, "evidence": r.evidence,
         "reacts_to": {"event_id": r.reacts_to, "type": r.reacts_to_type,
                       "evidence": r.reacts_to_evidence},
         "actors": r.actors}
        for r in lane.store.reactions(query, limit=limit)
    ]  # fmt: skip


def _places(lane: Lane, query: EventQuery, limit: int) -> list[dict[str, Any]]:
    if lane.sqlite:
        return sql.place_counts(lane.reader, query, limit=limit)
    return [asdict(place) for place in lane.store.map_places(query, limit=limit)]


def _quote_item(row: StoredQuote) -> dict[str, Any]:
    article = {"id": row.article_id, "hash": row.article_hash, "title": row.title, "url": row.url,
               "source": None, "published": row.published}  # fmt: skip
    return {"quote": to_json(row.quote), "article": article}


def _event_detail(lane: Lane, event_id: str) -> dict[str, Any] | None:
    row = lane.store.get_event(event_id)
    if row is None:
        return None
    found = lane.store.get_article(row.article_hash)
    if found is None:
        return None
    article, findings = found
    reactions = [e.event_id for e in findings.events if e.reacts_to == event_id]
    return {
        "event": to_json(row.event), "article": to_json(article), "article_hash": row.article_hash,
        "findings": to_json(findings), "reactions": reactions,
        "cluster": _cluster(lane.store.get_cluster(event_id)),
    }  # fmt: skip


def _cluster(view: ClusterView | None) -> dict[str, Any] | None:
    """The other reports of the same event: ids, articles and why they were merged."""
    if view is None:
        return None
    members = [
        {"event_id": m.event.event_id, "article_id": m.article_id, "article_hash": m.article_hash,
         "title": m.title, "source": m.source, "published": m.published}
        for m in view.events
    ]  # fmt: skip
    return {"cluster_id": view.cluster_id, "reasons": view.reasons, "events": members}


_EVENT_ID = Annotated[
    str, PathParam(max_length=200, description="The event_id, e.g. ev_0123456789abcdef.")
]
_HASH = Annotated[
    str, PathParam(pattern=r"^[0-9a-f]{64}$", description="Article content hash (64 hex digits).")
]


def add_read_routes(app: FastAPI) -> None:
    reads = [Depends(require_read)]

    @app.get(f"{API}/events", response_model=EventPage, dependencies=reads, tags=["events"])
    async def list_events(
        request: Request, query: Filters, limit: Limit = 50, offset: Offset = 0,
        sort: Annotated[Sort, Query(description="date, -date (newest first), confidence or -confidence.")] = "-date",
    ) -> Response:  # fmt: skip
        """List events matching the filters, one page at a time, with the total."""
        paged = replace(query, limit=limit, offset=offset)
        body = await context_of(request).read(lambda lane: _event_page(lane, paged, sort))
        return Response(body, media_type="application/json")

    @app.get(
        f"{API}/events/{{event_id}}",
        response_model=EventDetail,
        dependencies=reads,
        tags=["events"],
    )
    async def get_event(request: Request, event_id: _EVENT_ID) -> Response:
        """Return one event with its evidence, its article's text and all findings for highlighting."""
        detail = await context_of(request).read(lambda lane: _event_detail(lane, event_id))
        if detail is None:
            raise ApiError(404, "not_found", f"no event {event_id!r}; list events at {API}/events")
        return json_response(detail)

    @app.get(f"{API}/articles", response_model=ArticlePage, dependencies=reads, tags=["articles"])
    async def list_articles(
        request: Request, limit: Limit = 50, offset: Offset = 0,
        text: Annotated[str | None, Query(max_length=500, description="Words to find in the title, text or evidence (full-text).")] = None,
    ) -> Response:  # fmt: skip
        """List stored articles, newest first; ``text`` is a full-text search (every word, prefix*)."""

        def work(lane: Lane) -> dict[str, Any]:
            found = lane.store.search_articles(text, limit=limit, offset=offset)
            total = lane.store.count_articles(text)
            return {"total": total, "limit": limit, "offset": offset, "items": to_json(found)}

        return json_response(await context_of(request).read(work))

    @app.get(
        f"{API}/articles/{{article_hash}}",
        response_model=ArticleDetail,
        dependencies=reads,
        tags=["articles"],
    )
    async def get_article(request: Request, article_hash: _HASH) -> Response:
        """Return one article (by content hash) and its findings."""
        found = await context_of(request).read(lambda lane: lane.store.get_article(article_hash))
        if found is None:
            raise ApiError(
                404,
                "not_found",
                f"no article with hash {article_hash}; list them at {API}/articles",
            )
        article, findings = found
        return json_response(
            {"hash": article_hash, "article": to_json(article), "findings": to_json(findings)}
        )

    @app.get(f"{API}/quotes", response_model=QuotePage, dependencies=reads, tags=["quotes"])
    async def list_quotes(
        request: Request, limit: Limit = 50, offset: Offset = 0,
        speaker: Annotated[str | None, Query(max_length=200, description="Part of the speaker's canonical name.")] = None,
        text: Annotated[str | None, Query(max_length=500, description="Part of the quote.")] = None,
        article_id: Annotated[str | None, Query(max_length=500)] = None,
        kind: Annotated[Literal["direct", "indirect", "mixed"] | None, Query(description="direct, indirect or mixed.")] = None,
    ) -> Response:  # fmt: skip
        """List quotes, newest article first, filtered by speaker, text, article or kind."""
        query = QuoteQuery(
            speaker=speaker, text=text, article_id=article_id, kind=kind, limit=limit, offset=offset
        )

        def work(lane: Lane) -> dict[str, Any]:
            items = [_quote_item(row) for row in lane.store.query_quotes(query)]
            total = lane.store.count_quotes(query)
            return {"total": total, "limit": limit, "offset": offset, "items": items}

        return json_response(await context_of(request).read(work))

    @app.get(f"{API}/export", dependencies=reads, tags=["export"], response_class=StreamingResponse,
             responses={200: {"description": "The export file, streamed.", "content": {m: {} for m in set(_MEDIA.values())}}})  # fmt: skip
    async def export(
        request: Request, query: Filters,
        format: Annotated[ExportFormat, Query(description="csv, jsonl, geojson, acled or plover.")],
    ) -> StreamingResponse:  # fmt: skip
        """Stream the matching events in any format of `eventscribe export`."""
        await context_of(request).read(
            lambda lane: lane.store.query_events(replace(query, limit=0))
        )
        headers = {"Content-Disposition": f'attachment; filename="events.{_SUFFIX[format]}"'}
        body = _stream_export(context_of(request).db, query, format)
        return StreamingResponse(body, media_type=_MEDIA[format], headers=headers)


def add_aggregate_routes(app: FastAPI) -> None:
    reads = [Depends(require_read)]

    @app.get(f"{API}/actors", response_model=ActorPage, dependencies=reads, tags=["actors"])
    async def list_actors(
        request: Request, limit: Limit = 50, offset: Offset = 0,
        name: Annotated[str | None, Query(max_length=200, description="Part of the canonical name.")] = None,
        country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Alpha-3, IGO or NGO (exact).")] = None,
        sector: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,4}$", description="PLOVER sector, e.g. GOV (exact).")] = None,
    ) -> Response:  # fmt: skip
        """List canonical actors with how often they act, are acted on, claim and speak."""
        query = ActorQuery(
            name=name or None, country=country.upper() if country else None,
            sector=sector.upper() if sector else None, limit=limit, offset=offset,
        )  # fmt: skip
        found = await context_of(request).read(lambda lane: lane.store.actor_counts(query))
        return json_response({"limit": limit, "offset": offset, "items": to_json(found)})

    @app.get(
        f"{API}/actors/dyads", response_model=list[DyadCount], dependencies=reads, tags=["actors"]
    )
    async def list_dyads(request: Request, query: Filters, limit: Limit = 100) -> Response:
        """Who acts on whom: source, target and event type with event counts."""
        return json_response(
            await context_of(request).read(lambda lane: _dyads(lane, query, limit))
        )

    @app.get(f"{API}/actors/reactions", dependencies=reads, tags=["actors"])
    async def list_reactions(request: Request, query: Filters, limit: Limit = 100) -> Response:
        """Who reacts to what: statements and the events they react to."""
        return json_response(
            await context_of(request).read(lambda lane: _reactions(lane, query, limit))
        )

    @app.get(f"{API}/places", response_model=list[MapPlace], dependencies=reads, tags=["places"])
    async def list_places(
        request: Request, query: Filters, limit: Annotated[int, Query(ge=0, le=100_000)] = 5000
    ) -> Response:
        """Event locations with coordinates and their event counts by type (for the map)."""
        return json_response(
            await context_of(request).read(lambda lane: _places(lane, query, limit))
        )

    @app.get(f"{API}/stats", response_model=Stats, dependencies=reads, tags=["stats"])
    async def stats(request: Request) -> Response:
        """Row counts of the store."""
        result = await context_of(request).read(lambda lane: lane.store.stats())
        return json_response(to_json(result) | {"version": __version__})

    @app.get(f"{API}/stats/counts", response_model=Counts, dependencies=reads, tags=["stats"])
    async def counts(
        request: Request, query: Filters,
        by: Annotated[CountBy, Query(description="day, month, type, country or acled_type.")] = "day",
    ) -> Response:  # fmt: skip
        """Event counts grouped by day, month, type, country or ACLED type (for charts)."""
        items = await context_of(request).read(lambda lane: _counts(lane, query, by))
        return json_response({"by": by, "items": items})


_END = object()


class _QueueWriter:
    """A text sink that hands chunks to a bounded queue (the HTTP side drains it)."""

    def __init__(self, chunks: queue.Queue[Any], cancelled: threading.Event) -> None:
        self._chunks, self._cancelled = chunks, cancelled
        self._buffer: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._buffer.append(text)
        self._size += len(text)
        if self._size >= _EXPORT_CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self.put("".join(self._buffer).encode("utf-8"))
            self._buffer, self._size = [], 0

    def put(self, item: Any) -> None:
        """Queue one item, giving up when the client has gone."""
        while not self._cancelled.is_set():
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled


class _Cancelled(Exception):
    """The client went away; stop exporting."""


def _produce_export(db: str, query: EventQuery, fmt: str, writer: _QueueWriter) -> None:
    """Write the export into the queue, then the end marker (or the error that stopped it)."""
    try:
        with open_store(db) as store:
            write_export(store.iter_events(query), fmt=fmt, out=writer)  # type: ignore[arg-type]
        writer.flush()
        writer.put(_END)
    except _Cancelled:
        return
    except BaseException as exc:  # hand it to the HTTP side, which aborts the response
        writer.put(exc)


async def _stream_export(db: str, query: EventQuery, fmt: str) -> AsyncIterator[bytes]:
    """Yield the export in chunks from a producer thread that owns its own store connection."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=8)
    cancelled = threading.Event()
    writer = _QueueWriter(chunks, cancelled)
    producer = threading.Thread(target=_produce_export, args=(db, query, fmt, writer), daemon=True)
    producer.start()
    try:
        while (chunk := await anyio.to_thread.run_sync(chunks.get)) is not _END:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
    finally:
        cancelled.set()
