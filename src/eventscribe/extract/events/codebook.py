"""ACLED codebook rules that one sentence's words decide better than the classifier does.

- **Air/drone strike**: an attack carried out by air assets is an air or drone strike, whatever
  the verb ("the Russian Air Force attacked", "warplanes bombed the town", "an aerial
  campaign"): the air asset is the attacker (the verb's subject or agent), or it names the
  attack itself.
- **Territory**: a capture ("captured", "seized", "retook", "recaptured", "overran") is
  *Government regains territory* when state forces take it and *Non-state actor overtakes
  territory* when a non-state group does; the clash fought for it in the same sentence is
  that one event (ACLED codes the battle that changes hands as the territorial event).

- **Armed victims**: violence whose victims are soldiers, police or armed fighters (and no
  civilians) is an *Armed clash*, not an *Attack* (the guide's ruling on violence with no stated
  means; an attack on civilians stays an attack).

All run after the classifier has recoded the drafts (``judge.recode``), so they have the last
word on these codes; neither touches an unreal event or a part of a protest.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from eventscribe.extract.events.drafts import Draft

__all__ = ["apply_codebook"]

AIR = "Air/drone strike"
REGAINS = "Government regains territory"
OVERTAKES = "Non-state actor overtakes territory"
ABDUCTION = "Abduction/forced disappearance"
_AIR_WORDS = frozenset(
    {
        "airstrike",
        "aircraft",
        "warplane",
        "jet",
        "bomber",
        "helicopter",
        "gunship",
        "drone",
        "aerial",
        "airforce",
    }
)
# codes an air asset may replace: the crosswalk's and the classifier's generic readings
_AIR_REPLACES = frozenset(
    {
        None,
        "Attack",
        "Armed clash",
        "Remote explosive/landmine/IED",
        "Shelling/artillery/missile attack",
    }
)
_CAPTURE_VERBS = frozenset({"capture", "seize", "overrun", "enter"})
_REGAIN_VERBS = frozenset({"recapture", "retake", "regain", "liberate"})
_STATE_SECTORS = frozenset({"MIL", "GOV", "COP"})
_NON_STATE_SECTORS = frozenset({"REB", "OPP", "CVL"})
_TERRITORY_REPLACES = frozenset({None, "Attack", "Armed clash", REGAINS, OVERTAKES})
_UNREAL = frozenset({"negated", "future", "hypothetical"})


def apply_codebook(drafts: Sequence[Draft]) -> list[Draft]:
    """Code air strikes and captures of territory; fold a sentence's clash into its capture."""
    for d in drafts:
        if d.type == "COERCE" and _captured_by_rebels(d):
            d.type, d.mode, d.acled_sub = "ASSAULT", "abduct", ABDUCTION
        if d.type != "ASSAULT" or d.part_of_protest or _UNREAL & set(d.contexts):
            continue
        if d.acled_sub in _AIR_REPLACES and _by_air(d.anchor):
            d.acled_sub = AIR
        elif d.acled_sub in _TERRITORY_REPLACES and (side := _capture_side(d)) is not None:
            d.acled_sub = side
        elif d.acled_sub == "Attack" and (victims := _victims(d)) is not None:
            d.acled_sub = victims
    return _fold_clashes(list(drafts))


def _by_air(anchor: Token) -> bool:
    """Tell whether air assets carry out the attack ("jets bombed", "an air campaign",
    "warplanes retaliated with heavily bombing the town")."""
    if _is_air(anchor) or any(_is_air(c) for c in anchor.children if c.dep_ in _MODIFIERS):
        return True
    return any(_is_air(t) for a in _agents(anchor) for t in _head_words(a))


