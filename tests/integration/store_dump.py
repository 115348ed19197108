"""Compare SQLite stores by what they hold (shared by the CLI and crash-safety tests)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted: equal dumps mean equal databases."""
    with sqlite3.connect(db) as con:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        # the full-text index by what it holds: its shadow tables' bytes depend on batch sizes
        out = {
            t: sorted(con.execute(f'select * from "{t}"').fetchall(), key=repr)
            for t in tables
            if not t.startswith("articles_fts")
        }
        con.execute("create virtual table temp.vocab using fts5vocab(main, articles_fts, instance)")
        out["articles_fts"] = sorted(con.execute("select * from temp.vocab").fetchall(), key=repr)
        return out
