"""HTML pages: main text and metadata with trafilatura, the page body as a fallback."""

from __future__ import annotations

import codecs
import functools
import logging
import re
from typing import Any

from eventscribe.errors import InputError
from eventscribe.ingest.language import guess_language
from eventscribe.ingest.text import clean_text, dateline_date, looks_binary
from eventscribe.records import Article

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHARSET_WINDOW = 4096
# Characters XML 1.0 forbids (C0 controls but tab, newline, return; and non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# lxml refuses a str that still declares its byte encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Less than this from trafilatura means it found no main text (a stray caption or a menu).
_MIN_MAIN_CHARS = 25
# The body fallback must read like prose: at least this many sentence ends.
_MIN_FALLBACK_SENTENCES = 3
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?:\s|$)")
_INVISIBLE = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside")
_BLOCKS: tuple[str, ...] = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr")
_BLOCKS += ("section", "article", "blockquote", "pre", "dd", "dt", "figcaption")
_QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")


def read_html(raw: bytes | str, *, id: str, url: str | None = None) -> Article:
    """Read an article from an HTML page: main text, title, date, site, author and section."""
    html = decode_html(raw) if isinstance(raw, bytes) else raw
    if looks_binary(html[:8192]):
        raise InputError("binary file, not HTML; give a UTF-8 .txt, .html or .jsonl file")
    html = _NOT_XML.sub("", html)  # lxml raises ValueError on a stray control character
    meta = _extract(html, url=url)
    text = _main_text(meta, html)
    title = _clean(meta.get("title"))
    body = clean_text(_drop_title_line(text, title))
    return Article(
        id=id,
        text=body,
        title=title,
        published=_clean(meta.get("date")) or dateline_date(body),
        url=url or _clean(meta.get("url")),
        source=_clean(meta.get("sitename")),
        author=_clean(meta.get("author")),
        section=_section(meta.get("categories")),
        language=guess_language(body),
    )


def decode_html(raw: bytes) -> str:
    """Decode a page by its BOM, else its usable ``<meta charset>``, else UTF-8, else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw.decode("utf-8-sig", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    declared = _declared_charset(raw[:_CHARSET_WINDOW])
    if declared is not None:
        try:
            return raw.decode(declared, errors="replace")
        # "rot13" and "base64" are codecs but not text encodings, "idna" fails on any long
        # line: a declaration that cannot decode a page is treated as no declaration
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    match = _CHARSET.search(head)
    return None if match is None else usable_charset(match.group(1).decode("ascii"))


# Codecs Python calls text encodings that no page is written in: they read backslashes as
# escapes (and warn on each bad one) or are meant for host names.
_NOT_A_CHARSET = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "idna"})


def usable_charset(name: str) -> str | None:
    """Return the codec name of a declared charset, or None when it cannot be a page's charset."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None  # an unknown charset name: guess as if none were declared
    return None if codec in _NOT_A_CHARSET else codec


def _extract(html: str, *, url: str | None) -> dict[str, Any]:
    """Run trafilatura; return its fields as a dict, empty when it finds nothing."""
    import trafilatura

    _quiet_trafilatura()
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None:
        return {}
    fields = ("title", "author", "url", "sitename", "date", "categories", "text")
    return {name: getattr(doc, name, None) for name in fields}


@functools.cache
def _quiet_trafilatura() -> None:
    """Silence trafilatura's own logging: a page without text is reported as a failure instead."""
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:  # leave alone a level the application chose
            logger.setLevel(logging.CRITICAL)


def _main_text(meta: dict[str, Any], html: str) -> str:
    text = meta.get("text") or ""
    if len(text.strip()) >= _MIN_MAIN_CHARS:
        return str(text)
    fallback = visible_body_text(html)
    if len(_SENTENCE_END.findall(fallback)) >= _MIN_FALLBACK_SENTENCES:
        return fallback
    raise InputError(
        "no article text found in the HTML page; give an article page, or its text as .txt"
    )


def visible_body_text(html: str) -> str:
    """Return the visible text of the page's body, one line per block, furniture left out."""
    import lxml.html
    from lxml import etree

    html = _NOT_XML.sub("", html)  # a feed entry's markup comes here without read_html
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    if body is None:
        return ""
    for element in list(body.iter(*_INVISIBLE)):
        element.drop_tree()
    for element in body.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in body.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _drop_title_line(text: str, title: str | None) -> str:
    """Cut the headline off the text when the text opens with it (trafilatura keeps the h1)."""
    first, _, rest = text.lstrip().partition("\n")
    if title and rest.strip() and _norm(first) == _norm(title):
        return rest
    return text


def _section(categories: Any) -> str | None:
    """Return the most specific category (the last one, as in a breadcrumb trail)."""
    if not categories:
        return None
    return _clean(str(categories[-1]))


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
