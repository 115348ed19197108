"""JSON Lines: one article per line, ``id`` plus ``text`` or ``html`` and optional metadata."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from eventscribe.errors import InputError
from eventscribe.ingest.failure import IngestFailure, internal_failure
from eventscribe.ingest.html import read_html
from eventscribe.ingest.language import guess_language
from eventscribe.ingest.text import clean_text, dateline_date, split_header
from eventscribe.records import Article

DEFAULT_MAX_BYTES = 5_000_000
_OPTIONAL_FIELDS = ("url", "title", "source", "language", "author")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
_SKIP_CHUNK = 1 << 20
# JSON's "\ud800" escapes decode to lone surrogates, which no UTF-8 file or database can hold.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True, frozen=True)
class _Unreadable:
    """A line that could not be read as text (too long, or not UTF-8)."""

    message: str


def read_jsonl(
    lines: Iterable[str], *, origin: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestFailure]:
    """Read one article per JSON line; a bad line gives a failure and the others go on."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield read_jsonl_line(line, origin=origin, number=number, max_bytes=max_bytes)


def read_jsonl_stream(
    stream: IO[bytes] | IO[str], *, origin: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestFailure]:
    """Read one article per line of a stream, never holding more than ``max_bytes`` of a line."""
    for number, line in enumerate(_bounded_lines(stream, limit=max_bytes), start=1):
        if isinstance(line, _Unreadable):
            yield IngestFailure(id=f"{origin}:{number}", message=f"line {number}: {line.message}")
        elif line.strip():
            yield read_jsonl_line(line, origin=origin, number=number, max_bytes=max_bytes)


def _bounded_lines(stream: IO[bytes] | IO[str], *, limit: int) -> Iterator[str | _Unreadable]:
    """Yield the stream's lines as text; a line longer than ``limit`` is skipped, not held."""
    first = True
    while line := stream.readline(limit + 1):
        if len(line) > limit and not _ends_line(line):
            _skip_rest_of_line(stream)
            yield _Unreadable(_too_long(limit))
        else:
            yield _decode_line(line, first=first)
        first = False


def _skip_rest_of_line(stream: IO[bytes] | IO[str]) -> None:
    while chunk := stream.readline(_SKIP_CHUNK):
        if _ends_line(chunk):
            return


def _ends_line(chunk: bytes | str) -> bool:
    return chunk.endswith(b"\n") if isinstance(chunk, bytes) else chunk.endswith("\n")


def _decode_line(line: bytes | str, *, first: bool) -> str | _Unreadable:
    if isinstance(line, str):
        return line.removeprefix("\ufeff") if first else line
    try:
        return line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as e:
        return _Unreadable(
            f"invalid UTF-8 at byte offset {e.start} of the line; convert the file first, "
            "e.g. iconv -f ENCODING -t UTF-8 (ENCODING is often WINDOWS-1252)"
        )


def _too_long(limit: int) -> str:
    return (
        f"line is over the {limit:,}-byte limit (--max-bytes); split the article or raise the limit"
    )


def read_jsonl_line(
    line: str, *, origin: str, number: int, max_bytes: int = DEFAULT_MAX_BYTES
) -> Article | IngestFailure:
    """Read the article on one JSON line, or say why it cannot be read."""
    try:
        return _read_line(line, origin=origin, number=number, max_bytes=max_bytes)
    except Exception as exc:  # a bug on one line must not end the file
        return internal_failure(exc, id=f"{origin}:{number}", what=f"line {number}")


