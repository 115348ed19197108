"""Plain-text articles: decode, check, and split off a leading title and breadcrumb."""

from __future__ import annotations

import codecs
import datetime
import re

from eventscribe.errors import InputError
from eventscribe.ingest.language import guess_language
from eventscribe.records import Article

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control characters that real text uses; any other share above this means binary data.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.05
_BINARY_SAMPLE = 8192
# A title is a short single line that does not read as a finished sentence.
_MAX_TITLE_CHARS = 250
_SENTENCE_END = (".", ":", ";", ",")
_CLOSERS = "\"'”’»)]"
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# "Home / News" and "Home | News" need the spaces: "Iran/Iraq" is one word, not two crumbs.
_CRUMB_SEPARATORS = re.compile(r"\s+[/|]\s+|\s*[›»>]\s*")
_MAX_CRUMB_CHARS = 40
# A dateline: place names of up to four capitalised words (particles such as "de" allowed),
# then the date, before the dash that opens the story ("BAGHDAD, 16 July 2025 —",
# "LAGOS, Nigeria, March 3, 2024 (Wire) -"). Capitals keep "The protest, 3 May 2024 -" out.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_PLACE_WORDS = r"[A-Z][\w'.\-]*(?:[ \t]+(?:[A-Z][\w'.\-]*|de|da|do|del|la|el|al|es|of|upon)){0,3}"
_DATE_FORMS = (
    r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?[ \t]+(?P<m1>[A-Za-z]{3,9})\.?,?[ \t]+(?P<y1>\d{4})"
    r"|(?P<m2>[A-Za-z]{3,9})\.?[ \t]+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?[ \t]+(?P<y2>\d{4})"
)
_DATELINE = re.compile(
    rf"(?:{_PLACE_WORDS},[ \t]*){{1,3}}(?:{_DATE_FORMS})"
    r"[ \t]*(?:\([^()\n]{1,40}\)[ \t]*)?[-\u2013\u2014:]"
)


def read_text(raw: bytes, *, id: str) -> Article:
    """Read a plain-text article from bytes, taking a leading title and breadcrumb off the text."""
    text = clean_text(decode_text(raw, id=id))
    body, title, section = split_header(text)
    language = guess_language(body)
    return Article(
        id=id,
        text=body,
        title=title,
        section=section,
        language=language,
        published=dateline_date(body),
    )


def dateline_date(text: str) -> str | None:
    """Return the full date (YYYY-MM-DD) of a dateline that opens the text, else None."""
    match = _DATELINE.match(text)
    if match is None:
        return None
    day, month, year = (
        match["d1"] or match["d2"],
        match["m1"] or match["m2"],
        match["y1"] or match["y2"],
    )
    number = _MONTHS.get(month.casefold())
    if number is None:
        return None
    try:
        return datetime.date(int(year), number, int(day)).isoformat()
    except ValueError:  # "31 February": a typo, not a date to guess at
        return None


def decode_text(raw: bytes, *, id: str) -> str:
    """Decode UTF-8 (with or without a BOM) or UTF-16 with a BOM; refuse binary data."""
    if raw.startswith(_UTF16_BOMS):
        return _decode_utf16(raw, id=id)
    if looks_binary(raw[:_BINARY_SAMPLE].decode("latin-1")):
        raise InputError("binary file, not text; give a UTF-8 .txt, .html or .jsonl file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"invalid UTF-8 at byte offset {e.start} (0x{raw[e.start]:02x}); convert it first, "
            f"e.g. iconv -f ENCODING -t UTF-8 {id} > converted.txt (ENCODING is often WINDOWS-1252)"
        ) from None


def _decode_utf16(raw: bytes, *, id: str) -> str:
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError as e:
        raise InputError(
            f"invalid UTF-16 at byte offset {e.start}; convert it first, "
            f"e.g. iconv -f UTF-16 -t UTF-8 {id} > converted.txt"
        ) from None


def looks_binary(text: str) -> bool:
    """Tell whether text holds NUL bytes or a high share of control characters."""
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if (ch < " " or ch == "\x7f") and ch not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * max(len(text), 1)


def clean_text(text: str) -> str:
    """Normalise newlines and trim the ends; refuse empty or binary text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InputError("empty article: there is no text; give the article text or drop the item")
    if looks_binary(text[:_BINARY_SAMPLE]):
        raise InputError("binary data, not text; give the article as UTF-8 text")
    return text


def split_header(text: str, *, title: str | None = None) -> tuple[str, str | None, str | None]:
    """Return (body, title, section) with a leading title and breadcrumb cut off the text.

    With ``title`` given, the header is only cut when it repeats that title.
    """
    paragraphs = _first_paragraphs(text, count=3)
    found = _find_header(paragraphs)
    if found is None:
        return text, title, None
    body_start, found_title, section = found
    if title is not None and _norm(found_title).casefold() != _norm(title).casefold():
        return text, title, None
    return text[body_start:], title or found_title, section


def _find_header(paragraphs: list[tuple[str, int]]) -> tuple[int, str, str | None] | None:
    """Return (body start, title, section) when the text opens with a title, else None."""
    if len(paragraphs) < 2 or not _is_title(paragraphs[0][0]):
        return None
    first, second = paragraphs[0][0], paragraphs[1][0]
    if len(paragraphs) == 3 and _is_title(second):
        if _is_breadcrumb_then(first, second):
            crumbs = _norm(first)[: len(_norm(first)) - len(_norm(second))]
            return paragraphs[2][1], _norm(second), _last_crumb(crumbs)
        if _is_breadcrumb(first):
            return paragraphs[2][1], _norm(second), _last_crumb(first)
    return paragraphs[1][1], _norm(first), None


def _first_paragraphs(text: str, *, count: int) -> list[tuple[str, int]]:
    """Return up to ``count`` (paragraph, start offset) pairs; the last one runs to the end."""
    found: list[tuple[str, int]] = []
    start = 0
    for gap in _BLANK_LINES.finditer(text):
        if len(found) == count - 1:
            break
        found.append((text[start : gap.start()], start))
        start = gap.end()
    found.append((text[start:], start))
    return found


def _is_title(paragraph: str) -> bool:
    line = paragraph.strip()
    if "\n" in line or not 0 < len(line) <= _MAX_TITLE_CHARS:
        return False
    return not line.rstrip(_CLOSERS).endswith(_SENTENCE_END) and any(c.isalpha() for c in line)


def _is_breadcrumb_then(first: str, second: str) -> bool:
    """Tell whether ``first`` is a breadcrumb trail followed by the headline ``second``."""
    first, second = _norm(first), _norm(second)
    if not first.endswith(second):
        return False
    before = first[: len(first) - len(second)]
    return before == "" or before[-1].isspace() or before[-1] in "›»>|/"


def _is_breadcrumb(paragraph: str) -> bool:
    crumbs = _CRUMB_SEPARATORS.split(_norm(paragraph))
    return len(crumbs) >= 2 and all(0 < len(c) <= _MAX_CRUMB_CHARS for c in crumbs)


def _last_crumb(crumbs: str) -> str | None:
    """Return the most specific crumb; without separators each word counts as one crumb."""
    crumbs = crumbs.strip()
    parts = _CRUMB_SEPARATORS.split(crumbs) if _CRUMB_SEPARATORS.search(crumbs) else crumbs.split()
    parts = [p for p in parts if p]
    return parts[-1] if parts else None


def _norm(text: str) -> str:
    return " ".join(text.split())
