"""RSS and Atom feeds, from files or URLs: one Article per entry, parsed with feedparser.

An entry's text is its content (or, failing that, its summary), HTML turned into text. Many
feeds carry only a teaser; fetching the linked pages is left to the caller. A malformed feed
still gives the entries feedparser's lenient parser recovered, then one failure for the feed,
so the user learns that it may be incomplete; an entry without text fails alone.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from eventscribe.errors import InputError
from eventscribe.ingest.failure import IngestFailure, internal_failure, one_line
from eventscribe.ingest.html import decode_html, read_html, usable_charset, visible_body_text
from eventscribe.ingest.jsonl import DEFAULT_MAX_BYTES
from eventscribe.ingest.language import guess_language
from eventscribe.ingest.text import clean_text
from eventscribe.records import Article

DEFAULT_TIMEOUT = 30.0
FEED_URL_PREFIXES = ("http://", "https://")
_FULL_PAGE = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_PLAIN_TYPES = ("text/plain", "text")
_DATE_FIELDS = ("published", "updated", "created")
# feedparser's lenient parser raises on a reference to a surrogate (chr(0xD800).encode()).
_CHAR_REF = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]+)|0*([0-9]+));")
_DECLARED_ENCODING = re.compile(rb"""(<\?xml[^>]*?)\s+encoding\s*=\s*["']([^"']*)["']""")
_DECLARATION_WINDOW = 1024
_HEADER_CHARSET = re.compile(r"""\s*;\s*charset\s*=\s*("?)([^";\s]*)\1""", re.IGNORECASE)


def read_feed(
    raw: bytes, *, origin: str, headers: Mapping[str, str] | None = None
) -> Iterator[Article | IngestFailure]:
    """Yield one article per feed entry (or a failure), then a failure when the feed is malformed."""
    try:
        parsed = _parse(raw, headers=_usable_headers(headers or {}))
    except Exception as exc:  # feedparser is lenient, but a bug in it must end this feed only
        yield internal_failure(exc, id=origin, what="the feed")
        return
    if not parsed.get("version") and not parsed.entries:
        yield IngestFailure(id=origin, message=_not_a_feed(parsed))
        return
    source = _clean(parsed.feed.get("title"))
    declared = _language_code(parsed.feed.get("language"))
    for index, entry in enumerate(parsed.entries, start=1):
        yield _read_entry_safely(entry, id=f"{origin}#{index}", source=source, language=declared)
    if _is_malformed(parsed):
        yield IngestFailure(id=origin, message=_malformed(parsed, count=len(parsed.entries)))


def _parse(raw: bytes, *, headers: dict[str, str]) -> Any:
    """Parse with feedparser; when it breaks on the encoding, parse a UTF-8 copy instead."""
    import feedparser

    declared = _DECLARED_ENCODING.search(raw[:_DECLARATION_WINDOW])
    if declared is not None and usable_charset(declared.group(2).decode("latin-1")) is None:
        return feedparser.parse(_as_utf8(raw))  # "unicode-escape": not a charset at all
    try:
        return feedparser.parse(_CHAR_REF.sub(_valid_char_ref, raw), response_headers=headers)
    # encoding="undefined" or "rot13", and references to non-characters in a UTF-16 feed
    except (UnicodeError, LookupError, ValueError, OverflowError):
        return feedparser.parse(_as_utf8(raw))


def _usable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-case the header names (as feedparser reads them) and drop a Content-Type charset
    that cannot be a feed's ("unicode-escape"), so that feedparser sniffs the encoding instead."""
    usable = {name.lower(): value for name, value in headers.items()}
    if "content-type" in usable:
        usable["content-type"] = _HEADER_CHARSET.sub(_usable_param, usable["content-type"])
    return usable


def _usable_param(match: re.Match[str]) -> str:
    return match.group(0) if usable_charset(match.group(2)) is not None else ""


def _as_utf8(raw: bytes) -> bytes:
    """Decode a feed as a page is decoded, then re-encode it as UTF-8 without a declaration."""
    data = decode_html(raw).encode("utf-8")
    return _CHAR_REF.sub(_valid_char_ref, _DECLARED_ENCODING.sub(rb"\1", data))


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    """Keep a character reference to a real character; others (&#xD800;, &#0;) become U+FFFD."""
    hex_digits, digits = match.group(1), match.group(2)
    if len(hex_digits or digits) > 8:
        return b"&#xFFFD;"  # past U+10FFFF (and past int()'s digit limit, for 5,000 digits)
    code = int(hex_digits, 16) if hex_digits else int(digits)
    surrogate = 0xD800 <= code <= 0xDFFF
    return match.group(0) if 0 < code <= 0x10FFFF and not surrogate else b"&#xFFFD;"


def _read_entry_safely(
    entry: Mapping[str, Any], *, id: str, source: str | None, language: str | None
) -> Article | IngestFailure:
    try:
        return read_entry(entry, fallback_id=id, source=source, language=language)
    except Exception as exc:  # a bug on one entry must not end the feed
        return internal_failure(exc, id=id, what="a feed entry")


