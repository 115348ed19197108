"""Plain-text ingest: decoding, refusals, and the title/breadcrumb header."""

from __future__ import annotations

import codecs
import random

import pytest

from eventscribe.errors import InputError
from eventscribe.ingest import read_text
from eventscribe.ingest.text import dateline_date, split_header

BODY = (
    "Not only has the Iranian Regime faced a backlash from the Iranian people, but this "
    "violent crackdown has also attracted criticism from politicians across the world.\n\n"
    "After the security forces tried to force the protesters in Kazerun to disperse, the "
    "people stood their ground and chanted slogans against the Regime."
)
KAZERUN_HEAD = (
    "Home News Protests Iran Resistance give a statement on Kazerun protest\n\n"
    "Iran Resistance give a statement on Kazerun protest\n\n"
)


def test_kazerun_breadcrumb_and_repeated_headline_are_cut_off() -> None:
    article = read_text((KAZERUN_HEAD + BODY).encode(), id="kazerun.txt")
    assert article.title == "Iran Resistance give a statement on Kazerun protest"
    assert article.section == "Protests"
    assert article.text == BODY
    assert article.text.startswith("Not only has")
    assert article.language == "en"


def test_breadcrumb_with_separators_gives_the_last_crumb() -> None:
    text = "Home › World › Middle East\n\nProtest in Kazerun\n\n" + BODY
    assert split_header(text) == (BODY, "Protest in Kazerun", "Middle East")


def test_short_first_line_before_a_blank_line_is_the_title() -> None:
    article = read_text(("Dock workers strike in Lyon\n\n" + BODY).encode(), id="a.txt")
    assert article.title == "Dock workers strike in Lyon"
    assert article.section is None
    assert article.text == BODY


def test_a_real_first_sentence_is_kept_as_body() -> None:
    first = (
        "Police arrested at least twenty protesters in the centre of Kazerun on Monday after "
        "a week of demonstrations against a plan to split the county."
    )
    text = first + "\n\n" + BODY
    article = read_text(text.encode(), id="a.txt")
    assert article.title is None
    assert article.text == text


def test_short_sentence_ending_with_a_period_is_body() -> None:
    text = "Protesters gathered again.\n\n" + BODY
    assert read_text(text.encode(), id="a.txt").text == text


def test_a_first_line_without_blank_line_after_it_is_body() -> None:
    text = "Dock workers strike in Lyon\n" + BODY
    assert read_text(text.encode(), id="a.txt").title is None


def test_a_title_alone_is_not_cut_off() -> None:
    article = read_text(b"Dock workers strike in Lyon", id="a.txt")
    assert article.text == "Dock workers strike in Lyon"
    assert article.title is None


def test_given_title_only_cuts_a_header_that_repeats_it() -> None:
    text = "Dock workers strike\n\n" + BODY
    assert split_header(text, title="Dock Workers Strike") == (BODY, "Dock Workers Strike", None)
    assert split_header(text, title="Something else") == (text, "Something else", None)


def test_newlines_are_normalised_and_text_kept() -> None:
    article = read_text(b"First line of the story.\r\nSecond line.\rThird.  \r\n", id="a.txt")
    assert article.text == "First line of the story.\nSecond line.\nThird."


def test_utf8_bom_and_utf16_bom_are_decoded() -> None:
    text = "Les manifestants se sont rassemblés devant la mairie de Lyon."
    assert read_text(codecs.BOM_UTF8 + text.encode(), id="a.txt").text == text
    assert read_text(text.encode("utf-16"), id="b.txt").text == text  # BOM included


def test_invalid_utf8_names_the_offset_and_iconv() -> None:
    with pytest.raises(InputError, match=r"byte offset 3 \(0xe9\).*iconv -f ENCODING -t UTF-8"):
        read_text(b"caf\xe9 au lait was served to the strikers.", id="latin1.txt")


def test_binary_junk_is_refused() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(4000)) + b"\x00\x00"
    with pytest.raises(InputError, match="binary file, not text"):
        read_text(junk, id="junk.txt")


def test_control_characters_without_nul_are_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        read_text(b"ab\x01\x02\x03\x04\x05\x06cd" * 50, id="ctl.txt")


@pytest.mark.parametrize("raw", [b"", b"   \n\t\r\n  "])
def test_empty_or_whitespace_is_refused(raw: bytes) -> None:
    with pytest.raises(InputError, match="empty article"):
        read_text(raw, id="empty.txt")


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("BAGHDAD, 16 July 2025 — The ministry said", "2025-07-16"),
        ("LAGOS, Nigeria, March 3, 2024 (Wire) — Police said", "2024-03-03"),
        ("NEW DELHI, Jan. 5, 2023 - Farmers marched", "2023-01-05"),
        ("KYIV, Ukraine, 12th June 2024: Sirens sounded", "2024-06-12"),
        ("Rio de Janeiro, Brazil, 9 Sept 2021 – Teachers struck", "2021-09-09"),
    ],
)
def test_a_dated_dateline_sets_the_publication_date(opening: str, expected: str) -> None:
    article = read_text(f"Headline here\n\n{opening} on Monday.".encode(), id="a.txt")
    assert article.published == expected
    assert article.text.startswith(opening)


@pytest.mark.parametrize(
    "opening",
    [
        "TEHRAN (Reuters) - Workers went on strike",  # dateline without a date
        "Paris, Texas, 31 February 2024 - Residents",  # no such day
        "The protest, 3 May 2024 - was the largest",  # not a place before the date
        "Police said on 3 May 2024 - in a statement",  # a date inside a sentence
        "NAIROBI, May 2024 — Doctors went on strike",  # no day: not a full date
    ],
)
def test_no_full_dateline_leaves_the_publication_date_unset(opening: str) -> None:
    assert dateline_date(opening) is None
    assert read_text(opening.encode(), id="a.txt").published is None


def test_a_dateline_later_in_the_text_is_ignored() -> None:
    text = "Doctors went on strike.\n\nNAIROBI, 4 May 2024 — More joined."
    assert read_text(text.encode(), id="a.txt").published is None