def _read_line(line: str, *, origin: str, number: int, max_bytes: int) -> Article | IngestFailure:
    fallback_id = f"{origin}:{number}"
    if len(line.encode("utf-8", errors="surrogatepass")) > max_bytes:
        return IngestFailure(id=fallback_id, message=f"line {number}: {_too_long(max_bytes)}")
    try:
        data = _parse_json(line.rstrip("\r\n"))
    except InputError as e:
        return IngestFailure(id=fallback_id, message=f"line {number}: {e}; fix or remove the line")
    if not isinstance(data, dict):
        message = f"line {number}: expected a JSON object with id and text or html, got {_json_type(data)}"
        return IngestFailure(id=fallback_id, message=message)
    try:
        return article_from_json(data, id=_article_id(data, fallback_id))
    except InputError as e:
        title = _valid_text(data["title"]) if isinstance(data.get("title"), str) else None
        return IngestFailure(
            id=_safe_id(data, fallback_id), message=f"line {number}: {e}", title=title
        )


def _parse_json(text: str) -> Any:
    """Parse one JSON document, turning every way it can fail into InputError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON ({e.msg}, column {e.colno})") from None
    except RecursionError:
        raise InputError("not readable JSON (nested too deeply)") from None
    except ValueError as e:  # Python's int limit: a number of more than 4,300 digits
        raise InputError(f"not readable JSON ({str(e).split(';')[0]})") from None


def article_from_json(data: dict[str, Any], *, id: str) -> Article:
    """Build an Article from one JSON object with ``text`` or ``html``; raise InputError if unusable."""
    meta = {name: _optional_str(data, name) for name in _OPTIONAL_FIELDS}
    published = parse_published(data.get("published"))
    text, html = _text_value(data.get("text")), _text_value(data.get("html"))
    if text is not None and not isinstance(text, str):
        raise InputError(f"text must be a string, got {_json_type(text)}; give the article text")
    if html is not None and not isinstance(html, str):
        raise InputError(
            f"html must be a string, got {_json_type(html)}; give the page as a string"
        )
    if text is None and html is None:
        raise InputError('neither "text" nor "html" is given; add the article as one of them')
    if html is not None and not (text or "").strip():
        return _from_html(html, id=id, published=published, meta=meta)
    return _from_text(text or "", id=id, published=published, meta=meta)


def _from_text(
    text: str, *, id: str, published: str | None, meta: dict[str, str | None]
) -> Article:
    body, title, section = split_header(clean_text(text), title=meta["title"])
    language = (meta["language"] or guess_language(body) or "").lower() or None
    return Article(
        id=id,
        text=body,
        title=title,
        published=published or dateline_date(body),
        url=meta["url"],
        source=meta["source"],
        language=language,
        author=meta["author"],
        section=section,
    )


def _from_html(
    html: str, *, id: str, published: str | None, meta: dict[str, str | None]
) -> Article:
    article = read_html(html, id=id, url=meta["url"])
    article.title = meta["title"] or article.title
    article.published = published or article.published
    article.source = meta["source"] or article.source
    article.author = meta["author"] or article.author
    article.language = (meta["language"] or article.language or "").lower() or None
    return article


def parse_published(value: Any) -> str | None:
    """Return a YYYY-MM-DD date from YYYY-MM-DD or an ISO 8601 datetime; raise InputError otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            return dt.datetime.fromisoformat(text).date().isoformat()
        except ValueError:
            pass
    raise InputError(
        f"published {value!r} is not a date; give YYYY-MM-DD or an ISO 8601 datetime "
        "such as 2024-03-05T10:30:00Z"
    )


def _article_id(data: dict[str, Any], fallback: str) -> str:
    value = data.get("id")
    if value is None or value == "":
        return fallback
    if isinstance(value, str):
        return _valid_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"id must be a string or an integer, got {_json_type(value)}; fix the id")


def _safe_id(data: dict[str, Any], fallback: str) -> str:
    try:
        return _article_id(data, fallback)
    except InputError:
        return fallback


def _optional_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string or null, got {_json_type(value)}; fix the field")
    return _valid_text(value).strip() or None


def _text_value(value: Any) -> Any:
    """Return a string with its lone surrogates replaced (see ``_valid_text``); others as given."""
    return _valid_text(value) if isinstance(value, str) else value


def _valid_text(text: str) -> str:
    """Replace lone surrogates by U+FFFD, so the text can be written as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)
