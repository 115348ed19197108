"""Language identification."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventscribe.ingest import detect_language, read_text

ENGLISH = "Police arrested twenty protesters in the centre of the city on Monday evening."
FRENCH = (
    "Des centaines de manifestants se sont rassemblés devant la préfecture de Lyon mardi pour "
    "protester contre la réforme des retraites, a indiqué la police."
)
PERSIAN = "صدها نفر از مردم کازرون در اعتراض به تقسیم شهرستان در برابر فرمانداری تجمع کردند."
ARABIC = "تظاهر مئات المحتجين أمام مبنى البرلمان في بغداد يوم الثلاثاء للمطالبة بإصلاحات."


@pytest.mark.parametrize(
    ("text", "code"), [(ENGLISH, "en"), (FRENCH, "fr"), (PERSIAN, "fa"), (ARABIC, "ar")]
)
def test_languages_are_told_apart_with_confidence(text: str, code: str) -> None:
    found, confidence = detect_language(text)
    assert found == code
    assert 0.5 < confidence <= 1.0


def test_non_english_articles_are_read_not_skipped() -> None:
    assert read_text(FRENCH.encode(), id="fr.txt").language == "fr"
    assert read_text(PERSIAN.encode(), id="fa.txt").language == "fa"


def test_detection_is_deterministic() -> None:
    assert {detect_language(FRENCH) for _ in range(5)} == {detect_language(FRENCH)}


@pytest.mark.parametrize("text", ["ok", "Riot", "12:00 2024", ""])
def test_short_texts_get_a_guess_with_low_confidence(text: str) -> None:
    code, confidence = detect_language(text)
    assert len(code) == 2
    assert 0.0 <= confidence < 0.2


def test_codes_are_iso_639_1() -> None:
    # py3langid also has labels like "pcm" or "arz": they are folded or left out.
    samples = [ENGLISH, "Police arrest 20", "اعتقلت الشرطة عشرين متظاهرا في القاهرة"]
    assert all(len(detect_language(s)[0]) == 2 for s in samples)


def test_guess_language_leaves_unsure_short_text_unknown() -> None:
    from eventscribe.ingest import guess_language

    assert guess_language("Kazerun protest") is None
    assert (
        guess_language(
            "Des milliers de manifestants ont défilé mardi à Paris contre la réforme des retraites."
        )
        == "fr"
    )


def test_the_identifier_is_kept_unpacked_in_the_cache_and_a_broken_copy_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventscribe.ingest import language

    monkeypatch.setenv("EVENTSCRIBE_CACHE_DIR", str(tmp_path))

    def fresh_guesses() -> tuple[str | None, str | None]:
        language.load_language_identifier.cache_clear()
        return language.guess_language(ENGLISH), language.guess_language(FRENCH)

    try:
        assert fresh_guesses() == ("en", "fr")
        [cached] = list(tmp_path.iterdir())
        written = cached.stat().st_mtime_ns
        assert fresh_guesses() == ("en", "fr")
        assert cached.stat().st_mtime_ns == written  # read back, not written again
        cached.write_bytes(b"not a pickle")
        assert fresh_guesses() == ("en", "fr")
        assert cached.stat().st_size > 1_000_000 and list(tmp_path.iterdir()) == [cached]
    finally:
        language.load_language_identifier.cache_clear()
