"""Actors and quotes on sentences written for these tests, parsed by the real spaCy model."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventscribe.extract.actors.stage import ActorDictionary, find_actors, load_actor_dictionary
from eventscribe.extract.quotes import extract_quotes
from eventscribe.records import Actor, Quote

pytestmark = pytest.mark.model

KAZERUN = Path(__file__).resolve().parents[2] / "data" / "sample" / "txt" / "kazerun.txt"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from eventscribe.parse import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return load_actor_dictionary()


def run(nlp, dictionary: ActorDictionary, text: str, hint: str | None):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    actors = find_actors(doc, dictionary=dictionary, country_hint=hint)
    return doc, actors, extract_quotes(doc, actors=actors)


def find_quote(quotes: list[Quote], text: str, content: str) -> Quote:
    start = text.index(content)
    end = start + len(content)
    for quote in quotes:
        inter = min(end, quote.end) - max(start, quote.start)
        if inter >= 0.5 * min(end - start, quote.end - quote.start):
            return quote
    raise AssertionError(f"no quote over {content!r}; got {[q.text for q in quotes]}")


# (style, text, country hint, [(content, kind, speaker canonical name or None)])
QUOTE_CASES = [
    (
        "wire",
        "“We have lost everything,” said Aisha Bello, a mother of four. “Nobody has come to help us.”",
        "NGA",
        [
            ("We have lost everything,", "direct", "Aisha Bello"),
            ("Nobody has come to help us.", "direct", "Aisha Bello"),
        ],
    ),
    (
        "wire",
        "Chilean President Gabriel Boric said on Friday that the curfew would be lifted.",
        "CHL",
        [("the curfew would be lifted", "indirect", "Gabriel Boric")],
    ),
    (
        "wire",
        "The Taliban said their fighters had captured the district headquarters.",
        "AFG",
        [("their fighters had captured the district headquarters", "indirect", "Taliban")],
    ),
    (
        "wire",
        "Police said four officers were injured when protesters threw stones.",
        "GBR",
        [
            (
                "four officers were injured when protesters threw stones",
                "indirect",
                "British security forces",
            )
        ],
    ),
    (
        "wire",
        "“The situation is extremely tense,” UN spokesman Stephane Dujarric told reporters in New York.",
        None,
        [("The situation is extremely tense,", "direct", "Stephane Dujarric")],
    ),
    (
        "wire",
        "Russian Foreign Minister Sergei Lavrov accused the West of fuelling the conflict. “They want war,” he said.",
        "RUS",
        [("They want war,", "direct", "Sergei Lavrov")],
    ),
    (
        "wire",
        "According to the Syrian Observatory for Human Rights, at least 12 people were killed in the air strikes.",
        "SYR",
        [
            (
                "at least 12 people were killed in the air strikes",
                "indirect",
                "Syrian Observatory for Human Rights",
            )
        ],
    ),
    (
        "wire",
        "Hezbollah said in a statement that it had fired rockets at an army base.",
        "LBN",
        [("it had fired rockets at an army base", "indirect", "Hezbollah")],
    ),
    (
        "local",
        "A resident, Joseph Mwangi, said: “The police came at night and took my son. We do not know where he is.”",
        "KEN",
        [
            (
                "The police came at night and took my son. We do not know where he is.",
                "direct",
                "Joseph Mwangi",
            )
        ],
    ),
    (
        "local",
        "Mayor Claudia Sheinbaum told the council that the water supply would be restored by Monday.",
        "MEX",
        [("the water supply would be restored by Monday", "indirect", "Claudia Sheinbaum")],
    ),
    (
        "local",
        '"We are tired of empty promises," said Ravi Kumar, a teacher in Patna. "Our salaries have not been paid for three months."',
        "IND",
        [
            ("We are tired of empty promises,", "direct", "Ravi Kumar"),
            ("Our salaries have not been paid for three months.", "direct", "Ravi Kumar"),
        ],
    ),
    (
        "local",
        "Workers at the textile factory said they had not been paid since March.",
        "BGD",
        [("they had not been paid since March", "indirect", "Bangladeshi workers")],
    ),
    (
        "local",
        "The governor, Babajide Sanwo-Olu, said the curfew would remain in force. “Nobody should be on the streets after 8pm,” he added.",
        "NGA",
        [
            ("the curfew would remain in force", "indirect", "Babajide Sanwo-Olu"),
            ("Nobody should be on the streets after 8pm,", "direct", "Babajide Sanwo-Olu"),
        ],
    ),
    (
        "ngo",
        "Amnesty International said the security forces had used live ammunition against peaceful demonstrators.",
        "IRQ",
        [
            (
                "the security forces had used live ammunition against peaceful demonstrators",
                "indirect",
                "Amnesty International",
            )
        ],
    ),
    (
        "ngo",
        "“These killings must be investigated,” said Agnes Callamard, Secretary General of Amnesty International.",
        None,
        [("These killings must be investigated,", "direct", "Agnes Callamard")],
    ),
    (
        "ngo",
        "The Committee to Protect Journalists (CPJ) said that three reporters had been detained. The CPJ called their arrest “an outrageous attack on press freedom.”",
        "ETH",
        [
            ("three reporters had been detained", "indirect", "Committee to Protect Journalists"),
            ("an outrageous attack on press freedom.", "mixed", "Committee to Protect Journalists"),
        ],
    ),
    (
        "ngo",
        "Human Rights Watch said the group had documented 30 cases of torture. “Detainees were beaten with cables,” the organization said.",
        "EGY",
        [
            ("the group had documented 30 cases of torture", "indirect", "Human Rights Watch"),
            ("Detainees were beaten with cables,", "direct", "Human Rights Watch"),
        ],
    ),
    (
        "opinion",
        "The prime minister called the strikers “enemies of progress”, a phrase that will haunt him.",
        "GBR",
        [("enemies of progress", "mixed", None)],
    ),
    (
        "opinion",
        "Senator Bernie Sanders described the deal as “a betrayal of working people”.",
        "USA",
        [("a betrayal of working people", "mixed", "Bernie Sanders")],
    ),
    (
        "opinion",
        "As the old activist Nadia Haddad put it to me: “Nobody gives you freedom. You take it.”",
        "LBN",
        [("Nobody gives you freedom. You take it.", "direct", None)],
    ),
    (
        "multi",
        "The union leader, Maria Santos, addressed the strikers.\n\n“We will not accept these cuts.\n\n“If the company does not listen, we will shut down every port,” she said.",
        "BRA",
        [("We will not accept these cuts.", "direct", "Maria Santos")],
    ),
    (
        "multi",
        "Pakistani Prime Minister Shehbaz Sharif said the protesters had crossed a red line. The prime minister said the army would be deployed.",
        "PAK",
        [
            ("the protesters had crossed a red line", "indirect", "Shehbaz Sharif"),
            ("the army would be deployed", "indirect", "Shehbaz Sharif"),
        ],
    ),
    ("marks", "«Nous resterons ici», a déclaré un manifestant. Le préfet a répondu.", "FRA", []),
    (
        "marks",
        "„Wir bleiben hier“, said Jonas Weber, a student in Leipzig.",
        "DEU",
        [("Wir bleiben hier", "direct", "Jonas Weber")],
    ),
    (
        "marks",
        "Opposition leader Kizza Besigye said: ‘We shall overcome this dictatorship.’",
        "UGA",
        [("We shall overcome this dictatorship.", "direct", "Kizza Besigye")],
    ),
    (
        "apostrophes",
        "The drivers’ strike and the teachers’ sit-in closed the city. The people’s anger is rock ’n’ roll, one student joked.",
        "IRN",
        [],
    ),
]


@pytest.mark.parametrize(
    ("style", "text", "hint", "expected"),
    QUOTE_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(QUOTE_CASES)],
)
def test_quotes_and_speakers(
    nlp,
    dictionary,
    style: str,
    text: str,
    hint: str | None,
    expected: list[tuple[str, str, str | None]],
) -> None:  # type: ignore[no-untyped-def]
    _, _, quotes = run(nlp, dictionary, text, hint)
    for content, kind, speaker in expected:
        quote = find_quote(quotes, text, content)
        assert quote.kind == kind, (content, quote)
        said = quote.speaker.name if quote.speaker is not None else None
        assert said == speaker, (content, quote)
    for quote in quotes:
        assert len(quote.text) < 1500


def test_unbalanced_mark_does_not_swallow_the_article(nlp, dictionary) -> None:  # type: ignore[no-untyped-def]
    text = "Protesters chanted “Death to the dictator in the square.\n\n" + "The crowd grew. " * 150
    _, _, quotes = run(nlp, dictionary, text, "IRN")
    assert all(q.end - q.start < 200 for q in quotes)


ACTOR_CASES = [
    (
        "Doctors Without Borders said its clinic had closed.",
        None,
        [("Doctors Without Borders", "Doctors Without Borders", "NGO", "MED", "organization")],
    ),
    (
        "The Tunisian General Labour Union (UGTT) called a strike. The UGTT said talks failed.",
        "TUN",
        [
            (
                "Tunisian General Labour Union",
                "Tunisian General Labour Union",
                "TUN",
                "LAB",
                "organization",
            ),
            ("UGTT", "Tunisian General Labour Union", "TUN", "LAB", "organization"),
        ],
    ),
    (
        "NAIROBI (Reuters) - KNCHR chairperson Roseline Odede condemned the killings.",
        "KEN",
        [("Roseline Odede", "Roseline Odede", "KEN", None, "person")],
    ),
    (
        "Kenyan President William Ruto met Ethiopian Prime Minister Abiy Ahmed.",
        "KEN",
        [
            ("William Ruto", "William Ruto", "KEN", "GOV", "person"),
            ("Abiy Ahmed", "Abiy Ahmed", "ETH", "GOV", "person"),
        ],
    ),
    (
        "Hamas spokesman Hazem Qassem rejected the proposal.",
        "PSE",
        [("Hazem Qassem", "Hazem Qassem", "PSE", "REB", "person")],
    ),
    (
        "Iranian riot police beat students outside Tehran University.",
        "IRN",
        [
            ("Iranian riot police", "Iranian security forces", "IRN", "COP", "group"),
            ("students", "Iranian students and teachers", "IRN", "EDU", "group"),
        ],
    ),
    (
        "The Houthis fired missiles at ships; Ansar Allah later confirmed the attack.",
        "YEM",
        [
            ("Houthis", "Houthis", "YEM", "REB", "organization"),
            ("Ansar Allah", "Houthis", "YEM", "REB", "organization"),
        ],
    ),
    (
        "French troops left Niger after the junta ordered them out.",
        "NER",
        [
            ("French troops", "French military", "FRA", "MIL", "group"),
            ("junta", "Nigerien government", "NER", "GOV", "state"),
        ],
    ),
    (
        "The Movement for Justice and Progress (MJP) said it would join the talks. The MJP is led by exiles.",
        None,
        [
            (
                "Movement for Justice and Progress",
                "Movement for Justice and Progress",
                None,
                None,
                "organization",
            ),
            ("MJP", "Movement for Justice and Progress", None, None, "organization"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "hint", "expected"), ACTOR_CASES)
def test_actor_coding(
    nlp,
    dictionary,
    text: str,
    hint: str | None,
    expected: list[tuple[str, str, str | None, str | None, str]],
) -> None:  # type: ignore[no-untyped-def]
    _, actors, _ = run(nlp, dictionary, text, hint)
    by_text = {a.text: a for a in actors}
    for surface, name, country, sector, kind in expected:
        assert surface in by_text, (surface, [a.text for a in actors])
        actor = by_text[surface]
        assert (actor.name, actor.country, actor.sector, actor.kind) == (
            name,
            country,
            sector,
            kind,
        )


def test_dateline_is_not_an_actor(nlp, dictionary) -> None:  # type: ignore[no-untyped-def]
    _, actors, _ = run(
        nlp, dictionary, "KHARTOUM, June 3 (AP) — Activists said 20 people died.", "SDN"
    )
    assert not any(a.text in ("KHARTOUM", "AP") for a in actors)


def test_later_surname_gets_the_full_code(nlp, dictionary) -> None:  # type: ignore[no-untyped-def]
    text = "US Senator Marco Rubio criticised the deal. Rubio said it rewarded Tehran."
    _, actors, quotes = run(nlp, dictionary, text, "USA")
    rubio = [a for a in actors if a.text == "Rubio"]
    assert rubio and (rubio[0].name, rubio[0].country, rubio[0].sector) == (
        "Marco Rubio",
        "USA",
        "LEG",
    )
    assert quotes and quotes[0].speaker is not None and quotes[0].speaker.name == "Marco Rubio"


def kazerun_body() -> str:
    text = KAZERUN.read_text(encoding="utf-8")
    return text.split("\n\n", 2)[2]  # ingest drops the breadcrumb and the repeated title


@pytest.fixture(scope="module")
def kazerun(nlp, dictionary):  # type: ignore[no-untyped-def]
    body = kazerun_body()
    return body, *run(nlp, dictionary, body, "IRN")[1:]


def by_name(actors: list[Actor], name: str) -> Actor:
    return next(a for a in actors if a.name == name)


def test_kazerun_actors(kazerun) -> None:  # type: ignore[no-untyped-def]
    _, actors, _ = kazerun
    ncri = by_name(actors, "National Council of Resistance of Iran")
    assert (ncri.country, ncri.sector) == ("IRN", "OPP")
    assert {"NCRI", "Iranian Resistance coalition"} <= set(ncri.aliases)
    pmoi = by_name(actors, "People's Mojahedin Organization of Iran")
    assert (pmoi.country, pmoi.sector) == ("IRN", "OPP") and {"PMOI", "MEK"} <= set(pmoi.aliases)
    expected = {
        "Maryam Rajavi": ("IRN", "OPP", "Iranian opposition leader"),
        "Farhan Haq": ("IGO", "GOV", "United Nations Secretary-General spokesman"),
        "Stef Blok": ("NLD", "GOV", "Dutch Foreign Minister"),
        "Mike Pompeo": ("USA", "GOV", "US Secretary of State"),
        "Marco Rubio": ("USA", "LEG", "US Senator"),
    }
    for name, code in expected.items():
        person = by_name(actors, name)
        assert (person.country, person.sector, person.title) == code
    coded = {(a.text, a.country, a.sector) for a in actors}
    for surface in ("security forces", "suppressive forces", "anti-riot units"):
        assert (surface, "IRN", "COP") in coded
    for surface in ("Iranian Regime", "Regime", "mullahs"):
        assert (surface, "IRN", "GOV") in coded
    assert not any(a.text.startswith("police") for a in actors)  # "police stations" is a place


def test_kazerun_quotes(kazerun) -> None:  # type: ignore[no-untyped-def]
    body, _, quotes = kazerun
    first = find_quote(quotes, body, "The people of Kazerun, particularly the youth")
    assert first.kind == "direct" and first.text.endswith("wounded in these rallies.")
    assert "…" in first.text and first.text.startswith("The people of Kazerun")
    second = find_quote(quotes, body, "These developments signal a very troubling future")
    for quote in (first, second):
        assert quote.speaker is not None
        assert quote.speaker.name == "National Council of Resistance of Iran"
        assert (quote.speaker.country, quote.speaker.sector) == ("IRN", "OPP")
        assert quote.cue == "said"
    pompeo = find_quote(quotes, body, "corruptocrats")
    assert (pompeo.kind, pompeo.text, pompeo.cue) == ("mixed", "corruptocrats", "called")
    assert pompeo.speaker is not None and pompeo.speaker.name == "Mike Pompeo"
    haq = find_quote(quotes, body, "the US is closely monitoring the situation")
    assert haq.kind == "indirect" and haq.text == "the US is closely monitoring the situation"
    assert haq.speaker is not None and haq.speaker.name == "Farhan Haq"
    for quote in quotes:
        assert body[quote.start : quote.end] == quote.text
