"""Storage: the Store protocol and ``open_store``, which picks a backend from a path or URL."""

from __future__ import annotations

from pathlib import Path

from eventscribe.errors import ConfigError
from eventscribe.records import StoredEvent
from eventscribe.store.base import (
    ActorCount,
    ActorQuery,
    ArticleSummary,
    ClusterView,
    EventQuery,
    PlaceCount,
    QuoteQuery,
    SaveResult,
    Store,
    StoredQuote,
    StoreStats,
)
from eventscribe.store.sqlite import SQLiteStore, open_sqlite_store

__all__ = [
    "ActorCount",
    "ActorQuery",
    "ArticleSummary",
    "ClusterView",
    "EventQuery",
    "PlaceCount",
    "QuoteQuery",
    "SQLiteStore",
    "SaveResult",
    "Store",
    "StoreStats",
    "StoredEvent",
    "StoredQuote",
    "describe_target",
    "open_sqlite_store",
    "open_store",
]

_POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+")


def open_store(target: str | Path) -> Store:
    """Open the store at a SQLite path, ``sqlite:///path`` or a ``postgresql://`` URL."""
    if isinstance(target, Path):
        return open_sqlite_store(target)
    if target.startswith(_POSTGRES_PREFIXES):
        # imported here: SQLite users never pay for loading psycopg
        from eventscribe.store.postgres import open_postgres_store

        return open_postgres_store(target)
    if target.startswith("sqlite:///"):
        target = target.removeprefix("sqlite:///")
    elif "://" in target:
        scheme = target.split("://", 1)[0]
        raise ConfigError(
            f"unknown database URL scheme {scheme!r}; "
            "use a SQLite path, sqlite:///path or postgresql://user@host/dbname"
        )
    if not target:
        raise ConfigError("empty database path; pass a SQLite file path such as events.db")
    return open_sqlite_store(target)


def describe_target(target: str | Path) -> str:
    """Return the store target fit for printing: a URL loses its password."""
    from urllib.parse import urlsplit, urlunsplit

    text = str(target)
    if "://" not in text:
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
