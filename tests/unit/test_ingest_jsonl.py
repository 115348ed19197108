"""JSONL ingest: fields, ids, dates, and bad lines that fail alone."""

from __future__ import annotations

import io
import json

import pytest

from eventscribe.ingest import IngestFailure, read_jsonl, read_jsonl_stream
from eventscribe.records import Article

TEXT = "Police arrested twenty protesters in the centre of Kazerun on Monday evening."


def line(**fields: object) -> str:
    return json.dumps(fields) + "\n"


def test_fields_are_carried_over() -> None:
    src = line(
        id="a1",
        text=TEXT,
        url="https://example.org/a1",
        title="Arrests in Kazerun",
        published="2018-05-20",
        source="Example News",
        language="EN",
        author="A. Writer",
    )
    [article] = read_jsonl([src], origin="in.jsonl")
    assert article == Article(
        id="a1",
        text=TEXT,
        url="https://example.org/a1",
        title="Arrests in Kazerun",
        published="2018-05-20",
        source="Example News",
        language="en",
        author="A. Writer",
    )


def test_int_id_is_a_string_and_missing_id_is_origin_and_line() -> None:
    out = list(read_jsonl([line(id=7, text=TEXT), "\n", line(text=TEXT)], origin="in.jsonl"))
    assert [a.id for a in out] == ["7", "in.jsonl:3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:30:00Z", "2024-03-05"),
        ("2024-03-05T10:30:00+02:00", "2024-03-05"),
        ("2024-03-05 10:30", "2024-03-05"),
        (None, None),
    ],
)
def test_published_is_normalised(value: str | None, expected: str | None) -> None:
    [article] = read_jsonl([line(id="a", text=TEXT, published=value)], origin="in.jsonl")
    assert isinstance(article, Article)
    assert article.published == expected


@pytest.mark.parametrize("value", ["5 March 2024", "2024-13-40", 20240305])
def test_unparseable_date_fails_that_line(value: object) -> None:
    [failure] = read_jsonl([line(id="a", text=TEXT, published=value)], origin="in.jsonl")
    assert isinstance(failure, IngestFailure)
    assert failure.id == "a" and failure.stage == "ingest"
    assert failure.message.startswith("line 1: published")
    assert "YYYY-MM-DD" in failure.message


def test_bad_lines_fail_alone_and_good_ones_come_out_in_order() -> None:
    lines = [
        line(id="g1", text=TEXT),
        '{"id": "broken", "text": "no closing quote}\n',
        "   \n",
        "[1, 2, 3]\n",
        line(id="no-content", title="Only a title"),
        line(id="empty", text="   "),
        line(id="g2", text=TEXT),
    ]
    out = list(read_jsonl(lines, origin="in.jsonl"))
    assert [type(x).__name__ for x in out] == [
        "Article",
        "IngestFailure",
        "IngestFailure",
        "IngestFailure",
        "IngestFailure",
        "Article",
    ]
    assert [x.id for x in out] == ["g1", "in.jsonl:2", "in.jsonl:4", "no-content", "empty", "g2"]
    messages = [x.message for x in out if isinstance(x, IngestFailure)]
    assert messages[0].startswith("line 2: not valid JSON (Unterminated string")
    assert messages[1] == ("line 4: expected a JSON object with id and text or html, got an array")
    assert messages[2].startswith('line 5: neither "text" nor "html"')
    assert messages[3].startswith("line 6: empty article")
    assert out[3].title == "Only a title"  # type: ignore[union-attr]
    assert all("\n" not in m for m in messages)


def test_wrong_field_types_fail_with_the_field_name() -> None:
    [bad_id, bad_title] = read_jsonl(
        [line(id=["x"], text=TEXT), line(id="t", text=TEXT, title=3)], origin="in.jsonl"
    )
    assert bad_id.id == "in.jsonl:1" and "id must be a string or an integer" in bad_id.message  # type: ignore[union-attr]
    assert "title must be a string or null, got a number" in bad_title.message  # type: ignore[union-attr]


def test_html_line_is_extracted_and_given_fields_win() -> None:
    page = (
        "<html><head><title>Page title</title></head><body><article><h1>Page title</h1>"
        f"<p>{TEXT} The crowd dispersed late at night.</p></article></body></html>"
    )
    [article] = read_jsonl([line(id="h", html=page, title="Given title")], origin="in.jsonl")
    assert isinstance(article, Article)
    assert article.title == "Given title"
    assert article.text.startswith("Police arrested")


