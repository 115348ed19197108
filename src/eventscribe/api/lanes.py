"""Store lanes: one thread per connection, so SQLite stays in the thread that opened it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

import anyio
from fastapi import Request

from eventscribe.api import sql
from eventscribe.errors import StoreError
from eventscribe.store import open_store
from eventscribe.store.base import (
    EventQuery,
    Store,
)
from eventscribe.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from eventscribe.pipeline import Models


_COUNT_CACHE = 256
T = TypeVar("T")


class Lane:
    """One thread owning one store and, for SQLite, one read-only connection to the same file.

    The raw SQLite reads in ``api.sql`` are the fast path (stored JSON spliced into pages,
    totals cached on PRAGMA data_version); any other store answers through Store methods.
    """

    def __init__(self, db: str) -> None:
        self._db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventscribe-db")
        self._store: Store | None = None
        self._reader: sqlite3.Connection | None = None
        self._counts: dict[tuple[int, str], int] = {}
        self.pending = 0

    async def run(self, work: Callable[[Lane], T]) -> T:
        self.pending += 1
        try:
            return await asyncio.wrap_future(self._executor.submit(work, self))
        finally:
            self.pending -= 1

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self._db)
        return self._store

    @property
    def sqlite(self) -> bool:
        """Say whether the store is a SQLite file (which the fast path in api.sql reads)."""
        return isinstance(self.store, SQLiteStore)

    @property
    def reader(self) -> sqlite3.Connection:
        if self._reader is None:
            self.store  # noqa: B018  (creates and migrates the file before reading it)
            try:
                self._reader = sql.open_reader(self._db.removeprefix("sqlite:///"))
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read database {self._db}: {exc}") from exc
        return self._reader

    def count(self, query: EventQuery) -> int:
        """Count matching events (on SQLite cached until the database changes)."""
        if not self.sqlite:
            return self.store.count_events(query)
        key = (sql.data_version(self.reader), repr(replace(query, limit=None, offset=0)))
        if key not in self._counts:
            if len(self._counts) >= _COUNT_CACHE:
                self._counts.clear()
            self._counts[key] = sql.count_events(self.reader, query)
        return self._counts[key]

    def close(self) -> None:
        self._executor.submit(self._close).result()
        self._executor.shutdown(wait=True)

    def _close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._store is not None:
            self._store.close()


@dataclass(slots=True)
class Context:
    """What every request handler shares: the lanes, the tokens and the lazily loaded models."""

    db: str
    ingest_token: str | None
    read_token: str | None
    models_loader: Callable[[], Models] | None
    lanes: list[Lane] = field(default_factory=list)
    models: Models | None = None
    models_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def read(self, work: Callable[[Lane], T]) -> T:
        """Run ``work`` on the least busy lane (threads own connections; the loop never blocks)."""
        lane = min(self.lanes, key=lambda lane: lane.pending)
        return await lane.run(work)

    async def load_models(self) -> Models:
        async with self.models_lock:
            if self.models is None:
                loader = self.models_loader or _default_models_loader
                self.models = await anyio.to_thread.run_sync(loader)
            return self.models


def _default_models_loader() -> Models:
    from eventscribe.pipeline import load_models

    return load_models()


def context_of(request: Request) -> Context:
    context: Context = request.app.state.context
    return context
