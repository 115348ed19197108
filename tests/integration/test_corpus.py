"""A corpus through `eventscribe run`: a feed and a WARC crawl, a syndicated copy linked as a
near-duplicate, and one protest told by three outlets merged into one event with three sources."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventscribe.store import EventQuery, open_store

pytestmark = pytest.mark.model

EXE = str(Path(sys.executable).with_name("eventscribe"))

REPORT_A = (
    "KANO, Nigeria, March 4, 2025 (Wire) — Thousands of traders marched through Kano on Monday "
    "to protest against a new market levy, police said. The traders gathered at the Kurmi "
    "market before walking to the state assembly, where they chanted slogans against the "
    "governor. The march ended peacefully in the afternoon, witnesses said."
)
REPORT_A_COPY = REPORT_A.replace("witnesses said.", "witnesses said. Reporting by the Wire desk.")
REPORT_B = (
    "Traders in Kano staged a protest march on Monday against the market levy imposed by the "
    "state government. Thousands of them walked from the Kurmi market to the state assembly, "
    "local journalists reported. No arrests were made."
)
REPORT_C = (
    "On Monday thousands of market traders protested in Kano, marching to the state assembly "
    "to demand that the governor scrap the new levy on stalls. The protest was peaceful, "
    "according to the Nigeria Police Force."
)
OTHER = (
    "Doctors went on strike in Nairobi on Monday over unpaid salaries, closing outpatient "
    "clinics at the city's main hospital, their union said."
)


def _rss(path: Path) -> None:
    items = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://feed.example/{guid}</link>"
        f"<pubDate>Tue, 04 Mar 2025 10:00:00 +0000</pubDate><description><![CDATA[<p>{text}</p>]]>"
        "</description></item>"
        for guid, title, text in (
            ("kano-a", "Traders march in Kano", REPORT_A),
            ("kano-b", "Kano traders protest levy", REPORT_B),
        )
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed Example</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )


def _page(title: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title><meta property='article:published_time' "
        f"content='2025-03-04'></head><body><nav>Home | Africa</nav><article><h1>{title}</h1>"
        f"<p>{text}</p></article><footer>Copyright</footer></body></html>"
    ).encode()


def _warc(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, title, text in (
            ("https://paper.example/kano-c", "Kano traders protest", REPORT_C),
            ("https://syndicated.example/kano-a", "Traders march in Kano", REPORT_A_COPY),
            ("https://paper.example/nairobi", "Doctors strike", OTHER),
        ):
            payload = _page(title, text)
            headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(payload))),
                ],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)
            record.raw_stream.close()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)


def test_feed_and_warc_dedupe_and_merge(tmp_path: Path) -> None:
    feed, crawl, db = tmp_path / "news.rss", tmp_path / "crawl.warc.gz", tmp_path / "c.db"
    _rss(feed)
    _warc(crawl)
    done = _run("run", str(feed), str(crawl), "--db", str(db), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "near-duplicates 1" in done.stdout, done.stdout

    with open_store(db) as store:
        stats = store.stats()
        assert (stats.articles, stats.duplicates) == (4, 1)
        protests = [
            e
            for e in store.query_events(EventQuery(types=("PROTEST",), limit=None))
            if e.event.location is not None and e.event.location.name == "Kano"
        ]
        clustered = {e.event.event_id: e for e in protests}
        view = None
        for event_id in clustered:
            view = store.get_cluster(event_id)
            if view is not None:
                break
    assert view is not None, "the three Kano reports were not merged"
    assert len(set(view.article_ids)) == 3
    assert len(view.events) == 3 and view.reasons

    again = _run("run", str(feed), str(crawl), "--db", str(db), "--quiet")
    assert again.returncode == 0 and "new 0" in again.stdout
    assert _rows(db) == _rows_after(db)


def _rows(db: Path) -> Any:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from cluster_members").fetchone()


_rows_after = _rows
