"""Response shapes, for the OpenAPI document (handlers return JSON text directly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventscribe.records import Article, Event, Findings, Quote
from eventscribe.store.base import ActorCount, ArticleSummary, KeyCount


@dataclass(slots=True, kw_only=True)
class ArticleRef:
    """The article an item comes from."""

    id: str
    hash: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None


@dataclass(slots=True, kw_only=True)
class EventItem:
    """One event and its article."""

    event: Event
    article: ArticleRef


@dataclass(slots=True, kw_only=True)
class EventPage:
    """One page of events; ``total`` counts every match."""

    total: int
    limit: int
    offset: int
    sort: str
    items: list[EventItem]


@dataclass(slots=True, kw_only=True)
class ClusterMember:
    event_id: str
    article_id: str
    article_hash: str
    title: str | None
    source: str | None
    published: str | None


@dataclass(slots=True, kw_only=True)
class ClusterInfo:
    """The cross-article cluster an event belongs to: the same event in other reports."""

    cluster_id: str
    reasons: list[str]
    events: list[ClusterMember]


@dataclass(slots=True, kw_only=True)
class EventDetail:
    """One event with its article text and all the article's findings (for highlighting)."""

    event: Event
    article: Article
    article_hash: str
    findings: Findings
    reactions: list[str]
    cluster: ClusterInfo | None


@dataclass(slots=True, kw_only=True)
class ArticlePage:
    total: int
    limit: int
    offset: int
    items: list[ArticleSummary]


@dataclass(slots=True, kw_only=True)
class ArticleDetail:
    hash: str
    article: Article
    findings: Findings


@dataclass(slots=True, kw_only=True)
class ActorPage:
    limit: int
    offset: int
    items: list[ActorCount]


@dataclass(slots=True, kw_only=True)
class QuoteItem:
    quote: Quote
    article: ArticleRef


@dataclass(slots=True, kw_only=True)
class QuotePage:
    total: int
    limit: int
    offset: int
    items: list[QuoteItem]


@dataclass(slots=True, kw_only=True)
class Counts:
    by: str
    items: list[KeyCount]


@dataclass(slots=True, kw_only=True)
class Stats:
    articles: int
    events: int
    quotes: int
    actors: int
    failures: int
    version: str


@dataclass(slots=True, kw_only=True)
class IngestedArticle:
    id: str
    hash: str | None
    stored: bool
    already_stored: bool
    findings: Findings


@dataclass(slots=True, kw_only=True)
class IngestResult:
    articles: list[IngestedArticle]
    stored: int
    events: int


@dataclass(slots=True, kw_only=True)
class ErrorInfo:
    """What went wrong: the HTTP status, a stable code, a message saying what to do, details."""

    status: int
    code: str
    message: str
    details: list[Any]


@dataclass(slots=True, kw_only=True)
class ErrorBody:
    """The API's one error shape."""

    error: ErrorInfo


_ERRORS = {
    401: "A token is required or the one sent is wrong.",
    403: "Ingest over HTTP is off on this server.",
    404: "No such event, article, cluster or path.",
    413: "The request body is over the ingest limit.",
    415: "The body's Content-Type cannot be ingested.",
    422: "Invalid parameters or body.",
    503: "The store or the models are unavailable.",
}
# Every route may answer these, always in the one error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in _ERRORS.items()
}
