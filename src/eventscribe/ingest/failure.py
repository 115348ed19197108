"""The record for one input item that could not become an Article."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, kw_only=True)
class IngestFailure:
    """One input item that could not become an Article, and why."""

    id: str  # the id it would have had: the path, "file.jsonl:7", or the JSON id
    stage: str = "ingest"
    message: str  # what happened and what to do, one line
    title: str | None = None
