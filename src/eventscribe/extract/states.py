"""State and province abbreviations that qualify a town: "Springfield, Ill.", "Barrie, Ont.".

Local news writes "City, ST" with the AP stylebook's state abbreviations or postal codes
(Canadian Press abbreviations in Canada); the abbreviation names the town's admin1.
"""

from __future__ import annotations

import re

# AP stylebook abbreviations (states it spells out, such as Texas and Ohio, are found by name).
AP_STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "D.C.": "District of Columbia",
    "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Kans.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi",
    "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nebr.": "Nebraska",
    "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico",
    "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Oreg.": "Oregon", "Pa.": "Pennsylvania", "Penn.": "Pennsylvania",
    "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Tex.": "Texas", "Vt.": "Vermont", "Va.": "Virginia",
    "Wash.": "Washington", "W.Va.": "West Virginia", "W. Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wisc.": "Wisconsin", "Wyo.": "Wyoming",
}  # fmt: skip
POSTAL_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}  # fmt: skip
# Canadian Press abbreviations (its postal codes "ON", "BC" are left out: too many collisions).
CP_PROVINCES = {
    "Alta.": "Alberta", "B.C.": "British Columbia", "Man.": "Manitoba", "N.B.": "New Brunswick",
    "Nfld.": "Newfoundland and Labrador", "N.L.": "Newfoundland and Labrador",
    "N.S.": "Nova Scotia", "N.W.T.": "Northwest Territories", "Ont.": "Ontario",
    "P.E.I.": "Prince Edward Island", "Que.": "Quebec", "Sask.": "Saskatchewan",
}  # fmt: skip
_ADMIN1 = {
    **{k: (v, "USA") for k, v in [*AP_STATES.items(), *POSTAL_STATES.items()]},
    **{k: (v, "CAN") for k, v in CP_PROVINCES.items()},
}
_ABBREVIATIONS = sorted(_ADMIN1, key=len, reverse=True)
# A comma, then an abbreviation that no letter continues ("Ill." but not "Illinois", "CA" but
# not "CAIR"). Matched case-sensitively: "in" or "me" after a comma is not a state.
_STATE_AFTER = re.compile(
    r"[ \t]*,[ \t]*(?P<state>" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![A-Za-z])"
)


def state_after(text: str, end: int) -> tuple[int, int, str, str] | None:
    """Return (start, end, admin1 name, alpha-3) of a ", ST" abbreviation right after ``end``."""
    match = _STATE_AFTER.match(text, end)
    if match is None:
        return None
    name, country = _ADMIN1[match["state"]]
    return match.start("state"), match.end("state"), name, country


def standalone_state(text: str) -> tuple[str, str] | None:
    """Return (admin1 name, alpha-3) of an abbreviation that names its state on its own.

    Only the dotted initials ("B.C.", "N.Y.", "P.E.I."): "Ill." or "Mo." alone is as often
    something else, and "CA" or "ME" is a word or a code.
    """
    found = _ADMIN1.get(text.strip())
    return found if found is not None and text.count(".") >= 2 else None


def dateline_state(region: str) -> tuple[str, str] | None:
    """Return (admin1 name, alpha-3) of the region slot of a dateline, dotted or not.

    "EDMONTON, Ky (WBKO) --": in a dateline the slot after the town's comma is its state, so
    the AP abbreviation without its full stop ("Ky", "Ill") names it too.
    """
    region = region.strip()
    return _ADMIN1.get(region) or _ADMIN1.get(region + ".")
