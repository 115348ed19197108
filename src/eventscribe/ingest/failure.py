"""The record for one input item that could not become an Article, and the readers' safety net."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger("eventscribe.ingest")
T = TypeVar("T")
# A reason quoted inside a failure message is cut to this many characters.
MAX_REASON_CHARS = 200


@dataclass(slots=True, kw_only=True)
class IngestFailure:
    """One input item that could not become an Article, and why."""

    id: str  # the id it would have had: the path, "file.jsonl:7", or the JSON id
    stage: str = "ingest"
    message: str  # what happened and what to do, one line
    title: str | None = None


def one_line(text: object, *, limit: int = MAX_REASON_CHARS) -> str:
    """Return text on one line (whitespace collapsed), cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def internal_failure(exc: BaseException, *, id: str, what: str) -> IngestFailure:
    """Record a reader bug against its item: logged with its traceback, and the run goes on."""
    log.error("reading %s failed on %s", what, one_line(id), exc_info=exc)
    return IngestFailure(
        id=id,
        message=f"internal error {type(exc).__name__} while reading {what} "
        f"({one_line(exc)}); the item was skipped, please report it",
    )


def guarded(
    items: Iterator[T | IngestFailure], *, id: str, what: str
) -> Iterator[T | IngestFailure]:
    """Yield a reader's items; a bug that stops the reader becomes one failure for ``id``."""
    try:
        yield from items
    except Exception as exc:  # a reader bug must end this input only, never the run
        yield internal_failure(exc, id=id, what=what)
