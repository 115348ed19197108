"""HTML ingest: main text and metadata, truncated pages, fallbacks and refusals."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from eventscribe.errors import InputError
from eventscribe.ingest import read_html, read_inputs

PARAGRAPHS = [
    "Hundreds of dock workers walked off the job on Tuesday at the river port of Lyon, "
    "demanding higher wages after two years of frozen pay.",
    "Police officers stood by the gates as the workers chanted slogans and blocked the "
    "delivery trucks. No arrests were reported.",
    "The port authority said in a statement that it regretted the action and was ready to "
    "meet the union representatives next week.",
    "The strike is the third at the port this year, following walkouts in January and "
    "February over working hours and safety rules.",
    "Union leaders said they would hold a mass meeting on Thursday to decide whether to extend "
    "the strike to the other river ports of the region.",
    "Shipping companies warned that the stoppage was delaying deliveries of grain and steel, "
    "and asked the government to help the two sides agree.",
]


def make_page(
    *, charset: str = "utf-8", headline: str = "Workers strike at the port of Lyon"
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>{headline} | Daily Example</title>
<meta property="og:site_name" content="Daily Example">
<meta name="author" content="Jane Writer">
<meta property="article:published_time" content="2024-03-05T10:30:00+00:00">
<meta property="article:section" content="Labour">
<link rel="canonical" href="https://example.org/news/labour/port-strike">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<header><div class="logo">Daily Example</div></header>
<main><article>
<h1>{headline}</h1>
{body}
</article></main>
<footer><p>Copyright 2024 Daily Example. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_main_text_and_metadata_are_extracted() -> None:
    article = read_html(make_page().encode(), id="page.html")
    assert article.title == "Workers strike at the port of Lyon"
    assert article.text.startswith("Hundreds of dock workers")  # headline not repeated in text
    assert "Copyright" not in article.text and "Privacy" not in article.text
    assert "Home" not in article.text
    assert article.published == "2024-03-05"
    assert article.source == "Daily Example"
    assert article.author == "Jane Writer"
    assert article.section == "Labour"
    assert article.url == "https://example.org/news/labour/port-strike"
    assert article.language == "en"


def test_given_url_wins_and_str_input_is_accepted() -> None:
    article = read_html(make_page(), id="p", url="https://example.org/given")
    assert article.url == "https://example.org/given"


def test_meta_charset_is_respected() -> None:
    page = make_page(charset="windows-1252", headline="Grève au café de Lyon")
    article = read_html(page.encode("cp1252"), id="latin.html")
    assert article.title == "Grève au café de Lyon"


def test_truncated_page_still_gives_what_is_there() -> None:
    raw = make_page().encode()
    article = read_html(raw[: len(raw) // 2], id="half.html")
    assert article.text.startswith(PARAGRAPHS[0])
    assert "Shipping companies" not in article.text
    assert "Home" not in article.text
    assert article.title == "Workers strike at the port of Lyon"


def test_body_text_is_the_fallback_when_no_main_text_is_found() -> None:
    sentences = "Workers struck. Police watched. Nobody was hurt. The union was pleased."
    page = f"<html><body><script>var x = 1;</script><span>{sentences}</span></body></html>"
    article = read_html(page, id="bare.html")
    assert "Police watched." in article.text
    assert "var x" not in article.text


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav><a href='/'>Home</a></nav><p>Hi</p></body></html>",
        "<html><head><title>Index</title></head><body></body></html>",
        "",
    ],
)
def test_page_without_article_text_is_refused(page: str) -> None:
    with pytest.raises(InputError, match="no article text found in the HTML page"):
        read_html(page, id="empty.html")


def test_binary_html_file_is_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        read_html(b"\x00\x01\x02PK\x03\x04" * 100, id="zip.html")


def test_nothing_is_printed_or_logged(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(InputError):
        read_html("", id="empty.html")
    read_html(make_page().encode()[:900], id="cut.html")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert not [r for r in caplog.records if r.name.startswith("trafilatura")]


# --- found by fuzzing (tests/fuzz): each used to raise and end the whole run -----------------


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "hex", "idna", "undefined"])
def test_a_declared_codec_that_is_not_a_page_encoding_is_ignored(charset: str) -> None:
    """Issue 14's reproducer: <meta charset="rot13"> raised LookupError from bytes.decode."""
    article = read_html(make_page(charset=charset).encode("utf-8"), id="page.html")
    assert article.text.startswith("Hundreds of dock workers walked off the job")


@pytest.mark.parametrize("charset", ["unicode-escape", "raw-unicode-escape", "punycode"])
def test_an_escape_codec_is_not_taken_for_the_page_charset(charset: str) -> None:
    """unicode-escape read a backslash as an escape (and warned on each bad one)."""
    page = make_page(charset=charset).replace("walked off the job", "walked off the job \\ò")
    article = read_html(page.encode("utf-8"), id="page.html")
    assert "walked off the job \\ò" in article.text


def test_a_rot13_page_beside_good_files_fails_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(make_page(charset="rot13"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    assert [type(item).__name__ for item in items] == ["Article", "Article"]


def test_a_control_character_in_the_body_fallback_is_an_input_error_not_a_crash() -> None:
    """Found by fuzzing: setting an lxml tail with U+001D raised ValueError in the fallback."""
    page = "<html><head><title>ñå\x1d½</title></head><body><article><p></p><body>ñå\x1d½</article>"
    with pytest.raises(InputError, match="no article text found"):
        read_html(page.encode("utf-8"), id="page.html")