def _agents(anchor: Token) -> list[Token]:
    """The doer of the anchor: its subject or passive agent, or that of the verb it
    completes ("retaliated with bombing", "began striking")."""
    for verb in (anchor, *_governors(anchor)):
        agents = [c for c in verb.children if c.dep_ in ("nsubj", "agent")]
        agents += [g for a in agents if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
        if agents:
            return agents
    return []


def _governors(tok: Token) -> list[Token]:
    """The verbs above a complement ("with bombing", "to strike"), nearest first."""
    out = []
    while tok.dep_ in ("pcomp", "xcomp", "pobj", "prep") and tok.head.i != tok.i:
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            out.append(tok)
    return out


_MODIFIERS = frozenset({"compound", "amod", "nmod"})


def _head_words(tok: Token) -> list[Token]:
    """The noun and its compounds and modifiers ("the Russian Air Force", "Turkish jets")."""
    return [tok, *(c for c in tok.children if c.dep_ in _MODIFIERS)]


def _is_air(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma in _AIR_WORDS or lemma.rstrip("s") in _AIR_WORDS:
        return True
    if lemma == "force" and any(c.lower_ == "air" for c in tok.children):
        return True  # "the Air Force"
    return lemma in ("air", "plane") and tok.dep_ in _MODIFIERS | {"nsubj"}


def _capture_side(d: Draft) -> str | None:
    """Return the territorial code of a capture by its taker's side, or None.

    The coded source actors decide; without one, the taker's own words do ("the army",
    "government forces" against "rebels", "militants").
    """
    verb = d.anchor.lemma_.lower()
    if verb not in _CAPTURE_VERBS | _REGAIN_VERBS or d.anchor.pos_ != "VERB":
        return None
    if verb in _CAPTURE_VERBS and _abroad(d):
        return None  # "Israel captured the Sinai from Egypt": a conquest, not a regain
    sectors = _taker_sectors(d)
    if sectors & _STATE_SECTORS and not sectors & _NON_STATE_SECTORS:
        return REGAINS
    if sectors & _NON_STATE_SECTORS and not sectors & _STATE_SECTORS:
        return OVERTAKES
    return None


def _captured_by_rebels(d: Draft) -> bool:
    """Tell a capture of persons by a non-state group (an abduction) from an arrest."""
    if d.anchor.lemma_.lower() != "capture" or d.mode != "arrest":
        return False
    sectors = _taker_sectors(d)
    return "REB" in sectors and not sectors & _STATE_SECTORS


def _taker_sectors(d: Draft) -> set[str]:
    """The taker's sectors: the coded source actors, else the taker's own words."""
    sectors = {a.sector for a in d.sources if a.sector}
    if sectors:
        return sectors
    words = {t.lemma_.lower() for a in _agents(d.anchor) for t in a.subtree}
    non_state = bool(words & _NON_STATE_WORDS)
    state = bool(words & _STATE_WORDS) or ("force" in words and not non_state)
    return ({"MIL"} if state else set()) | ({"REB"} if non_state else set())


def _abroad(d: Draft) -> bool:
    """Tell a capture by one country's forces in another country ("from Egypt")."""
    own = {a.country for a in d.sources if a.country and len(a.country) == 3}
    where = d.location.country if d.location is not None else None
    source = any(
        c.dep_ == "prep" and c.lower_ == "from" and any(g.ent_type_ == "GPE" for g in c.children)
        for c in d.anchor.children
    )
    return bool(own) and ((where is not None and where not in own) or source)


_STATE_WORDS = frozenset(
    {"army", "military", "troop", "soldier", "government", "regime", "police", "saa"}
)
_NON_STATE_WORDS = frozenset(
    {
        "rebel",
        "militant",
        "insurgent",
        "jihadist",
        "militia",
        "isis",
        "isil",
        "taliban",
        "fighter",
        "terrorist",
        "guerrilla",
        "democratic",
        "opposition",
    }
)


def _victims(d: Draft) -> str | None:
    """Return "Armed clash" for violence on armed victims only (soldiers, police, fighters)."""
    words = {t.lemma_.lower() for t in d.patients} | {t.lower_ for t in d.patients}
    sectors = {a.sector for a in d.targets if a.sector}
    armed = bool(words & ARMED_WORDS or sectors & ARMED_SECTORS)
    civil = bool(words & _CIVILIAN_WORDS or "CVL" in sectors)
    return "Armed clash" if armed and not civil else None


ARMED_SECTORS = frozenset({"MIL", "COP", "REB"})
ARMED_WORDS = frozenset(
    {
        "soldier",
        "troop",
        "policeman",
        "policemen",
        "police",
        "officer",
        "peacekeeper",
        "fighter",
        "militant",
        "rebel",
        "guard",
        "gunman",
        "insurgent",
        "jihadist",
        "commando",
        "serviceman",
        "servicemen",
        "trooper",
        "militiaman",
        "combatant",
        "marine",
    }
)
_CIVILIAN_WORDS = frozenset(
    {
        "civilian",
        "child",
        "children",
        "woman",
        "women",
        "villager",
        "resident",
        "worshipper",
        "student",
        "passenger",
        "pilgrim",
        "farmer",
        "journalist",
        "protester",
        "demonstrator",
    }
)


def _fold_clashes(drafts: list[Draft]) -> list[Draft]:
    """Fold a clash told in the same sentence as a capture into it: the capture is the event."""
    captures = {d.segment.index: d for d in drafts if d.acled_sub in (REGAINS, OVERTAKES)}
    out = []
    for d in drafts:
        into = captures.get(d.segment.index)
        if into is None or d is into or not _is_clash(d):
            out.append(d)
            continue
        into.targets += [a for a in d.targets if a not in into.targets]
        for key, count in d.counts.items():
            into.counts.setdefault(key, count)  # "captured the town after killing 20"
        into.strength = max(into.strength, d.strength)
    return out


def _is_clash(d: Draft) -> bool:
    return (
        d.type == "ASSAULT"
        and d.acled_sub in ("Armed clash", "Attack", None)
        and not _UNREAL & set(d.contexts)
        and not d.part_of_protest
    )