def test_text_header_is_cut_when_it_repeats_the_given_title() -> None:
    text = "Arrests in Kazerun\n\n" + TEXT
    [article] = read_jsonl([line(id="a", text=text, title="Arrests in Kazerun")], origin="x")
    assert article.text == TEXT  # type: ignore[union-attr]


def test_language_is_detected_when_not_given() -> None:
    french = "Les manifestants ont été arrêtés par la police hier soir devant la mairie de Lyon."
    [article] = read_jsonl([line(id="f", text=french)], origin="x")
    assert article.language == "fr"  # type: ignore[union-attr]


def test_overlong_line_fails_without_being_held() -> None:
    huge = line(id="big", text="word " * 400)
    stream = io.BytesIO((line(id="a", text=TEXT) + huge + line(id="b", text=TEXT)).encode())
    out = list(read_jsonl_stream(stream, origin="in.jsonl", max_bytes=500))
    assert [x.id for x in out] == ["a", "in.jsonl:2", "b"]
    assert out[1].message == (  # type: ignore[union-attr]
        "line 2: line is over the 500-byte limit (--max-bytes); split the article or raise the limit"
    )


def test_stream_with_bom_crlf_and_invalid_utf8_line() -> None:
    raw = b"\xef\xbb\xbf" + line(id="a", text=TEXT).encode().replace(b"\n", b"\r\n")
    raw += b'{"id": "c", "text": "caf\xe9"}\n' + line(id="b", text=TEXT).encode()
    out = list(read_jsonl_stream(io.BytesIO(raw), origin="in.jsonl"))
    assert [x.id for x in out] == ["a", "in.jsonl:2", "b"]
    assert "invalid UTF-8 at byte offset 24" in out[1].message  # type: ignore[union-attr]


def test_a_dated_dateline_gives_the_publication_date_when_none_is_given() -> None:
    line = json.dumps(
        {"id": "d1", "text": "BAGHDAD, 16 July 2025 — Police said three men were held."}
    )
    [article] = list(read_jsonl([line], origin="x.jsonl"))
    assert isinstance(article, Article) and article.published == "2025-07-16"
    given = json.dumps(
        {"id": "d2", "published": "2025-07-18", "text": "BAGHDAD, 16 July 2025 — Calm."}
    )
    [article] = list(read_jsonl([given], origin="x.jsonl"))
    assert isinstance(article, Article) and article.published == "2025-07-18"


# --- found by fuzzing (tests/fuzz): each used to raise and end the whole run -----------------


def test_deeply_nested_line_fails_alone_and_the_good_lines_are_read() -> None:
    """Issue 14's reproducer: 100,000 '[' on line 2 raised RecursionError from json.loads."""
    raw = (line(id="a", text=TEXT) + "[" * 100_000 + "\n" + line(id="c", text=TEXT)).encode()
    first, nested, last = read_jsonl_stream(io.BytesIO(raw), origin="in.jsonl")
    assert isinstance(first, Article) and isinstance(last, Article)
    assert isinstance(nested, IngestFailure)
    assert nested.id == "in.jsonl:2"
    assert nested.message == "line 2: not readable JSON (nested too deeply); fix or remove the line"


def test_number_past_pythons_digit_limit_fails_alone() -> None:
    raw = '{"id": "n", "count": ' + "9" * 5000 + ', "text": "x"}'
    [failure] = read_jsonl([raw], origin="in.jsonl")
    assert isinstance(failure, IngestFailure)
    assert failure.message.startswith("line 1: not readable JSON (Exceeds the limit (4300 digits)")
    assert "\n" not in failure.message


def test_lone_surrogate_escapes_become_replacement_characters() -> None:
    raw = '{"id": "s\\ud800", "title": "T\\udfff", "text": "Police \\ud800 arrested ten people."}'
    [article] = read_jsonl([raw], origin="in.jsonl")
    assert isinstance(article, Article)
    assert article.text == "Police \ufffd arrested ten people."
    assert (article.id, article.title) == ("s\ufffd", "T\ufffd")
    article.text.encode("utf-8")  # writable to a file and a database


def test_a_valid_surrogate_pair_is_one_character() -> None:
    [article] = read_jsonl(['{"id": "e", "text": "Smile \\ud83d\\ude00 now."}'], origin="x")
    assert isinstance(article, Article) and article.text == "Smile \U0001f600 now."
