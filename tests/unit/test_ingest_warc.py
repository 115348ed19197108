"""WARC files built here with warcio's writer: HTML 200 responses become Articles."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventscribe.ingest import IngestFailure, read_inputs
from eventscribe.ingest.warc import WarcCounts, read_warc, read_warc_stream
from eventscribe.records import Article


def page(title: str, sentence: str, *, repeat: int = 3) -> bytes:
    body = " ".join([sentence] * repeat)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>The interior ministry did not comment.</p>"
        "</article><footer>Copyright</footer></body></html>"
    ).encode()


FARMERS = page(
    "Farmers block highway", "Hundreds of farmers blocked the highway near Shiraz on Tuesday."
)
TEACHERS = page("Teachers rally", "Teachers rallied outside the education office in Kazerun.")


def _response(
    writer: WARCWriter, uri: str, payload: bytes, *, status: str = "200 OK", kind: str = "text/html"
) -> None:
    headers = StatusAndHeaders(
        status,
        [("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(payload)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(payload), http_headers=headers
    )
    _write(writer, record)


def _write(writer: WARCWriter, record: Any) -> None:
    writer.write_record(record)
    record.raw_stream.close()  # warcio spools the block to a temporary file for its digest


def build_warc(path: Path, *, gzip: bool, pages: int = 0) -> Path:
    """Write a crawl: warcinfo, a request, two articles, a 404, an image, and filler pages."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        _write(writer, writer.create_warcinfo_record(path.name, {"software": "tests"}))
        request = writer.create_warc_record(
            "http://news.example/farmers", "request", payload=io.BytesIO(b"GET /farmers\r\n\r\n")
        )
        _write(writer, request)
        _response(writer, "http://news.example/farmers", FARMERS)
        _response(writer, "http://news.example/gone", TEACHERS, status="404 Not Found")
        _response(writer, "http://news.example/logo.png", b"\x89PNG\r\n", kind="image/png")
        _response(writer, "http://news.example/teachers", TEACHERS)
        for n in range(pages):
            sentence = f"Filler story number {n} reports a quiet day in the harbour town."
            _response(writer, f"http://news.example/filler/{n}", page(f"Filler {n}", sentence))
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_become_articles_and_the_rest_is_counted(tmp_path: Path, name: str) -> None:
    path = build_warc(tmp_path / name, gzip=name.endswith(".gz"))
    counts = WarcCounts()
    farmers, teachers = read_warc(path, counts=counts)
    assert isinstance(farmers, Article) and isinstance(teachers, Article)
    assert farmers.url == "http://news.example/farmers"
    assert farmers.id.startswith("urn:uuid:") and farmers.id != teachers.id
    assert farmers.title == "Farmers block highway"
    assert farmers.text.startswith("Hundreds of farmers blocked the highway near Shiraz")
    assert "Home | World" not in farmers.text and "Copyright" not in farmers.text
    assert teachers.url == "http://news.example/teachers"
    assert counts == WarcCounts(
        records=6, responses=4, articles=2, not_ok=1, not_html=1, failures=0
    )


def test_warc_files_are_dispatched_by_name(tmp_path: Path) -> None:
    build_warc(tmp_path / "a.warc.gz", gzip=True)
    build_warc(tmp_path / "b.warc", gzip=False)
    (tmp_path / "c.gz").write_bytes(b"")
    out = list(read_inputs([str(tmp_path)]))
    assert [x.url for x in out if isinstance(x, Article)] == [
        "http://news.example/farmers",
        "http://news.example/teachers",
    ] * 2
    assert len(out) == 4  # c.gz is not a WARC: not picked up when walking


@pytest.mark.parametrize("gzip", [True, False])
def test_truncated_warc_keeps_what_was_read_and_fails_for_the_rest(
    tmp_path: Path, gzip: bool
) -> None:
    whole = build_warc(tmp_path / "whole", gzip=gzip).read_bytes()
    cut = whole.index(b"teachers") if not gzip else len(whole) - 40
    truncated = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    truncated.write_bytes(whole[:cut])
    counts = WarcCounts()
    out = list(read_warc(truncated, counts=counts))
    assert [type(x).__name__ for x in out] == ["Article", "IngestFailure"]
    assert isinstance(out[0], Article) and out[0].url == "http://news.example/farmers"
    failure = out[1]
    assert isinstance(failure, IngestFailure) and failure.id == str(truncated)
    assert failure.message.startswith("truncated or corrupt WARC after ")
    assert "; 1 article read before it kept; re-download" in failure.message
    assert counts.articles == 1 and counts.failures == 1


def test_garbage_in_the_middle_stops_the_archive_with_a_failure(tmp_path: Path) -> None:
    whole = build_warc(tmp_path / "whole", gzip=False).read_bytes()
    at = whole.index(b"WARC/1.", whole.index(b"http://news.example/gone") - 400)
    broken = tmp_path / "broken.warc"
    broken.write_bytes(whole[:at] + b"this is not a WARC header\r\n\r\n" + whole[at:])
    out = list(read_warc(broken))
    assert [type(x).__name__ for x in out] == ["Article", "IngestFailure"]
    assert isinstance(out[1], IngestFailure) and "ArchiveLoadFailed" in out[1].message


def test_a_page_without_text_or_over_the_limit_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "odd.warc"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        _response(writer, "http://news.example/empty", b"<html><body><p>Hi</p></body></html>")
        _response(writer, "http://news.example/huge", FARMERS)
        _response(writer, "http://news.example/teachers", TEACHERS)
    counts = WarcCounts()
    out_items = list(read_warc(path, max_bytes=len(FARMERS) - 1, counts=counts))
    assert [type(x).__name__ for x in out_items] == ["IngestFailure", "IngestFailure", "Article"]
    empty, huge = out_items[0], out_items[1]
    assert isinstance(empty, IngestFailure) and "no article text found" in empty.message
    assert isinstance(huge, IngestFailure) and "over the" in huge.message
    assert huge.message.startswith("http://news.example/huge: page is over")
    assert counts.failures == 2 and counts.articles == 1


class _CountingReader(io.RawIOBase):
    """A file that records how many bytes were read from it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._data.readinto(buffer)
        self.read_so_far += n
        return n


def test_the_archive_is_streamed_not_loaded(tmp_path: Path) -> None:
    data = build_warc(tmp_path / "big.warc", gzip=False, pages=200).read_bytes()
    reader = _CountingReader(data)
    items = read_warc_stream(io.BufferedReader(reader), origin="big.warc")
    first = next(items)
    assert isinstance(first, Article)
    assert reader.read_so_far < len(data) // 4  # the first article came before the bulk
    assert sum(1 for _ in items) == 1 + 200


# --- found by fuzzing (tests/fuzz) -------------------------------------------------------------


def test_a_corrupt_archive_is_reported_on_one_line() -> None:
    """warcio's ArchiveLoadFailed message spans lines; the failure quoting it must not."""
    raw = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: abc\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n\r\n"
    )
    [failure] = read_warc_stream(io.BytesIO(raw), origin="crawl.warc")
    assert isinstance(failure, IngestFailure)
    assert failure.message.startswith("truncated or corrupt WARC after")
    assert "\n" not in failure.message and len(failure.message) < 400


def test_a_page_declaring_rot13_in_a_warc_is_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    with path.open("wb") as out:
        _response(
            WARCWriter(out, gzip=False),
            "http://news.example/a",
            FARMERS,
            kind="text/html; charset=rot13",
        )
    [article] = read_warc(path)
    assert isinstance(article, Article) and article.url == "http://news.example/a"