def read_entry(
    entry: Mapping[str, Any],
    *,
    fallback_id: str,
    source: str | None = None,
    language: str | None = None,
) -> Article | IngestFailure:
    """Read one feedparser entry as an Article, or say why it has no usable text."""
    id = _clean(entry.get("id")) or _clean(entry.get("link")) or fallback_id
    title = _clean(entry.get("title"))
    try:
        text = clean_text(_entry_text(entry, id=id))
    except InputError as e:
        return IngestFailure(id=id, message=f"feed entry: {e}", title=title)
    return Article(
        id=id,
        text=text,
        title=title,
        published=entry_date(entry),
        url=_clean(entry.get("link")),
        source=source,
        author=_clean(entry.get("author")),
        section=_first_tag(entry),
        language=guess_language(text) or language,
    )


def _entry_text(entry: Mapping[str, Any], *, id: str) -> str:
    """Return the entry's longest content (else its summary) as text."""
    parts = [c for c in entry.get("content") or () if c.get("value")]
    if not parts and entry.get("summary"):
        parts = [entry.get("summary_detail") or {"value": entry["summary"]}]
    if not parts:
        raise InputError("no content or summary; the feed gives only a link, fetch the page")
    best = max(parts, key=lambda part: len(part["value"]))
    value, kind = str(best["value"]), str(best.get("type") or "text/html")
    if kind in _PLAIN_TYPES:
        return value
    if _FULL_PAGE.search(value):
        return read_html(value, id=id).text
    # A fragment: trafilatura wants a page, the visible-text path takes any markup. Source
    # newlines are just spaces in HTML; collapsed first, they cannot split a paragraph.
    return visible_body_text(_SPACES.sub(" ", value))


def entry_date(entry: Mapping[str, Any]) -> str | None:
    """Return the entry's publication day (YYYY-MM-DD) as the outlet wrote it, or None."""
    for name in _DATE_FIELDS:
        day = _local_day(_field(entry, name))
        if day is not None:
            return day
    for name in _DATE_FIELDS:
        # feedparser's parsed form is in UTC, which can shift a late-evening story by a day.
        parsed = _field(entry, f"{name}_parsed")
        # feedparser turns "0000-00-00" into year -1: only a real calendar day counts
        if isinstance(parsed, time.struct_time) and 1 <= parsed.tm_year <= 9999:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _field(entry: Mapping[str, Any], name: str) -> Any:
    # "in" first: feedparser's get("updated") falls back to "published" with a DeprecationWarning
    return entry.get(name) if name in entry else None


def _local_day(value: Any) -> str | None:
    """Read an RFC 822 (RSS) or RFC 3339 (Atom) date in its own time zone."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _is_malformed(parsed: Any) -> bool:
    """Tell whether feedparser hit a real error (not just a charset or content-type quirk)."""
    import feedparser

    error = parsed.get("bozo_exception")
    return bool(parsed.get("bozo")) and not isinstance(
        error, feedparser.ThingsNobodyCaresAboutButMe
    )


def _malformed(parsed: Any, *, count: int) -> str:
    error = parsed.get("bozo_exception")
    return (
        f"malformed feed ({_describe(error)}); {count} entries were recovered and may be "
        "incomplete; fix or re-download the feed"
    )


def _not_a_feed(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    reason = f" ({_describe(error)})" if parsed.get("bozo") else ""
    return f"not an RSS or Atom feed{reason}; give a feed file or URL"


def _describe(error: Any) -> str:
    line = getattr(error, "getLineNumber", None)
    where = f" at line {line()}" if callable(line) else ""
    message = getattr(error, "getMessage", None)
    return one_line(message() if callable(message) else error) + where


def fetch_feed(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[bytes, dict[str, str]]:
    """Download a feed; return its bytes and response headers, or raise InputError."""
    from eventscribe import __version__  # here: the package root may one day import ingest

    request = urllib.request.Request(
        url, headers={"User-Agent": f"eventscribe/{__version__}", "Accept": "*/*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(max_bytes + 1)
            headers = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as e:
        e.close()  # it holds the open response
        raise InputError(f"the server answered HTTP {e.code}; check the feed address") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        raise InputError(f"cannot fetch the feed ({_reason(e)}); {_network_advice()}") from None
    if len(raw) > max_bytes:
        raise InputError(
            f"feed is over the {max_bytes:,}-byte limit (--max-bytes); raise the limit"
        )
    return raw, headers


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "no answer in time"
    return str(reason)


def _network_advice() -> str:
    return "check the address and the network, or save the feed and give the file"


def read_feed_url(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestFailure]:
    """Fetch a feed over HTTP(S) and yield its entries (or one failure when it cannot be had)."""
    try:
        raw, headers = fetch_feed(url, timeout=timeout, max_bytes=max_bytes)
    except InputError as e:
        yield IngestFailure(id=url, message=str(e))
        return
    yield from read_feed(raw, origin=url, headers=headers)


def _first_tag(entry: Mapping[str, Any]) -> str | None:
    tags = entry.get("tags") or ()
    return _clean(tags[0].get("term")) if tags else None


def _language_code(value: Any) -> str | None:
    """Turn a feed's declared language ("en-us") into ISO 639-1 ("en")."""
    code = _clean(value)
    if code is None:
        return None
    primary = code.lower().replace("_", "-").split("-")[0]
    return primary if len(primary) == 2 and primary.isalpha() else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
