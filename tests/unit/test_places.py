"""Place detection and article-level disambiguation, on hand-built Docs and a tiny gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.extract import places as places_module
from eventscribe.extract.places import find_places, focus_country, focus_place
from eventscribe.gazetteer import GazEntry, Gazetteer, GazRow, open_gazetteer, write_index
from eventscribe.records import Place


def entry(name: str, feature: str, country: str, lat: float, lon: float, **kw: object) -> GazEntry:
    fields: dict[str, object] = {
        "geonames_id": None,
        "admin1": None,
        "admin2": None,
        "population": 0,
    }
    fields.update(kw)
    return GazEntry(name=name, feature=feature, country=country, lat=lat, lon=lon, **fields)  # type: ignore[arg-type]


def country(name: str, code: str, alpha3: str, pop: int, *, names: tuple[str, ...] = (),
            demonyms: tuple[str, ...] = ()) -> GazRow:  # fmt: skip
    return GazRow(entry=entry(name, "country", alpha3, 0.0, 0.0, population=pop), names=names,
                  codes=(code, alpha3), demonyms=demonyms)  # fmt: skip


def city(
    name: str, alpha3: str, lat: float, lon: float, pop: int, admin1: str, *names: str
) -> GazRow:
    return GazRow(
        entry=entry(name, "city", alpha3, lat, lon, admin1=admin1, population=pop), names=names
    )


def admin1(name: str, alpha3: str, lat: float, lon: float, pop: int, *names: str) -> GazRow:
    return GazRow(
        entry=entry(name, "admin1", alpha3, lat, lon, admin1=name, population=pop), names=names
    )


ROWS = [
    country("Iran", "IR", "IRN", 81_800_000, demonyms=("Iranian",)),
    country(
        "United States", "US", "USA", 327_000_000, names=("US", "U.S."), demonyms=("American",)
    ),
    country("France", "FR", "FRA", 67_000_000, demonyms=("French",)),
    country("Georgia", "GE", "GEO", 3_700_000, demonyms=("Georgian",)),
    country("The Netherlands", "NL", "NLD", 17_000_000, demonyms=("Dutch",)),
    country("Nigeria", "NG", "NGA", 190_000_000, demonyms=("Nigerian",)),
    country("Russia", "RU", "RUS", 144_000_000, demonyms=("Russian",)),
    city("Us", "FRA", 49.1, 1.97, 1248, "Île-de-France"),
    city("Kāzerūn", "IRN", 29.62, 51.65, 112_360, "Fars", "Kazerun"),
    city("Mashhad", "IRN", 36.30, 59.61, 2_307_177, "Razavi Khorasan"),
    city("Mashhad", "AFG", 36.82, 70.10, 0, "Badakhshan"),
    admin1("Fars", "IRN", 29.2, 52.9, 3_300_000, "Fars Province"),
    city("Tehran", "IRN", 35.69, 51.42, 7_153_309, "Tehran"),
    admin1("Tehran", "IRN", 35.58, 51.43, 12_000_000),
    city("Paris", "FRA", 48.85, 2.35, 2_138_551, "Île-de-France"),
    city("Paris", "USA", 33.66, -95.56, 24_171, "Texas"),
    admin1("Texas", "USA", 31.1, -97.4, 22_000_000),
    admin1("Georgia", "USA", 32.7, -83.4, 4_800_000),
    admin1("Florida", "USA", 28.6, -82.4, 18_000_000),
    city("Atlanta", "USA", 33.75, -84.39, 510_823, "Georgia"),
    city("Tbilisi", "GEO", 41.69, 44.83, 1_049_498, "Tbilisi"),
    city("Kano", "NGA", 12.0, 8.52, 4_910_000, "Kano"),
    admin1("Kano", "NGA", 11.86, 8.46, 5_044_919, "Kano State"),
    city("Lyon", "FRA", 45.76, 4.84, 472_317, "Auvergne-Rhône-Alpes"),
    city("Springfield", "USA", 37.22, -93.30, 169_176, "Missouri"),
    city("Springfield", "USA", 39.80, -89.64, 114_230, "Illinois"),
    admin1("Missouri", "USA", 38.3, -92.5, 6_100_000),
    city("Paris", "USA", 39.48, -92.0, 1_200, "Missouri"),
    city("Meaux", "FRA", 48.96, 2.88, 55_000, "Île-de-France", "Mo."),
    admin1("Illinois", "USA", 40.0, -89.2, 12_800_000),
]


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("gaz") / "g.sqlite"
    write_index(path, ROWS)
    return open_gazetteer(path)


NLP = spacy.blank("en")


def make_doc(text: str, ents: list[tuple[str, str]] | None = None) -> Doc:
    """Tokenize ``text`` and tag the first unused occurrence of each (text, label) pair."""
    doc = NLP(text)
    spans, cursor = [], {}
    for surface, label in ents or []:
        start = text.index(surface, cursor.get(surface, 0))
        cursor[surface] = start + 1
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    return doc


def summary(places: list[Place]) -> list[tuple[str, str, str | None, str | None]]:
    return [(p.text, p.name, p.country, p.feature) for p in places]


def test_kazerun_resolves_to_the_iranian_city_with_offsets(gazetteer: Gazetteer) -> None:
    text = "Iranian forces opened fire on protesters in Kazerun, witnesses said."
    places = find_places(
        make_doc(text, [("Iranian", "NORP"), ("Kazerun", "GPE")]), gazetteer=gazetteer
    )
    kazerun = places[1]
    assert (kazerun.name, kazerun.admin1, kazerun.country, kazerun.precision) == (
        "Kāzerūn",
        "Fars",
        "IRN",
        "city",
    )
    assert text[kazerun.start : kazerun.end] == "Kazerun"
    assert kazerun.lat == pytest.approx(29.62) and kazerun.lon == pytest.approx(51.65)
    assert (places[0].name, places[0].precision, places[0].start) == ("Iran", "country", 0)


def test_us_is_the_country_not_the_french_village(gazetteer: Gazetteer) -> None:
    doc = make_doc("The US and the U.S. said so.", [("US", "GPE"), ("U.S.", "GPE")])
    assert summary(find_places(doc, gazetteer=gazetteer)) == [
        ("US", "United States", "USA", "country"), ("U.S.", "United States", "USA", "country"),
    ]  # fmt: skip


def test_city_region_qualifier_picks_the_namesake(gazetteer: Gazetteer) -> None:
    doc = make_doc("A storm hit Paris, Texas, on Monday.", [("Paris", "GPE"), ("Texas", "GPE")])
    places = find_places(doc, gazetteer=gazetteer)
    assert summary(places) == [
        ("Paris", "Paris", "USA", "city"),
        ("Texas", "Texas", "USA", "admin1"),
    ]


def test_ap_state_abbreviation_picks_the_namesake_and_is_the_state(
    gazetteer: Gazetteer,
) -> None:
    doc = make_doc("A storm hit Springfield, Ill. on Monday.", [("Springfield", "GPE")])
    places = find_places(doc, gazetteer=gazetteer)
    assert [(p.text, p.name, p.admin1, p.feature) for p in places] == [
        ("Springfield", "Springfield", "Illinois", "city"),
        ("Ill.", "Illinois", "Illinois", "admin1"),
    ]
    doc = make_doc("A storm hit Springfield, Ill. on Monday.", [("Springfield, Ill.", "GPE")])
    assert [(p.text, p.admin1) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("Springfield", "Illinois"), ("Ill.", "Illinois"),
    ]  # fmt: skip


def test_postal_state_code_picks_the_namesake(gazetteer: Gazetteer) -> None:
    doc = make_doc("Police in Springfield, IL arrested 20.", [("Springfield", "GPE")])
    assert [(p.text, p.admin1) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("Springfield", "Illinois"), ("IL", "Illinois"),
    ]  # fmt: skip
    bare = make_doc("Police in Springfield arrested 20.", [("Springfield", "GPE")])
    assert [p.admin1 for p in find_places(bare, gazetteer=gazetteer)] == ["Missouri"]


def test_abbreviation_replaces_the_town_it_was_taken_for(gazetteer: Gazetteer) -> None:
    doc = make_doc("PARIS, Mo. (AP) — Flooding closed roads.", [("PARIS", "GPE")])
    assert [(p.text, p.name, p.admin1) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("PARIS", "Paris", "Missouri"), ("Mo.", "Missouri", "Missouri"),
    ]  # fmt: skip
    doc = make_doc("Paris, Mo. flooded.", [("Paris, Mo.", "GPE")])
    assert [(p.text, p.name, p.country) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("Paris", "Paris", "USA"), ("Mo.", "Missouri", "USA"),
    ]  # fmt: skip


def test_lowercase_word_after_a_comma_is_not_a_state(gazetteer: Gazetteer) -> None:
    doc = make_doc("In Springfield, in the rain, police waited.", [("Springfield", "GPE")])
    assert [p.admin1 for p in find_places(doc, gazetteer=gazetteer)] == ["Missouri"]


def test_city_region_tagged_as_one_entity_is_split(gazetteer: Gazetteer) -> None:
    doc = make_doc("A storm hit Paris, Texas on Monday.", [("Paris, Texas", "GPE")])
    assert [(p.text, p.country) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("Paris", "USA"), ("Texas", "USA"),
    ]  # fmt: skip


def test_bare_paris_in_a_french_article_is_paris_france(gazetteer: Gazetteer) -> None:
    doc = make_doc(
        "French police clashed with protesters in Paris.", [("French", "NORP"), ("Paris", "GPE")]
    )
    assert find_places(doc, gazetteer=gazetteer)[-1].country == "FRA"


def test_georgia_is_the_country_unless_a_us_city_qualifies_it(gazetteer: Gazetteer) -> None:
    doc = make_doc("Russian troops entered Georgia.", [("Russian", "NORP"), ("Georgia", "GPE")])
    assert find_places(doc, gazetteer=gazetteer)[-1].country == "GEO"
    doc = make_doc(
        "Police in Atlanta, Georgia arrested 20.", [("Atlanta", "GPE"), ("Georgia", "GPE")]
    )
    assert summary(find_places(doc, gazetteer=gazetteer)) == [
        ("Atlanta", "Atlanta", "USA", "city"), ("Georgia", "Georgia", "USA", "admin1"),
    ]  # fmt: skip


def test_georgia_among_us_states_is_the_state(gazetteer: Gazetteer) -> None:
    text = "New voting laws in Texas, Florida and Georgia drew protests."
    doc = make_doc(text, [("Texas", "GPE"), ("Florida", "GPE"), ("Georgia", "GPE")])
    assert [(p.text, p.country, p.feature) for p in find_places(doc, gazetteer=gazetteer)] == [
        ("Texas", "USA", "admin1"), ("Florida", "USA", "admin1"), ("Georgia", "USA", "admin1"),
    ]  # fmt: skip


def test_type_word_selects_the_division(gazetteer: Gazetteer) -> None:
    doc = make_doc(
        "Clashes in southern Fars province and in Kano State.",
        [("Fars", "GPE"), ("Kano State", "GPE")],
    )
    places = find_places(doc, gazetteer=gazetteer)
    assert [(p.text, p.name, p.feature) for p in places] == [
        ("Fars province", "Fars", "admin1"), ("Kano State", "Kano", "admin1"),
    ]  # fmt: skip


def test_big_city_beats_the_division_of_the_same_name(gazetteer: Gazetteer) -> None:
    doc = make_doc("Traders in Kano and Tehran closed shops.", [("Kano", "GPE"), ("Tehran", "GPE")])
    assert [p.feature for p in find_places(doc, gazetteer=gazetteer)] == ["city", "city"]


def test_dateline_sets_the_article_country(gazetteer: Gazetteer) -> None:
    doc = make_doc("TEHRAN (Reuters) - Crowds gathered in Mashhad.", [("Mashhad", "GPE")])
    places = find_places(doc, gazetteer=gazetteer)
    assert summary(places) == [
        ("TEHRAN", "Tehran", "IRN", "city"),
        ("Mashhad", "Mashhad", "IRN", "city"),
    ]


def test_a_dateline_after_a_headline_on_the_first_line_is_found(gazetteer: Gazetteer) -> None:
    doc = make_doc("Crowds gathered in protest. TEHRAN - Police came. He said. NATO - no.")
    assert summary(find_places(doc, gazetteer=gazetteer)) == [("TEHRAN", "Tehran", "IRN", "city")]


def test_the_dateline_town_named_again_in_the_body_is_found(gazetteer: Gazetteer) -> None:
    doc = make_doc("TEHRAN (Reuters) - Tehran Police said so.", [("TEHRAN", "GPE")])
    found = summary(find_places(doc, gazetteer=gazetteer))
    assert [(f[0], f[1]) for f in found] == [("TEHRAN", "Tehran"), ("Tehran", "Tehran")]


def test_a_persons_of_names_where_they_live(gazetteer: Gazetteer) -> None:
    text = "Survivors include her husband, Leonard of Springfield, Illinois."
    ents = [("Leonard of Springfield", "PERSON"), ("Illinois", "GPE")]
    found = find_places(make_doc(text, ents), gazetteer=gazetteer)
    assert [(p.text, p.admin1) for p in found] == [
        ("Springfield", "Illinois"),
        ("Illinois", "Illinois"),
    ]


def test_a_demonym_inside_a_building_name_is_its_country(gazetteer: Gazetteer) -> None:
    doc = make_doc("Guards stood at the Iranian Embassy.", [("the Iranian Embassy", "FAC")])
    assert summary(find_places(doc, gazetteer=gazetteer)) == [("Iranian", "Iran", "IRN", "country")]


def test_demonyms_are_country_mentions(gazetteer: Gazetteer) -> None:
    doc = make_doc(
        "Dutch Foreign Minister Stef Blok met American officials.", [("Stef Blok", "PERSON")]
    )
    places = find_places(doc, gazetteer=gazetteer)
    assert [(p.text, p.country, p.precision) for p in places] == [
        ("Dutch", "NLD", "country"), ("American", "USA", "country"),
    ]  # fmt: skip
    assert all(0 < p.confidence < 1 for p in places)


def test_mislabelled_or_untagged_places_are_recovered_by_context(gazetteer: Gazetteer) -> None:
    text = "Iranian protests spread from Mashhad to Kazerun, and in Tehran crowds grew."
    doc = make_doc(text, [("Iranian", "NORP"), ("Mashhad", "PERSON"), ("Kazerun", "ORG")])
    assert [p.text for p in find_places(doc, gazetteer=gazetteer)] == [
        "Iranian",
        "Mashhad",
        "Kazerun",
        "Tehran",
    ]


def test_repeats_of_a_found_place_are_found(gazetteer: Gazetteer) -> None:
    text = "Protests in Kazerun grew. The Kazerun protesters struck."
    doc = make_doc(text, [("Kazerun", "GPE")])
    assert [p.start for p in find_places(doc, gazetteer=gazetteer)] == [12, 30]


def test_junk_and_unknown_entities_are_dropped(gazetteer: Gazetteer) -> None:
    text = "Home News Protests Iran Resistance\nAtlantis and Mordor were calm."
    doc = make_doc(
        text, [("Home News Protests Iran Resistance\nAtlantis", "GPE"), ("Mordor", "LOC")]
    )
    assert find_places(doc, gazetteer=gazetteer) == []


def test_lists_of_countries_are_not_qualifiers(gazetteer: Gazetteer) -> None:
    doc = make_doc(
        "Envoys from France, Nigeria and Iran met.",
        [("France", "GPE"), ("Nigeria", "GPE"), ("Iran", "GPE")],
    )
    assert [p.country for p in find_places(doc, gazetteer=gazetteer)] == ["FRA", "NGA", "IRN"]


def place(name: str, feature: str, country: str, start: int) -> Place:
    return Place(name=name, text=name, start=start, end=start + len(name), feature=feature,
                 country=country, geonames_id=hash(name) % 1000)  # fmt: skip


def test_focus_place_prefers_the_most_mentioned_city() -> None:
    places = [place("Iran", "country", "IRN", 0), place("Mashhad", "city", "IRN", 5),
              place("Kāzerūn", "city", "IRN", 10), place("Kāzerūn", "city", "IRN", 20),
              place("United States", "country", "USA", 30)]  # fmt: skip
    focus = focus_place(places)
    assert focus is not None and focus.name == "Kāzerūn"
    assert focus_country(places) == "IRN"


def test_focus_place_skips_a_dateline_when_the_text_names_a_city() -> None:
    places = [place("LAGOS", "city", "NGA", 0), place("Owo", "city", "NGA", 30)]
    assert focus_place(places).name == "Owo"  # type: ignore[union-attr]
    assert focus_place(places[:1]).name == "LAGOS"  # type: ignore[union-attr]


def test_focus_falls_back_to_admin1_then_country_and_ties_by_first_mention() -> None:
    assert focus_place([]) is None and focus_country([]) is None
    places = [place("Iran", "country", "IRN", 0), place("Fars", "admin1", "IRN", 5)]
    assert focus_place(places).name == "Fars"  # type: ignore[union-attr]
    tie = [place("France", "country", "FRA", 0), place("Iran", "country", "IRN", 9)]
    assert focus_place(tie).name == "France"  # type: ignore[union-attr]
    assert focus_country(tie) == "FRA"


def test_a_village_the_gazetteer_lacks_takes_its_sentence_point(gazetteer: Gazetteer) -> None:
    text = "Gunmen stormed the village of Sharifah near Kazerun. Later Atlantis was calm."
    doc = make_doc(text, [("Sharifah", "GPE"), ("Kazerun", "GPE"), ("Atlantis", "LOC")])
    places = {p.text: p for p in find_places(doc, gazetteer=gazetteer)}
    village = places["Sharifah"]
    assert text[village.start : village.end] == "Sharifah"
    assert (village.geonames_id, village.feature, village.country) == (None, None, "IRN")
    assert (village.lat, village.lon, village.precision) == (29.62, 51.65, "city")
    assert village.confidence < places["Kazerun"].confidence
    assert "Atlantis" not in places  # an unknown LOC is a park or a square as often as not


def test_cued_unknown_names_are_places_but_institutions_are_not(gazetteer: Gazetteer) -> None:
    text = "A bomb hit the Al-Maalif neighbourhood of Tehran. The Kazerun School District closed."
    doc = make_doc(text, [("Al-Maalif", "LOC"), ("Tehran", "GPE"), ("Kazerun School District", "ORG")])  # fmt: skip
    found = [(p.text, p.feature) for p in find_places(doc, gazetteer=gazetteer)]
    # The school district is no district place; the town it is named for is (news coders
    # geocode "the Santa Ana Unified School District" at Santa Ana).
    assert found == [("Al-Maalif neighbourhood", None), ("Tehran", "city"), ("Kazerun", "city")]


def test_organisation_names_start_or_end_with_their_place(gazetteer: Gazetteer) -> None:
    text = (
        "Texas A&M University said the U.S. Department of Justice and Taco Bell France "
        "agreed, as did the Lyon Chess Club and the Meaux Rotary Club."
    )
    ents = [("Texas A&M University", "ORG"), ("the U.S. Department of Justice", "ORG"),
            ("Taco Bell France", "ORG"), ("the Lyon Chess Club", "ORG"),
            ("the Meaux Rotary Club", "ORG")]  # fmt: skip
    found = summary(find_places(make_doc(text, ents), gazetteer=gazetteer))
    assert found == [
        ("Texas", "Texas", "USA", "admin1"),
        ("U.S.", "United States", "USA", "country"),
        ("France", "France", "FRA", "country"),
        ("Lyon", "Lyon", "FRA", "city"),  # a city of 100,000 or more names where the club is
    ]  # a town of 55,000 inside a club's name is not trusted


def test_generic_first_word_of_an_organisation_is_not_a_division(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, admin1("Southern", "ISR", 31.0, 34.8, 1_000_000)])
    text = "The Southern Baptist Convention and the Georgia Baptist Mission Board met."
    ents = [
        ("The Southern Baptist Convention", "ORG"),
        ("the Georgia Baptist Mission Board", "ORG"),
    ]
    found = summary(find_places(make_doc(text, ents), gazetteer=open_gazetteer(path)))
    assert [f[0] for f in found] == ["Georgia"]


def _with_adair_county(tmp_path: Path) -> Path:
    """Write the test gazetteer plus Adair County, Kentucky (also named "Adair")."""
    county = GazRow(entry=entry("Adair County", "admin2", "USA", 37.1, -85.3,
                                admin1="Kentucky", admin2="Adair County", population=19_000),
                    names=("Adair",))  # fmt: skip
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, county])
    return path


def test_county_inside_an_organisation_needs_the_word_county(tmp_path: Path) -> None:
    path = _with_adair_county(tmp_path)
    text = "He was taken to the Adair County Regional Jail, said Adair Holdings."
    ents = [("the Adair County Regional Jail", "ORG"), ("Adair Holdings", "ORG")]
    found = summary(find_places(make_doc(text, ents), gazetteer=open_gazetteer(path)))
    assert found == [("Adair County", "Adair County", "USA", "admin2")]


def test_a_mislabelled_country_needs_a_place_cue(gazetteer: Gazetteer) -> None:
    text = "Cases rose in Iran, Nigeria and Georgia. France said she was tired."
    ents = [("Iran", "GPE"), ("Nigeria", "PERSON"), ("Georgia", "PERSON"), ("France", "PERSON")]
    found = summary(find_places(make_doc(text, ents), gazetteer=gazetteer))
    assert [(f[0], f[3]) for f in found] == [
        ("Iran", "country"), ("Nigeria", "country"), ("Georgia", "country"),
    ]  # fmt: skip


def test_a_name_listed_with_states_is_the_state(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, admin1("Utah", "USA", 39.3, -111.7, 3_200_000),
                       city("Washington", "USA", 38.9, -77.04, 689_545, "District of Columbia"),
                       city("Washington", "USA", 37.13, -113.51, 24_299, "Utah"),
                       admin1("Washington", "USA", 47.4, -120.5, 7_600_000)])  # fmt: skip
    text = "Cases were found in Texas, Utah and Washington."
    doc = make_doc(text, [("Texas", "GPE"), ("Utah", "GPE"), ("Washington", "GPE")])
    assert find_places(doc, gazetteer=open_gazetteer(path))[2].feature == "admin1"
    alone = make_doc("Officials in Washington said so.", [("Washington", "GPE")])
    assert find_places(alone, gazetteer=open_gazetteer(path))[0].feature == "city"


def test_a_list_is_read_out_from_the_one_name_the_tagger_knew(gazetteer: Gazetteer) -> None:
    text = "Birds were kept indoors: Kano, Fars, Lyon and Tehran. Paris said so."
    found = summary(find_places(make_doc(text, [("Tehran", "GPE")]), gazetteer=gazetteer))
    assert [f[0] for f in found] == ["Kano", "Fars", "Lyon", "Tehran"]


def test_ranker_weights_line_up_with_its_features() -> None:
    assert len(places_module.ranker_weights()) == len(places_module.RANKER_FEATURES)
    assert len(places_module.HAND_WEIGHTS) == len(places_module.RANKER_FEATURES)


def test_near_feature_picks_the_namesake_beside_the_other_towns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, city("Decatur", "USA", 39.84, -88.95, 70_000, "Illinois")])
    gaz = open_gazetteer(path)
    text = "Storms hit Decatur and Springfield."
    doc = make_doc(text, [("Decatur", "GPE"), ("Springfield", "GPE")])
    assert find_places(doc, gazetteer=gaz)[1].admin1 == "Missouri"  # the bigger namesake
    weights = dict(zip(places_module.RANKER_FEATURES, places_module.HAND_WEIGHTS, strict=True))
    weights["near"] = 5.0
    monkeypatch.setattr(places_module, "ranker_weights", lambda: tuple(weights.values()))
    springfield = find_places(doc, gazetteer=gaz)[1]
    assert (springfield.admin1, round(springfield.lat or 0, 2)) == ("Illinois", 39.8)


def test_an_organisation_names_a_state_by_its_own_name_only(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, admin1("Western Equatoria", "SSD", 5.1, 28.5, 600_000, "Equatoria")])
    text = "The Equatoria Liberation Movement, the Texas Rangers and the Kano State Police met."
    ents = [("The Equatoria Liberation Movement", "ORG"), ("the Texas Rangers", "ORG"),
            ("the Kano State Police", "ORG")]  # fmt: skip
    found = summary(find_places(make_doc(text, ents), gazetteer=open_gazetteer(path)))
    assert found == [("Texas", "Texas", "USA", "admin1"), ("Kano State", "Kano", "NGA", "admin1")]


def test_dotted_state_initials_alone_name_the_state(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    bc = admin1("British Columbia", "CAN", 53.7, -127.6, 4_600_000)
    write_index(path, [*ROWS, bc])
    text = "Fires spread across B.C. and Ill. on Monday."
    doc = make_doc(text, [("B.C.", "GPE"), ("Ill.", "GPE")])
    found = summary(find_places(doc, gazetteer=open_gazetteer(path)))
    assert found[0] == ("B.C.", "British Columbia", "CAN", "admin1")
    assert all(f[1] != "Illinois" for f in found)  # "Ill." alone is as often "ill"


def test_a_cued_small_town_counts_in_a_state_the_article_names(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, city("Hico", "USA", 31.98, -98.03, 1_379, "Texas")])
    gaz = open_gazetteer(path)
    text = "Police in Texas said the crash happened near Hico."
    found = summary(find_places(make_doc(text, [("Texas", "GPE"), ("Hico", "ORG")]), gazetteer=gaz))
    assert found[-1] == ("Hico", "Hico", "USA", "city")
    text = "Police said the crash happened near Hico."
    assert find_places(make_doc(text, [("Hico", "ORG")]), gazetteer=gaz) == []


def test_a_county_contains_only_the_towns_of_its_own_state(tmp_path: Path) -> None:
    def county(state: str, lat: float, lon: float, pop: int) -> GazRow:
        return GazRow(entry=entry("Adair County", "admin2", "USA", lat, lon, admin1=state,
                                  admin2="Adair County", population=pop))  # fmt: skip

    kentucky = GazRow(entry=entry("Kentucky", "admin1", "USA", 37.5, -85.0, admin1="Kentucky",
                                  population=4_500_000))  # fmt: skip
    columbia = GazRow(entry=entry("Columbia", "city", "USA", 37.1, -85.3, admin1="Kentucky",
                                  admin2="Adair County", population=4_400))  # fmt: skip
    path = tmp_path / "g.sqlite"
    rows = [*ROWS, kentucky, columbia, county("Missouri", 40.2, -92.6, 25_000),
            county("Kentucky", 37.1, -85.3, 19_000)]  # fmt: skip
    write_index(path, rows)
    text = "A man from Columbia was shot in Adair County, police said."
    ents = [("Columbia", "GPE"), ("Adair County", "GPE")]
    found = find_places(make_doc(text, ents), gazetteer=open_gazetteer(path))
    # Columbia's Adair County is Kentucky's; the bigger Missouri namesake does not contain it
    assert [(p.text, p.admin1) for p in found] == [
        ("Columbia", "Kentucky"), ("Adair County", "Kentucky"),
    ]  # fmt: skip


def test_a_county_namesake_follows_the_state_the_article_is_about(tmp_path: Path) -> None:
    def county(name: str, state: str, lat: float, lon: float, pop: int) -> GazRow:
        return GazRow(entry=entry(name, "admin2", "USA", lat, lon, admin1=state,
                                  admin2=name, population=pop))  # fmt: skip

    iowa = GazRow(entry=entry("Iowa", "admin1", "USA", 42.0, -93.5, admin1="Iowa",
                              population=3_100_000))  # fmt: skip
    rows = [*ROWS, iowa, county("Dallas County", "Texas", 32.8, -96.8, 2_600_000),
            county("Dallas County", "Iowa", 41.7, -94.0, 66_000),
            county("Plymouth County", "Iowa", 42.7, -96.2, 25_000),
            county("Black Hawk County", "Iowa", 42.5, -92.3, 131_000)]  # fmt: skip
    path = tmp_path / "g.sqlite"
    write_index(path, rows)
    text = "Deputies in Plymouth County, Black Hawk County and Dallas County searched farms."
    ents = [("Plymouth County", "GPE"), ("Black Hawk County", "GPE"), ("Dallas County", "GPE")]
    found = find_places(make_doc(text, ents), gazetteer=open_gazetteer(path))
    assert [(p.text, p.admin1) for p in found][-1] == ("Dallas County", "Iowa")
    # alone, the bigger namesake wins
    alone = find_places(make_doc("Deputies in Dallas County searched farms.",
                                 [("Dallas County", "GPE")]), gazetteer=open_gazetteer(path))  # fmt: skip
    assert alone[0].admin1 == "Texas"


def test_where_someone_lives_is_a_place_cue(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, city("Waterloo", "USA", 42.49, -92.34, 68_000, "Iowa")])
    text = "Paul Block, 49, of Waterloo was held. A friend of Waterloo Smith spoke."
    ents = [("Paul Block", "PERSON"), ("Waterloo", "PERSON"), ("Waterloo Smith", "PERSON")]
    found = find_places(make_doc(text, ents), gazetteer=open_gazetteer(path))
    assert [(p.text, p.start) for p in found] == [("Waterloo", text.index("Waterloo"))]


def test_long_organisation_names_still_name_their_place(gazetteer: Gazetteer) -> None:
    text = (
        "Officers of the Missouri Department of Fish and Wildlife Game Unit came. "
        "A University of Missouri Extension ag specialist spoke."
    )
    ents = [("the Missouri Department of Fish and Wildlife Game Unit", "ORG"),
            ("University of Missouri Extension", "ORG")]  # fmt: skip
    found = find_places(make_doc(text, ents), gazetteer=gazetteer)
    assert [(p.text, p.feature) for p in found] == [("Missouri", "admin1"), ("Missouri", "admin1")]


def test_a_demonym_takes_the_point_fitted_for_demonyms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canada = GazRow(entry=entry("Canada", "country", "CAN", 60.0, -95.0, geonames_id=6251999,
                                population=37_000_000), codes=("CA", "CAN"),
                    demonyms=("Canadian",))  # fmt: skip
    path = tmp_path / "g.sqlite"
    write_index(path, [*ROWS, canada])
    monkeypatch.setattr(places_module, "demonym_points", lambda: {6251999: (60.1, -113.6)})
    text = "Canada said the Canadian team won."
    found = find_places(make_doc(text, [("Canada", "GPE")]), gazetteer=open_gazetteer(path))
    assert [(p.text, p.lat, p.lon) for p in found] == [
        ("Canada", 60.0, -95.0), ("Canadian", 60.1, -113.6),
    ]  # fmt: skip


def test_the_shipped_demonym_points_are_read() -> None:
    lat, lon = places_module.demonym_points()[6251999]  # Canada, fitted on "Canadian"
    assert (round(lat), round(lon)) == (60, -114)


def test_a_region_by_direction_is_its_area_when_the_article_names_the_area(
    tmp_path: Path,
) -> None:
    rows = [*ROWS, admin1("Queensland", "AUS", -22.0, 144.0, 5_000_000),
            admin1("Plateau", "NGA", 9.2, 9.5, 3_200_000)]  # fmt: skip
    path = tmp_path / "g.sqlite"
    write_index(path, rows)
    gaz = open_gazetteer(path)
    text = "Queensland police said crime rose in Far North Queensland."
    found = find_places(make_doc(text, [("Queensland", "GPE"), ("Far North Queensland", "LOC")]),
                        gazetteer=gaz)  # fmt: skip
    assert [(p.text, p.start, p.feature) for p in found] == [
        ("Queensland", 0, "admin1"), ("Queensland", text.rindex("Queensland"), "admin1"),
    ]  # fmt: skip
    text = "Cholera spread in the Central Plateau."
    found = find_places(make_doc(text, [("Central Plateau", "LOC")]), gazetteer=gaz)
    assert [(p.text, p.country) for p in found] == [("Central Plateau", None)]  # not Nigeria's


def test_a_dateline_names_its_state_with_or_without_the_full_stop(gazetteer: Gazetteer) -> None:
    for text in ("SPRINGFIELD, Mo (KY3) -- Storms hit.", "SPRINGFIELD, Mo. (KY3) -- Storms hit."):
        found = find_places(make_doc(text), gazetteer=gazetteer)
        assert [(p.text, p.admin1, p.feature) for p in found] == [
            ("SPRINGFIELD", "Missouri", "city"), (text.split()[1], "Missouri", "admin1"),
        ], text  # fmt: skip


def test_a_state_named_like_a_town_of_another_state_stays_the_state(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    rows = [*ROWS, admin1("Wyoming", "USA", 43.0, -107.5, 580_000),
            admin1("Michigan", "USA", 44.3, -85.4, 10_000_000),
            city("Wyoming", "USA", 42.91, -85.71, 75_275, "Michigan")]  # fmt: skip
    write_index(path, rows)
    text = "Crews drove from Michigan to Wyoming."
    doc = make_doc(text, [("Michigan", "GPE"), ("Wyoming", "GPE")])
    found = summary(find_places(doc, gazetteer=open_gazetteer(path)))
    assert found[1] == ("Wyoming", "Wyoming", "USA", "admin1")


def test_a_place_inside_a_list_is_not_qualified_by_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    write_index(
        path, [*ROWS, city("Riverside", "USA", 39.18, -94.61, 2_946, "Missouri", "Illinois")]
    )
    text = "Cases were found in Texas, Illinois, Missouri and Georgia."
    ents = [("Texas", "GPE"), ("Illinois", "GPE"), ("Missouri", "GPE"), ("Georgia", "GPE")]
    found = summary(find_places(make_doc(text, ents), gazetteer=open_gazetteer(path)))
    assert found[1] == ("Illinois", "Illinois", "USA", "admin1")


def test_organisation_places_after_of_and_at_its_end(gazetteer: Gazetteer) -> None:
    text = "In Missouri, she joined Team Missouri after the Hospital of Texas in Paris let her go."
    ents = [("Missouri", "GPE"), ("Team Missouri", "ORG"),
            ("the Hospital of Texas in Paris", "ORG")]  # fmt: skip
    found = summary(find_places(make_doc(text, ents), gazetteer=gazetteer))
    assert ("Texas", "Texas", "USA", "admin1") in found
    assert found.count(("Missouri", "Missouri", "USA", "admin1")) == 2  # the article names it


def test_a_building_names_its_county_but_nothing_else(tmp_path: Path) -> None:
    path = _with_adair_county(tmp_path)
    text = "Smoke filled the Adair County Courthouse and the Lyon Plaza."
    ents = [("the Adair County Courthouse", "FAC"), ("the Lyon Plaza", "FAC")]
    found = summary(find_places(make_doc(text, ents), gazetteer=open_gazetteer(path)))
    assert found == [("Adair County", "Adair County", "USA", "admin2")]


def test_a_found_place_as_a_compound_modifier_is_found(gazetteer: Gazetteer) -> None:
    doc = make_doc("Iran faced U.S. sanctions and a U.S.-led coalition.", [("U.S.", "GPE")])
    found = [p.text for p in find_places(doc, gazetteer=gazetteer)]
    assert found == ["U.S.", "U.S."]


def test_a_mislabelled_capitals_only_abbreviation_is_the_country(gazetteer: Gazetteer) -> None:
    doc = make_doc("Talks between the U.S. and Tehran resumed.", [("U.S.", "ORG")])
    assert summary(find_places(doc, gazetteer=gazetteer))[0] == (
        "U.S.", "United States", "USA", "country"
    )  # fmt: skip


def test_an_event_names_its_place_and_an_organisation_its_place_after_in(
    gazetteer: Gazetteer,
) -> None:
    text = "After the Tehran Film Festival she joined the Chess Club of Fars in Lyon."
    ents = [("the Tehran Film Festival", "EVENT"), ("the Chess Club of Fars in Lyon", "ORG")]
    found = summary(find_places(make_doc(text, ents), gazetteer=gazetteer))
    assert found == [
        ("Tehran", "Tehran", "IRN", "city"),
        ("Lyon", "Lyon", "FRA", "city"),
    ]


def test_a_street_the_tagger_names_is_a_place_at_its_towns_point(gazetteer: Gazetteer) -> None:
    text = "Police were called to a shooting on Dean Woods Road in Kazerun. Atlantis Park was calm."
    ents = [("Dean Woods Road", "FAC"), ("Kazerun", "GPE"), ("Atlantis Park", "FAC")]
    places = {p.text: p for p in find_places(make_doc(text, ents), gazetteer=gazetteer)}
    road = places["Dean Woods Road"]
    assert (road.geonames_id, road.country, road.lat, road.precision) == (
        None,
        "IRN",
        29.62,
        "city",
    )
    assert "Atlantis Park" not in places  # a park is not a site word
