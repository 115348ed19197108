"""Actor dictionary loading and mention coding on hand-built Docs (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.errors import ModelError
from eventscribe.extract.actors.stage import (
    NAMED_HEADER,
    ActorDictionary,
    find_actors,
    load_actor_dictionary,
)


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return load_actor_dictionary()


def make_doc(text: str, ents: dict[str, str] | None = None) -> Doc:
    """Build a Doc with the blank tokenizer and entity labels for whole substrings."""
    doc = spacy.blank("en")(text)
    spans = [
        doc.char_span(text.index(s), text.index(s) + len(s), label=label)
        for s, label in (ents or {}).items()
    ]
    doc.ents = [s for s in spans if s is not None]
    return doc


def coded(actors, text: str):  # type: ignore[no-untyped-def]
    actor = next(a for a in actors if a.text == text)
    return actor.name, actor.kind, actor.country, actor.sector


def test_packaged_dictionary_covers_the_un_members(dictionary: ActorDictionary) -> None:
    states = {a.country for a in dictionary.named.values() if a.kind == "state"}
    assert len(states) >= 193
    assert dictionary.modifiers["Dutch"] == "NLD" and dictionary.modifiers["U.S."] == "USA"
    assert dictionary.named["NCRI"].name == "National Council of Resistance of Iran"
    assert dictionary.named["HRW"].country == "NGO"
    assert dictionary.roles["senator"].sector == "LEG"


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    rows = [
        "\t".join(NAMED_HEADER),
        "Maryam Rajavi\tperson\tIRN\tOPP\tRajavi",
        "NCRI\torganization\tIRN\tREB\t",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dictionary = load_actor_dictionary([path])
    assert dictionary.named["Rajavi"].sector == "OPP"
    assert dictionary.named["NCRI"].sector == "REB"


def test_unknown_header_is_an_error_that_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("who\twhat\nx\ty\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.tsv"):
        load_actor_dictionary([path])


def test_bad_kind_is_an_error_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("\t".join(NAMED_HEADER) + "\nX\tparty\tIRN\tOPP\t\n", encoding="utf-8")
    with pytest.raises(ModelError, match="line 2"):
        load_actor_dictionary([path])


def test_titled_people_are_coded_from_their_title(dictionary: ActorDictionary) -> None:
    text = "US Secretary of State Mike Pompeo met Iranian opposition leader Maryam Rajavi and US Senator Marco Rubio."
    doc = make_doc(
        text, {"Mike Pompeo": "PERSON", "Maryam Rajavi": "PERSON", "Marco Rubio": "PERSON"}
    )
    actors = find_actors(doc, dictionary=dictionary)
    assert coded(actors, "Mike Pompeo") == ("Mike Pompeo", "person", "USA", "GOV")
    assert coded(actors, "Maryam Rajavi") == ("Maryam Rajavi", "person", "IRN", "OPP")
    assert coded(actors, "Marco Rubio") == ("Marco Rubio", "person", "USA", "LEG")
    assert next(a for a in actors if a.text == "Mike Pompeo").title == "US Secretary of State"
    assert not any(a.text == "US" for a in actors)  # the country is part of a title here


def test_igo_in_a_title_gives_country_igo(dictionary: ActorDictionary) -> None:
    text = "United Nations Secretary-General spokesman Farhan Haq spoke."
    actors = find_actors(make_doc(text, {"Farhan Haq": "PERSON"}), dictionary=dictionary)
    assert coded(actors, "Farhan Haq") == ("Farhan Haq", "person", "IGO", "GOV")


def test_later_surname_takes_the_canonical_actor(dictionary: ActorDictionary) -> None:
    text = "Dutch Foreign Minister Stef Blok spoke. Later Blok left."
    actors = find_actors(make_doc(text, {"Stef Blok": "PERSON"}), dictionary=dictionary)
    assert coded(actors, "Blok") == ("Stef Blok", "person", "NLD", "GOV")


def test_acronyms_and_aliases_merge_into_one_actor(dictionary: ActorDictionary) -> None:
    text = "The Iranian Resistance coalition, the National Council of Resistance of Iran (NCRI), spoke. The NCRI said more."
    actors = find_actors(make_doc(text), dictionary=dictionary)
    ncri = [a for a in actors if a.name == "National Council of Resistance of Iran"]
    assert [a.text for a in ncri] == [
        "Iranian Resistance coalition",
        "National Council of Resistance of Iran",
        "NCRI",
        "NCRI",
    ]
    assert ncri[0].aliases == ["Iranian Resistance coalition", "NCRI"]
    assert all((a.country, a.sector) == ("IRN", "OPP") for a in ncri)


def test_acronyms_match_case_sensitively(dictionary: ActorDictionary) -> None:
    actors = find_actors(make_doc("Let us see who is in."), dictionary=dictionary)
    assert actors == []


def test_generic_actors_take_the_demonym_or_the_hint(dictionary: ActorDictionary) -> None:
    text = "Iranian riot police attacked the protesters and the women of Kazerun; the regime was silent."
    actors = find_actors(
        make_doc(text, {"Kazerun": "GPE"}), dictionary=dictionary, country_hint="IRN"
    )
    assert coded(actors, "Iranian riot police") == (
        "Iranian security forces",
        "group",
        "IRN",
        "COP",
    )
    assert coded(actors, "protesters") == ("Iranian protesters", "group", "IRN", "CVL")
    assert coded(actors, "women of Kazerun") == ("Iranian civilians", "group", "IRN", "CVL")
    assert coded(actors, "regime") == ("Iranian government", "state", "IRN", "GOV")


def test_country_as_actor_but_not_as_place(dictionary: ActorDictionary) -> None:
    text = "Iran rejected the claim. Protests spread in Iran. The students of Kenya marched."
    actors = find_actors(make_doc(text), dictionary=dictionary)
    states = [a for a in actors if a.kind == "state"]
    assert [(a.text, a.start) for a in states] == [("Iran", 0)]
    assert coded(actors, "students of Kenya") == (
        "Kenyan students and teachers",
        "group",
        "KEN",
        "EDU",
    )


def test_mentions_are_in_text_order_with_exact_offsets(dictionary: ActorDictionary) -> None:
    text = "Hamas and the Taliban and NATO and Amnesty International."
    doc = make_doc(text)
    actors = find_actors(doc, dictionary=dictionary)
    assert [a.name for a in actors] == ["Hamas", "Taliban", "NATO", "Amnesty International"]
    assert all(text[a.start : a.end] == a.text for a in actors)
    assert [a.country for a in actors] == ["PSE", "AFG", "IGO", "NGO"]


@pytest.mark.parametrize(
    "text",
    [
        "The united Nations and the UN’s envoy met the Red Crescent in Tehran's north.",
        "IRANIAN FOREIGN MINISTER Abbas Araghchi said; the foreign  minister's aide left.",
        "aTehran-based group, the Taliban-led government, x-UN, 'Hamas' and (Hezbollah).",
        "",
    ],
)
def test_alternations_find_what_the_whole_regex_finds(
    dictionary: ActorDictionary, text: str
) -> None:
    """finditer tries only the alternatives whose first character fits: the same matches."""
    for alternation in (
        dictionary.named_pattern(),
        dictionary.role_pattern(),
        dictionary.modifier_pattern(),
    ):
        expected = [(m.span(), m.group()) for m in alternation.regex.finditer(text)]
        assert [(m.span(), m.group()) for m in alternation.finditer(text)] == expected
