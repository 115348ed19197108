"""Integration fixtures: a real PostgreSQL server, started once per session when a test asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pg_server import PgServer, start_pg_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Start a throwaway PostgreSQL server; fails (never skips) when it is not installed."""
    server = start_pg_server()
    yield server
    server.stop()
