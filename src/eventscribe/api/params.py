"""Query parameters (the event filters, paging, sorting) and the token checks."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from eventscribe.api.errors import ApiError
from eventscribe.api.lanes import context_of
from eventscribe.export import EXPORT_FORMATS
from eventscribe.records import PloverType
from eventscribe.store.base import (
    EventQuery,
)

API = "/api/v1"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _matches(given: str | None, *expected: str | None) -> bool:
    return given is not None and any(
        e is not None and hmac.compare_digest(given.encode(), e.encode()) for e in expected
    )


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def require_read(request: Request) -> None:
    """Refuse reads without the read token when the server was started with one."""
    context = context_of(request)
    if context.read_token is None:
        return
    if not _matches(_bearer(request), context.read_token, context.ingest_token):
        raise _unauthorized(
            "this server requires a token for reads; send Authorization: Bearer TOKEN"
        )


def require_ingest(request: Request) -> None:
    """Refuse ingest unless it is enabled and the request carries the ingest token."""
    context = context_of(request)
    if context.ingest_token is None:
        raise ApiError(
            403,
            "ingest_disabled",
            "ingest over HTTP is off; start the server with an ingest token (--ingest-token) to turn it on",
        )
    if not _matches(_bearer(request), context.ingest_token):
        raise _unauthorized("ingest needs the ingest token; send Authorization: Bearer TOKEN")


Sort = Literal["date", "-date", "confidence", "-confidence"]
CountBy = Literal["day", "month", "type", "country", "acled_type"]
ExportFormat = Literal["csv", "jsonl", "geojson", "acled", "plover"]
assert set(ExportFormat.__args__) == set(EXPORT_FORMATS)  # type: ignore[attr-defined]


def event_filters(
    types: Annotated[
        list[PloverType] | None,
        Query(alias="type", description="PLOVER event type (repeat for several)."),
    ] = None,
    modes: Annotated[
        list[str] | None, Query(alias="mode", description="PLOVER mode, e.g. riot (repeatable).")
    ] = None,
    acled_types: Annotated[
        list[str] | None, Query(alias="acled_type", description="ACLED event type (repeatable).")
    ] = None,
    countries: Annotated[
        list[Annotated[str, Query(pattern=r"^[A-Za-z]{3}$")]] | None,
        Query(alias="country", description="ISO 3166 alpha-3 of the event location (repeatable)."),
    ] = None,
    place: Annotated[
        str | None, Query(max_length=200, description="Part of the place, admin1 or admin2 name.")
    ] = None,
    actor: Annotated[
        str | None,
        Query(
            max_length=200, description="Part of a source or target actor's name, text or alias."
        ),
    ] = None,
    text: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Part of the evidence sentence (case-insensitive substring).",
        ),
    ] = None,
    date_from: Annotated[
        date | None, Query(description="Earliest event date, YYYY-MM-DD (inclusive).")
    ] = None,
    date_to: Annotated[
        date | None, Query(description="Latest event date, YYYY-MM-DD (inclusive).")
    ] = None,
    min_confidence: Annotated[
        float, Query(ge=0.0, le=1.0, description="Confidence threshold, 0..1.")
    ] = 0.0,
    article_id: Annotated[
        str | None, Query(max_length=500, description="Only events of this article id.")
    ] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Full-text search over the article title, text and evidence: every word "
            'must occur (accents ignored; "prot*" is a prefix).',
        ),
    ] = None,
    cluster_id: Annotated[
        str | None, Query(max_length=200, description="Only events of this cross-article cluster.")
    ] = None,
) -> EventQuery:
    """Turn the filter query parameters into an EventQuery (no paging)."""
    if date_from and date_to and date_from > date_to:
        raise ApiError(
            422, "invalid_parameter", f"date_from {date_from} is after date_to {date_to}; swap them",
            details=[{"location": "query", "parameter": "date_from", "message": "after date_to"}],
        )  # fmt: skip
    return EventQuery(
        types=tuple(types or ()), modes=tuple(modes or ()), acled_types=tuple(acled_types or ()),
        countries=tuple(c.upper() for c in countries or ()), place=place or None,
        actor=actor or None, text=text or None,
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        min_confidence=min_confidence, article_id=article_id, search=search or None,
        cluster_id=cluster_id, limit=None,
    )  # fmt: skip


Filters = Annotated[EventQuery, Depends(event_filters)]
Limit = Annotated[int, Query(ge=0, le=1000, description="Rows per page (0..1000).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
