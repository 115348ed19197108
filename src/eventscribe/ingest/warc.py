"""WARC files (Common Crawl news style): each HTML response record becomes an Article.

The file is streamed record by record with warcio, so memory stays at one page however large
the archive. Records that are not pages (requests, metadata, revisits, non-200 answers,
images, PDFs) are skipped without a failure but counted in ``WarcCounts``. A truncated or
corrupt archive ends with one failure that names the record where reading stopped; the
articles read before it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from eventscribe.errors import InputError
from eventscribe.ingest.failure import IngestFailure, internal_failure, one_line
from eventscribe.ingest.html import read_html
from eventscribe.ingest.jsonl import DEFAULT_MAX_BYTES
from eventscribe.records import Article

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
_CHUNK = 1 << 16


@dataclass(slots=True)
class WarcCounts:
    """What one archive held: every record seen, and why those without an article were skipped."""

    records: int = 0
    responses: int = 0
    articles: int = 0
    not_ok: int = 0  # responses with an HTTP status other than 200
    not_html: int = 0  # 200 responses whose content is not an HTML page
    failures: int = 0  # HTML pages without article text, or too large; plus a corrupt tail


class _Corrupt(Exception):
    """The archive cannot be read past this point."""


def read_warc(
    path: Path,
    *,
    id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    counts: WarcCounts | None = None,
) -> Iterator[Article | IngestFailure]:
    """Yield an article (or failure) for every HTML 200 response in a .warc or .warc.gz file."""
    origin = id or str(path)
    try:
        stream = path.open("rb")
    except OSError as e:
        reason = e.strerror or str(e)
        yield IngestFailure(id=origin, message=f"cannot read the WARC file ({reason})")
        return
    with stream:
        yield from read_warc_stream(stream, origin=origin, max_bytes=max_bytes, counts=counts)


def read_warc_stream(
    stream: IO[bytes],
    *,
    origin: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    counts: WarcCounts | None = None,
) -> Iterator[Article | IngestFailure]:
    """Yield the articles of a WARC byte stream (gzipped or not), one record at a time."""
    from warcio.archiveiterator import ArchiveIterator

    counts = counts if counts is not None else WarcCounts()
    records = ArchiveIterator(stream)
    try:
        for record in _records(records):
            counts.records += 1
            item = _read_record_safely(record, max_bytes=max_bytes, counts=counts)
            if item is not None:
                yield item
        # warcio's own handle counts bytes even on a pipe; offset is where the last record ended.
        unread = records.fh.tell() - records.offset
        if unread > 0:
            raise _Corrupt(f"{unread:,} bytes at the end are not a whole record")
    except _Corrupt as e:
        counts.failures += 1
        yield IngestFailure(id=origin, message=_corrupt_message(str(e), counts=counts))


def _records(records: Any) -> Iterator[Any]:
    """Iterate warcio's records, turning whatever it raises on a broken archive into _Corrupt."""
    while True:
        try:
            record = next(records, None)
        # warcio raises ArchiveLoadFailed, zlib.error, EOFError and even AttributeError on bad
        # bytes; all mean the same here: nothing further in this archive can be trusted.
        except Exception as e:
            raise _Corrupt(f"{type(e).__name__}: {one_line(e, limit=120)}") from None
        if record is None:
            return
        yield record


def _read_record_safely(
    record: Any, *, max_bytes: int, counts: WarcCounts
) -> Article | IngestFailure | None:
    """Read one record; a bug on it becomes that record's failure (a broken archive is _Corrupt)."""
    try:
        return _read_record(record, max_bytes=max_bytes, counts=counts)
    except _Corrupt:
        raise
    except Exception as exc:  # a bug on one record must not end the archive
        counts.failures += 1
        return internal_failure(exc, id=_record_id(record), what="a WARC record")


def _record_id(record: Any) -> str:
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    return record_id or headers.get_header("WARC-Target-URI") or "?"


def _read_record(
    record: Any, *, max_bytes: int, counts: WarcCounts
) -> Article | IngestFailure | None:
    """Read one record: an article, a failure, or None when it is not a page (counted)."""
    if record.rec_type != "response":
        _drain(record)
        return None
    counts.responses += 1
    http = record.http_headers
    if http is None or http.get_statuscode() != "200":
        counts.not_ok += 1
        _drain(record)
        return None
    if _media_type(http.get_header("Content-Type")) not in HTML_TYPES:
        counts.not_html += 1
        _drain(record)
        return None
    return _read_page(record, max_bytes=max_bytes, counts=counts)


def _read_page(record: Any, *, max_bytes: int, counts: WarcCounts) -> Article | IngestFailure:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    id = _record_id(record)
    payload = record.content_stream().read(max_bytes + 1)
    _drain(record)
    try:
        if len(payload) > max_bytes:
            raise InputError(
                f"page is over the {max_bytes:,}-byte limit (--max-bytes); raise the limit"
            )
        article = read_html(payload, id=id, url=uri)
    except InputError as e:
        counts.failures += 1
        return IngestFailure(id=id, message=f"{one_line(uri)}: {e}")
    counts.articles += 1
    return article


def _drain(record: Any) -> None:
    """Read the rest of a record, and raise _Corrupt when the file ends inside it."""
    raw = record.raw_stream
    try:
        while raw.read(_CHUNK):
            pass
    except Exception as e:  # a broken gzip member (see _records)
        raise _Corrupt(f"{type(e).__name__}: {one_line(e, limit=120)}") from None
    missing = getattr(raw, "limit", 0)
    if missing:
        uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        raise _Corrupt(f"the file ends {missing:,} bytes into the record for {one_line(uri)}")


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _corrupt_message(reason: str, *, counts: WarcCounts) -> str:
    kept = f"{counts.articles} article{'' if counts.articles == 1 else 's'}"
    return (
        f"truncated or corrupt WARC after {counts.records} records ({reason}); {kept} read "
        "before it kept; re-download or repair the file"
    )
