"""Domain and sense checks for events: sport, market, crime, disaster and culture news.

Word lists and the checks built on them: ``sentence_veto`` scales down one sentence about sport,
markets or ordinary crime, ``article_domain`` scales down a whole article that is off-domain,
and ``habitual`` tells a sentence about what usually happens from a report.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from eventscribe.extract.events.codebook import ARMED_SECTORS, ARMED_WORDS
from eventscribe.parse import doc_tokens
from eventscribe.records import Actor

__all__ = ["article_domain", "habitual", "sentence_veto"]

_SPORT = frozenset(
    [
        "match",
        "goal",
        "league",
        "midfielder",
        "penalty",
        "tournament",
        "championship",
        "cup",
        "football",
        "soccer",
        "cricket",
        "tennis",
        "basketball",
        "coach",
        "fixture",
        "kick-off",
        "half-time",
        "goalkeeper",
    ]
)
_FINANCE = frozenset(
    [
        "share",
        "stock",
        "index",
        "investor",
        "dividend",
        "earnings",
        "bond",
        "currency",
        "nasdaq",
        "dow",
    ]
)
# Article-level only: too common in news to scale down a single sentence ("attacked a market").
_SPORT_WORDS = _SPORT | {
    "goalkeeper",
    "stadium",
    "referee",
    "derby",
    "equaliser",
    "equalizer",
    "whistle",
    "season",
    "fan",
    "scorer",
}
# "trader" and "percent" only count for the article: market traders protest, turnout is in percent.
_MARKET_WORDS = _FINANCE | {
    "inflation",
    "yield",
    "analyst",
    "exporter",
    "speculator",
    "market",
    "trader",
    "percent",
}
_CRIME = frozenset(
    (
        "robbery",
        "burglary",
        "theft",
        "burglar",
        "robber",
        "thief",
        "mugging",
        "shoplifting",
        "stabbing",
        "stab",
        "burgle",
        "murder",
        "manslaughter",
        "detective",
        "fraud",
        "custody",
    )
)
_DISASTER = frozenset(
    (
        "earthquake",
        "quake",
        "magnitude",
        "aftershock",
        "flood",
        "flooding",
        "landslide",
        "storm",
        "hurricane",
        "cyclone",
        "typhoon",
        "tsunami",
        "wildfire",
        "eruption",
        "drought",
        "rescuer",
    )
)
_CULTURE = frozenset(
    (
        "film",
        "festival",
        "album",
        "concert",
        "novel",
        "premiere",
        "actor",
        "actress",
        "jury",
        "audience",
        "theatre",
        "exhibition",
        "cinema",
        "screening",
        "ovation",
        "cast",
        "prize",
    )
)
# Words of political conflict: an article with as many of these is news, whatever else it has.
_POLITICAL = frozenset(
    (
        "protester",
        "demonstrator",
        "rioter",
        "soldier",
        "troop",
        "army",
        "military",
        "rebel",
        "militant",
        "militia",
        "insurgent",
        "jihadist",
        "activist",
        "opposition",
        "regime",
        "junta",
        "ceasefire",
        "truce",
        "parliament",
        "ministry",
        "minister",
        "election",
        "coup",
        "crackdown",
        "airstrike",
        "paramilitary",
        "government",
        "union",
        "sanction",
    )
)


# Perpetrators that make a killing more than ordinary crime (GUIDE.md, non-events: "killings of
# civilians by gunmen, unidentified attackers, militants, police or soldiers are Attack").
# (the codebook's armed people, as words of an actor's text, and the groups they form)
_ARMED_AGENTS = ARMED_WORDS | {
    "gunmen", "soldiers", "troops", "army", "militia", "terrorist", "paramilitary", "rebels",
}  # fmt: skip


def sentence_veto(span: Span, agents: Sequence[Actor] = ()) -> float:
    """Scale down sentences about sport, markets or ordinary crime.

    ``agents`` are the event's perpetrators: violence by police, soldiers, gunmen or militants
    is not ordinary crime, so the crime words do not scale it down.
    """
    lemmas = {t.lemma_.lower() for t in span if not _portion(t)}
    factor = 0.3 if lemmas & (_SPORT | _FINANCE) else 1.0
    if _armed(agents):
        return factor
    return factor * (0.4 if lemmas & _CRIME else 1.0)


def _portion(t: Token) -> bool:
    """Tell "share" in "its share of battles" (a portion) from shares on a market."""
    nxt = t.nbor() if t.i + 1 < len(t.doc) else None
    return t.lower_ == "share" and nxt is not None and nxt.lower_ == "of"


def _armed(agents: Sequence[Actor]) -> bool:
    words = {w for a in agents for w in f"{a.text} {a.name}".lower().split()}
    return any(a.sector in ARMED_SECTORS for a in agents) or bool(words & _ARMED_AGENTS)


def article_domain(doc: Doc) -> float:
    """Return a factor below 1 for articles about sport, markets, crime, disasters or culture.

    An article is off-domain when it has at least three distinct words of one such field and
    fewer words of political conflict (police alone is not political: it is in crime news).
    """
    tokens = doc_tokens(doc)
    lemmas = {lemma.lower() for lemma in tokens.lemma} | set(tokens.lower)
    political = len(lemmas & _POLITICAL)
    fields = (_SPORT_WORDS, _MARKET_WORDS, _CRIME, _DISASTER, _CULTURE)
    worst = max(len(lemmas & words) for words in fields)
    return 0.25 if worst >= 3 and worst > political else 1.0


def habitual(span: Span) -> bool:
    """Tell a sentence about what usually happens ("almost every summer", "each year")."""
    words = [t.lower_ for t in span]
    pairs = set(itertools.pairwise(words))
    return any(p[0] in ("every", "each") and p[1] in _PERIODS for p in pairs) or bool(
        set(words) & {"usually", "routinely", "regularly", "traditionally"}
    )


_PERIODS = frozenset(
    ["day", "week", "month", "year", "summer", "winter", "spring", "autumn", "season"]
)
