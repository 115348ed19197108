"""Hypothesis strategies for hostile input files, one per reader, and the check of what came out.

Shared by tests/fuzz/test_fuzz_ingest.py (a fixed-seed slice in CI) and bench/fuzz.py (the long
run). Each strategy draws the bytes of one file; ``check_file`` writes them under the reader's
suffix, reads them through ``read_inputs`` (the path `eventscribe run` takes) and returns what
went wrong: nothing, when every item became a valid Article or an IngestFailure whose message is
one clear line. Big inputs (10 MB lines, 100,000-deep nesting) are built by repeating a drawn
unit, so Hypothesis only ever stores the small recipe.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from eventscribe.ingest import IngestFailure, read_feed, read_inputs
from eventscribe.records import Article

READERS = ("txt", "html", "jsonl", "feed", "warc")
SUFFIXES = {"txt": ".txt", "html": ".html", "jsonl": ".jsonl", "feed": ".xml", "warc": ".warc"}
BIG = 10_000_000  # the 10 MB single line of the issue
DEEP = 100_000  # the 100,000-deep nesting of the issue
# The 10 MB and 100k-deep cases are rare in the draws (tests/fuzz runs each of them on its own):
# trafilatura takes ~45 us per element, so a common deep case would be most of the fuzzing time.
RARE = st.sampled_from(range(100)).map(lambda n: n == 0)
# Messages written by the safety net, not by a reader that understood the input.
INTERNAL = "internal error"
MAX_MESSAGE_CHARS = 600
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

SENTENCES = [
    "Police fired tear gas at protesters in Lagos on Monday.",
    "Hundreds of farmers blocked the highway near Shiraz, witnesses said.",
    "The army said it had regained control of two villages.",
    "« Nous voulons du pain », a déclaré un manifestant à Tunis.",
    "Протестующие собрались у здания парламента.",
    "在北京，数百名工人举行了罢工。",
    "متظاهرون في بغداد يطالبون بالكهرباء.",
]
VALID_CHARSETS = ["utf-8", "UTF8", "latin-1", "windows-1252", "cp1251", "koi8-r", "shift_jis",
                  "gb2312", "big5", "euc-kr", "iso-8859-7", "utf-16", "utf-16-le", "utf-32",
                  "utf-7", "ascii", "mac-roman", "cp037", "iso-2022-jp"]  # fmt: skip
# Names codecs.lookup knows that are not text encodings, or that fail on ordinary bytes.
ODD_CHARSETS = ["rot13", "rot-13", "base64", "hex", "zlib", "bz2", "uu", "quopri", "idna",
                "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs",
                "x-user-defined", "utf-8-sig", "utf_16_be", "charmap", "string-escape"]  # fmt: skip
JUNK_CHARSETS = ["", "none", "123", "utf-9", "x" * 300, "..", "u:t:f"]


@dataclass(slots=True)
class Outcome:
    """What reading one fuzzed file gave."""

    articles: int = 0
    failures: int = 0
    internal: int = 0  # failures written by the safety net (a reader bug caught)
    problems: list[str] = field(default_factory=list)  # broken promises: raised, bad items


# --- building blocks ------------------------------------------------------------------------

prose = st.lists(st.sampled_from(SENTENCES), min_size=0, max_size=8).map(" ".join)
wild_text = st.text(max_size=300)
any_text = st.one_of(prose, wild_text, st.builds(lambda a, b: a + b, prose, wild_text))
# Character references to non-characters: surrogates, NUL, past U+10FFFF, and some good ones.
char_refs = st.sampled_from(["&#xD800;", "&#55296;", "&#xdfff;", "&#0;", "&#x110000;",
                             "&#99999999999;", "&#x1F600;", "&#0000000000065;", "&#x" + "f" * 5000 + ";", "&amp;", "&bogus;", "&#;", "&#x;"])  # fmt: skip
refs_text = st.lists(st.one_of(char_refs, prose), max_size=6).map(" ".join)
charsets = st.sampled_from(VALID_CHARSETS + ODD_CHARSETS + JUNK_CHARSETS)
boms = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                        codecs.BOM_UTF32_LE, b"\xef\xbb"])  # fmt: skip


def encode(text: str, charset: str) -> bytes:
    """Encode text in a charset, any way that works (the fuzzer wants bytes, not correctness)."""
    try:
        return text.encode(charset, errors="replace")
    except (LookupError, TypeError, ValueError, UnicodeError):
        return text.encode("utf-8", errors="surrogatepass")


@st.composite
def mangled(draw: st.DrawFn, raw: bytes) -> bytes:
    """Cut, splice NULs or random bytes into, or flip bytes of, some bytes (or leave them)."""
    choice = draw(st.integers(0, 5))
    if not raw or choice == 0:
        return raw
    at = draw(st.integers(0, len(raw)))
    if choice == 1:
        return raw[:at]  # truncated: mid-tag, mid-character, mid-record
    if choice == 2:
        return raw[:at] + b"\x00" * draw(st.integers(1, 4)) + raw[at:]
    if choice == 3:
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    if choice == 4 and at < len(raw):
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    return raw + raw[:at]


def huge(unit: st.SearchStrategy[bytes], size: int) -> st.SearchStrategy[bytes]:
    """Repeat a drawn unit up to ``size`` bytes (a 10 MB line, a 100k-deep nesting)."""
    return unit.filter(bool).map(lambda u: (u * (size // len(u) + 1))[:size])


# --- txt ------------------------------------------------------------------------------------


@st.composite
def txt_files(draw: st.DrawFn) -> bytes:
    """Draw a .txt file: text in any encoding, with BOMs, NULs, controls, cuts."""
    if draw(RARE):
        return draw(huge(st.sampled_from([b"word ", b"\xc3\xa9t\xc3\xa9 ", b"a", b"\xff"]), BIG))
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    text = draw(any_text)
    if draw(st.booleans()):
        text = draw(any_text) + "\n\n" + text  # a title line
    raw = draw(boms) + encode(text, draw(charsets))
    return draw(mangled(raw))


# --- html -----------------------------------------------------------------------------------

DEEP_TAGS = [b"<div>", b"<span>", b"<b><i>", b"<", b"<!--", b"<table><tr>", b"<li>", b"<p>"]


def deep_html(tag: bytes) -> bytes:
    """Return a page whose body opens ``tag`` 100,000 times before its one sentence."""
    return b"<html><body>" + tag * DEEP + b"Police fired tear gas.</body></html>"


HUGE_PAGES = [
    *(functools.partial(deep_html, tag) for tag in DEEP_TAGS),
    lambda: b"<html><body><p>" + b"word. " * (BIG // 6),
    lambda: b"<html><body><p>" + b"x" * BIG,
]


tags = st.sampled_from(["p", "div", "span", "article", "body", "html", "script", "style", "br",
                        "h1", "table", "tr", "li", "nav", "footer", "svg", "template", "!--",
                        "![CDATA[", "?xml", "!DOCTYPE html"])  # fmt: skip


@st.composite
def html_files(draw: st.DrawFn) -> bytes:
    """Draw an .html page: declared charsets good and bad, BOMs, deep nesting, cut tags."""
    if draw(RARE):
        return draw(st.sampled_from(HUGE_PAGES))()
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    charset = draw(charsets)
    head = f'<meta charset="{charset}">' if draw(st.booleans()) else (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    )  # fmt: skip
    title = draw(any_text)
    paragraphs = draw(st.lists(st.one_of(any_text, refs_text), max_size=6))
    noise = draw(st.lists(st.builds(lambda t, x: f"<{t}>{x}", tags, wild_text), max_size=4))
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + "".join(noise)
    page = f"<html><head>{head}<title>{title}</title></head><body><article>{body}</article>"
    encoding = draw(st.sampled_from([charset, "utf-8", "windows-1252", "utf-16"]))
    return draw(mangled(draw(boms) + encode(page, encoding)))


# --- jsonl ----------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), wild_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(wild_text, inner, max_size=4),
    max_leaves=12,
)
odd_values = st.one_of(
    json_values,
    st.sampled_from(["", " ", "\ud800", "a\udfffb", "2024-13-45", "2024-02-30T25:00:00Z"]),
)
RAW_VALUES = [b"1" * 5000, b"1e400", b"-1e400", b"123456789012345678901234567890",
              b'"\\ud800"', b'"\\udc00\\ud800"', b'"\\u0000"', b"NaN", b"Infinity",
              b"[" * DEEP, b"{\"a\":" * DEEP, b'"\xed\xa0\x80"', b'"\xff\xfe"',
              b"0." + b"0" * 5000 + b"1"]  # fmt: skip


@st.composite
def json_articles(draw: st.DrawFn, ids: list[str]) -> bytes:
    """Draw one JSONL line: an article, an article with wrong types, or not an article at all."""
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return draw(mangled(json.dumps(draw(json_values)).encode()))
    if kind == 1:
        return draw(st.sampled_from(RAW_VALUES))
    article: dict[str, object] = {}
    if draw(st.booleans()):  # missing, duplicate or odd ids
        article["id"] = draw(st.sampled_from(ids) if ids and draw(st.booleans()) else odd_values)
    body = draw(st.sampled_from(["text", "html", "both", "neither"]))
    if body in ("text", "both"):
        article["text"] = draw(st.one_of(any_text, odd_values))
    if body in ("html", "both"):
        article["html"] = f"<html><body><p>{draw(any_text)}</p></body></html>"
    for name in draw(st.lists(st.sampled_from(["title", "url", "published", "source",
                                               "language", "author", "extra"]), max_size=4)):  # fmt: skip
        article[name] = draw(odd_values)
    line = json.dumps(article, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if kind == 2:  # a raw value spliced in for one field
        line = line.replace(b"{", b'{"n": ' + draw(st.sampled_from(RAW_VALUES)) + b", ", 1)
    return draw(mangled(line)) if kind == 3 else line


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    """Draw a .jsonl file: many lines, duplicate ids, BOM, CRLF, a 10 MB line, invalid UTF-8."""
    if draw(RARE):
        return b'{"id": "a", "text": "' + draw(huge(st.sampled_from([b"word ", b"\\n"]), BIG))
    ids = draw(st.lists(st.text(max_size=8), max_size=3))
    lines = draw(st.lists(json_articles(ids), min_size=1, max_size=6))
    end = draw(st.sampled_from([b"\n", b"\r\n", b"\n\n", b"\r"]))
    return draw(boms) + end.join(lines) + draw(st.sampled_from([b"", end]))


# --- feeds ----------------------------------------------------------------------------------


@st.composite
def feed_files(draw: st.DrawFn) -> bytes:
    """Draw an RSS or Atom feed: odd dates and encodings, markup in entries, cut documents."""
    if draw(RARE):
        return draw(st.sampled_from([b"<rss><channel>" + b"<item>" * DEEP, b"<feed>" * DEEP]))
    if draw(st.integers(0, 7)) == 0:
        return draw(st.binary(max_size=2000))
    atom = draw(st.booleans())
    entries = draw(st.lists(_feed_entry(atom=atom), max_size=4))
    charset = draw(charsets)
    head = f'<?xml version="1.0" encoding="{charset}"?>' if draw(st.booleans()) else ""
    lang = draw(st.sampled_from(["en", "en-us", "xx", "", "français"]))
    if atom:
        doc = f'{head}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}"><title>{_esc(draw(wild_text))}</title>{"".join(entries)}</feed>'
    else:
        doc = f'{head}<rss version="2.0"><channel><title>{_esc(draw(wild_text))}</title><language>{lang}</language>{"".join(entries)}</channel></rss>'
    if draw(st.booleans()):  # an internal entity, expanded a bounded number of times
        doc = doc.replace("<rss", '<!DOCTYPE rss [<!ENTITY e "ha">]><rss', 1)
    return draw(mangled(encode(doc, draw(st.sampled_from([charset, "utf-8", "utf-16"])))))


@st.composite
def _feed_entry(draw: st.DrawFn, *, atom: bool) -> str:
    text = draw(any_text)
    markup = draw(st.sampled_from(["plain", "escaped", "cdata", "page", "empty", "refs"]))
    content = {"refs": draw(refs_text),
        "plain": _esc(text), "escaped": _esc(f"<p>{text}</p>"), "cdata": f"<![CDATA[<p>{text}]]>",
        "page": _esc(f"<html><body><p>{text}</p></body></html>"), "empty": "",
    }[markup]  # fmt: skip
    date = draw(st.sampled_from(["Mon, 04 Mar 2024 10:00:00 +0000", "2024-03-04T10:00:00Z",
                                 "yesterday", "", "Thu, 31 Feb 2024 99:99:99 XYZ", "0000-00-00"]))  # fmt: skip
    title, link = (
        _esc(draw(wild_text)),
        _esc(draw(st.sampled_from(["", "http://x/", "javascript:1"]))),
    )
    if atom:
        return (f"<entry><id>{_esc(draw(wild_text))}</id><title>{title}</title><link href=\"{link}\"/>"
                f"<updated>{date}</updated><content type=\"html\">{content}</content></entry>")  # fmt: skip
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description>{content}</description><category>{_esc(draw(wild_text))}</category></item>")  # fmt: skip


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# --- warc -----------------------------------------------------------------------------------


@st.composite
def _warc_record(draw: st.DrawFn, number: int) -> bytes:
    sound = draw(st.booleans())  # half the records are well formed, so pages get read too
    pick = (lambda good, *bad: good) if sound else (lambda good, *bad: draw(st.sampled_from([good, *bad])))  # fmt: skip
    status = pick(b"200 OK", b"404 Not Found", b"999", b"", b"OK")
    kind = pick(b"text/html; charset=utf-8", b"text/html", b"image/png", b"application/xhtml+xml",
                b"", b"text/html; charset=rot13")  # fmt: skip
    page = draw(html_files()) if not sound and draw(st.booleans()) else (
        f"<html><body><article><p>{draw(prose)}</p></article></body></html>".encode()
    )  # fmt: skip
    http = b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind + b"\r\n\r\n" + page
    rec_type = pick(b"response", b"request", b"metadata", b"revisit", b"bogus")
    length = str(len(http) + pick(0, -5, 7, 10**6)).encode()
    uri = pick(b"http://news.example/a", b"", b"\xff\xfe", b"x" * 3000)
    head = (b"WARC/1.0\r\nWARC-Type: " + rec_type + b"\r\nWARC-Record-ID: <urn:uuid:" +
            str(number).encode() + b">\r\nWARC-Target-URI: " + uri +
            b"\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: " +
            pick(length, b"abc", b"-1", b"") + b"\r\n\r\n")  # fmt: skip
    return head + http + b"\r\n\r\n"


@st.composite
def warc_files(draw: st.DrawFn) -> bytes:
    """Draw a WARC: records with wrong lengths or types, gzip members with garbage, cuts."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([b"\x1f\x8b", b"WARC/1.0\r\n", b""])) + draw(st.binary())
    records = [draw(_warc_record(n)) for n in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        members = [gzip.compress(r) for r in records]
        if draw(st.booleans()):  # gzip garbage: a member with bytes flipped or cut
            at = draw(st.integers(0, len(members) - 1))
            members[at] = draw(mangled(members[at]))
        return b"".join(members)
    return draw(mangled(b"".join(records)))


STRATEGIES: dict[str, st.SearchStrategy[bytes]] = {
    "txt": txt_files(),
    "html": html_files(),
    "jsonl": jsonl_files(),
    "feed": feed_files(),
    "warc": warc_files(),
}


# --- the property ---------------------------------------------------------------------------


def check_file(reader: str, raw: bytes, folder: Path) -> Outcome:
    """Read fuzzed bytes as a file of this reader's kind; say what came out and what went wrong."""
    path = folder / f"fuzzed{SUFFIXES[reader]}"
    path.write_bytes(raw)
    outcome = Outcome()
    try:
        for item in read_inputs([str(path)]):
            _check_item(item, outcome)
    except Exception as exc:  # the reader broke its promise: this is what the fuzzer hunts
        outcome.problems.append(f"raised {type(exc).__name__}: {str(exc)[:200]}")
    return outcome


# What a server may say a feed is: the charset is the fuzzed part (feedparser trusts it).
content_types = st.builds(
    lambda kind, charset, quote: f"{kind}; charset={quote}{charset}{quote}",
    st.sampled_from(["application/rss+xml", "application/atom+xml", "text/xml", "text/html"]),
    charsets,
    st.sampled_from(["", '"']),
)


def check_feed_served(raw: bytes, content_type: str) -> Outcome:
    """Read fuzzed bytes as a feed fetched over HTTP with this Content-Type header."""
    outcome = Outcome()
    try:
        for item in read_feed(
            raw,
            origin="http://feed.test/",
            headers={"content-type": content_type},  # as fetch_feed gives
        ):
            _check_item(item, outcome)
    except Exception as exc:
        outcome.problems.append(f"raised {type(exc).__name__}: {str(exc)[:200]}")
    return outcome


def _check_item(item: object, outcome: Outcome) -> None:
    if isinstance(item, IngestFailure):
        outcome.failures += 1
        outcome.internal += item.message.startswith(INTERNAL) or f": {INTERNAL}" in item.message
        outcome.problems.extend(_message_problems(item.message))
    elif isinstance(item, Article):
        outcome.articles += 1
        outcome.problems.extend(article_problems(item))
    else:
        outcome.problems.append(f"yielded {type(item).__name__}, neither Article nor IngestFailure")


def _message_problems(message: str) -> list[str]:
    problems = []
    if not isinstance(message, str) or not message.strip():
        problems.append("failure without a message")
    elif "\n" in message or len(message) > MAX_MESSAGE_CHARS:
        problems.append(f"failure message not one short line: {message[:120]!r}")
    return problems


def article_problems(article: Article) -> list[str]:
    """Return the ways an Article breaks what later stages rely on (empty when it is sound)."""
    problems = []
    if not article.text.strip():
        problems.append("article with empty text")
    fields = [article.id, article.text, article.title, article.url, article.source,
              article.author, article.section, article.language]  # fmt: skip
    for value in fields:
        if value is not None and not _encodable(value):
            problems.append(f"article field not valid Unicode (lone surrogate): {value[:40]!r}")
    if article.published is not None and not _DAY.match(article.published):
        problems.append(f"published is not YYYY-MM-DD: {article.published!r}")
    return problems


def _encodable(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
