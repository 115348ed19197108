"""PLOVER types and modes, ACLED strings, and the PLOVER -> ACLED crosswalk.

The crosswalk follows ACLED's coding rules for the cases the trigger lexicon can tell apart:
a protest is *Peaceful protest* unless force meets it (``escalate_protest``); protesters who
use violence are *Riots / Violent demonstration*; statements get no ACLED type at all.
"""

from __future__ import annotations

from typing import Final

ACLED_EVENT_TYPES: Final = (
    "Battles",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Explosions/Remote violence",
    "Strategic developments",
)

# Sub-event type -> its ACLED event type (all 25).
ACLED_SUB_EVENT_TYPES: Final[dict[str, str]] = {
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}

PLOVER_MODES: Final[dict[str, tuple[str, ...]]] = {
    "PROTEST": ("demo", "riot", "strike-gen", "strike-lim", "strike-hun", "boycott", "obstruct"),
    "ASSAULT": (
        "firearms",
        "beat",
        "abduct",
        "torture",
        "execute",
        "sexual",
        "assassinate",
        "destroy",
        "primitive",
        "explosives",
        "suicide-attack",
        "heavy-weapons",
    ),
    "COERCE": ("arrest", "curfew", "censor", "seize", "ban", "expel", "raid", "disperse"),
}

# Statements: things said, not done. ACLED codes none of them; they may react to an event.
STATEMENT_TYPES: Final = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
)
# Things done on the ground: these take the article's focus place when the sentence has none.
PHYSICAL_TYPES: Final = frozenset({"PROTEST", "ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "AID"})

_PEACEFUL_PROTEST_MODES: Final = frozenset({"demo", "obstruct"})
# ASSAULT modes that ACLED treats as lethal force when used on protesters.
LETHAL_MODES: Final = frozenset(
    {"firearms", "execute", "assassinate", "explosives", "heavy-weapons", "suicide-attack"}
)
_ASSAULT_MODE_ACLED: Final[dict[str, str]] = {
    "abduct": "Abduction/forced disappearance",
    "sexual": "Sexual violence",
    "suicide-attack": "Suicide bomb",
    "destroy": "Looting/property destruction",
}
_COERCE_MODE_ACLED: Final[dict[str, str]] = {
    "arrest": "Arrests",
    "seize": "Looting/property destruction",
}


def acled_for(
    type_: str, mode: str | None, *, default_sub: str | None
) -> tuple[str | None, str | None]:
    """Return (ACLED event type, sub-event type) for a PLOVER type/mode, before escalation."""
    sub = _default_sub(type_, mode, default_sub)
    if sub is None:
        return None, None
    return ACLED_SUB_EVENT_TYPES[sub], sub


def _default_sub(type_: str, mode: str | None, lexicon_sub: str | None) -> str | None:
    if type_ in STATEMENT_TYPES and type_ != "AGREE":
        return None
    if lexicon_sub is not None:  # the trigger knows best: "airstrike", "IED", "ceasefire"
        return None if lexicon_sub == "-" else lexicon_sub
    if type_ == "PROTEST":
        if mode == "riot":
            return "Violent demonstration"
        return "Peaceful protest" if mode in _PEACEFUL_PROTEST_MODES else None
    if type_ == "ASSAULT":
        return _ASSAULT_MODE_ACLED.get(mode or "", "Attack")
    if type_ == "COERCE":
        return _COERCE_MODE_ACLED.get(mode or "")
    return None


def escalate_protest(current: str | None, *, lethal: bool) -> str:
    """Return the protest sub-type once force met it: lethal force outranks intervention."""
    if lethal or current == "Excessive force against protesters":
        return "Excessive force against protesters"
    return "Protest with intervention"


def check_lexicon_row(type_: str, mode: str | None, sub: str | None) -> str | None:
    """Return why a lexicon row is invalid, or None when it is fine."""
    from eventscribe.records import PLOVER_TYPES

    if type_ not in PLOVER_TYPES:
        return f"unknown PLOVER type {type_!r}"
    if mode is not None and type_ in PLOVER_MODES and mode not in PLOVER_MODES[type_]:
        return f"mode {mode!r} is not a {type_} mode"
    if sub not in (None, "-") and sub not in ACLED_SUB_EVENT_TYPES:
        return f"unknown ACLED sub-event type {sub!r}"
    return None
