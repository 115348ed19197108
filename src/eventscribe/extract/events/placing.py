"""Put an event where its sentence says it happened: a learned pick among the sentence's places.

Each draft gets its options: every place the place stage found in its segment, the proper nouns
in a locative position it did not return (``recovering``, flagged "recovered" so the model
learns how far to trust them), plus "no place in this sentence". Each option is described by a
few features (the preposition and what it hangs on, tree and token distance to the trigger,
whether the place modifies a noun, is what the trigger acts on ("stormed Qabasin"), sits inside
another place's phrase or under another trigger, its precision, the event's kind), and next
to each feature how far the option stands from the other options' highest and lowest value of
it (a tree scores one option at a time, so it is told what the others are). Boosted trees,
trained by ``scripts/train_place_picker.py`` on the tuning half of the real event-location
sentences, score them; the best one wins. The trees are a JSON file in the package, scored
with numpy (all trees walked at once).

Six rules stay, because they encode a role rather than a preference: where an official
speaker sits ("a spokesman in Goma said") is never the event's place, nor is the place that
does the act ("Turkey deployed troops"); a statement only takes the place it was said in
("said in Paris"), and so does an anaphoric mention of an event told before ("these
protests"); an event with its own "in X" does not take the place another trigger's "in Y" sets
("arrested journalists in Cairo and attacked a convoy in Giza"); an event told as background
("days after the killing of five in Rangpur") only takes a place inside its own phrase, not
the main clause's. When "no place" wins, a physical event takes the article's focus place,
with its precision and no span (text "", start = end = 0).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
from spacy.tokens import Token

from eventscribe.errors import ModelError
from eventscribe.extract import taxonomy as tx
from eventscribe.extract.events.args import (
    ArticleIndex,
    clause_verb,
    is_title_place,
    speaker_place,
)
from eventscribe.extract.events.drafts import Draft
from eventscribe.extract.events.recovering import Recovered
from eventscribe.extract.events.triggers import Segment
from eventscribe.parse import doc_ents
from eventscribe.records import Place

__all__ = [
    "FEATURES",
    "PlaceChooser",
    "PlaceOption",
    "PlacePicker",
    "TreeEnsemble",
    "default_place_picker",
    "in_context",
    "in_segment",
    "load_place_picker",
    "locate",
    "option_matrix",
    "owning_anchor",
    "place_options",
    "said_of",
]

PACKAGED = "place-picker.json"
FORMAT_VERSION = 2

_PREPS: dict[str, str] = {
    "in": "in", "at": "at", "on": "on", "from": "from", "of": "of", "to": "to",
    "into": "to", "toward": "to", "towards": "to", "near": "near", "outside": "near",
    "inside": "near", "around": "near", "across": "across", "throughout": "across",
    "within": "near", "along": "near", "between": "near", "by": "by", "over": "across",
    "against": "against", "for": "for", "with": "with",
}  # fmt: skip
_PREP_GROUPS = tuple(dict.fromkeys(_PREPS.values()))
_DEPS = ("nsubj", "dobj", "pobj", "compound", "amod", "poss", "appos", "conj", "npadvmod")
_PRECISIONS = ("city", "admin2", "admin1", "country", "continent")

FEATURES: tuple[str, ...] = (
    "none", "none_physical", "none_statement", "none_options", "none_linked",
    "physical", "statement",
    "said_of", "said_of_other", "other_linked", "speech_clause",
    "host_anchor", "host_object", "host_verb", "host_other_verb", "host_head",
    *(f"prep_{g}" for g in _PREP_GROUPS), "prep_other", "not_pobj", "area_of",
    *(f"dep_{d}" for d in _DEPS), "dep_other",
    "below_anchor", "tree_dist", "tok_dist", "before", "nearest", "nearest_linked", "first",
    "modifier", "demonym", "country_alias", "title_place", "agent", "acted_on",
    "owner_mine", "owner_other", "owner_free",
    "inner", "outer", "conj_of_linked",
    *(f"prec_{p}" for p in _PRECISIONS), "unresolved", "dateline", "upper",
    "recovered", "recovered_person", "recovered_org", "recovered_bare", "recovered_cued",
    "recovered_actor", "recovered_object", "recovered_known", "recovered_titled",
)  # fmt: skip


_COLUMN = {name: n for n, name in enumerate(FEATURES)}


@dataclass(frozen=True, slots=True)
class PlaceOption:
    """One answer to "where did this event happen": a place of the sentence, or none."""

    place: Place | None
    root: Token | None
    features: dict[str, float]


class PlaceChooser(Protocol):
    """Anything that picks one of a draft's place options (the picker, or a recorder)."""

    def choose(self, anchor: Token, options: Sequence[PlaceOption]) -> PlaceOption: ...


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """Regression trees stored flat: node ``n`` tests ``x[feature[n]] <= threshold[n]``.

    A leaf has ``left[n] == -1`` and its ``value[n]``; ``roots`` are the trees' first nodes.
    The score of a row is the sum of its leaves' values.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return each row's summed leaf value, walking every tree one level per step."""
        node = np.tile(self.roots, (len(x), 1))
        rows = np.arange(len(x))[:, None]
        while (inner := self.left[node] >= 0).any():
            f = self.feature[node]
            go_left = x[rows, f] <= self.threshold[node]
            step = np.where(go_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        total: np.ndarray = self.value[node].sum(axis=1)
        return total


def option_matrix(options: Sequence[PlaceOption]) -> np.ndarray:
    """Return one draft's options as rows of ``FEATURES``, with their context (``in_context``)."""
    x = np.zeros((len(options), len(FEATURES)))
    for row, option in enumerate(options):
        for name, value in option.features.items():
            x[row, _COLUMN[name]] = value
    return in_context(x)


def in_context(x: np.ndarray) -> np.ndarray:
    """Follow each feature of one draft's options by its distance to their max and their min."""
    return np.hstack([x, x - x.max(axis=0), x - x.min(axis=0)])


@dataclass(frozen=True, slots=True)
class PlacePicker:
    """A scorer over option features; the highest-scoring option wins."""

    trees: TreeEnsemble
    meta: dict[str, object]

    def scores(self, options: Sequence[PlaceOption]) -> np.ndarray:
        """Return each option's score (its log-odds of being the place, up to a constant)."""
        return self.trees.predict(option_matrix(options))

    def choose(self, anchor: Token, options: Sequence[PlaceOption]) -> PlaceOption:
        """Return the best option (the first on ties, so "no place")."""
        return options[int(np.argmax(self.scores(options)))]


def load_place_picker(path: Path | None = None) -> PlacePicker:
    """Load a picker's trees, by default the ones shipped in the package."""
    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        data = json.loads(source.read_text("utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {data.get('format')} is not {FORMAT_VERSION}")
        if data["features"] != list(FEATURES):
            raise ValueError("its features are not the ones the code computes")
        t = data["trees"]
        trees = TreeEnsemble(
            feature=np.array(t["feature"], dtype=np.intp),
            threshold=np.array(t["threshold"], dtype=float),
            left=np.array(t["left"], dtype=np.intp),
            right=np.array(t["right"], dtype=np.intp),
            value=np.array(t["value"], dtype=float),
            roots=np.array(t["roots"], dtype=np.intp),
        )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ModelError(
            f"cannot load the place picker from {source}: {exc}; rebuild it with "
            "`python scripts/train_place_picker.py` or reinstall eventscribe"
        ) from exc
    return PlacePicker(trees=trees, meta=dict(data.get("meta", {})))


@cache
def default_place_picker() -> PlacePicker:
    """Return the packaged picker, loaded once (for callers that inject none)."""
    return load_place_picker()


def locate(
    d: Draft,
    index: ArticleIndex,
    anchors: set[int],
    fallback: Place | None,
    *,
    chooser: PlaceChooser,
) -> Place | None:
    """Return the draft's place: the chosen place of its sentence, else the focus place."""
    options = place_options(d, index, anchors)
    if d.type in tx.STATEMENT_TYPES or d.type == "SANCTION":
        return options[1].place if len(options) > 1 else None  # where it was said, if told
    picked = chooser.choose(d.anchor, options)
    if picked.place is not None:
        return picked.place
    if d.type not in tx.PHYSICAL_TYPES:
        return None
    # "TEHRAN (Reuters) - Workers went on strike": the dateline says where it was filed, not
    # where the sentence sets the event, but it is a better guess than the article's focus.
    dateline = [o.place for o in options if o.features.get("dateline")]
    return _unspanned(dateline[0] if dateline else fallback)


def place_options(d: Draft, index: ArticleIndex, anchors: set[int]) -> list[PlaceOption]:
    """Return "no place" and each place of the draft's segment it may have happened at."""
    anchor, seg = d.anchor, d.segment
    pairs = [*index.places, *((r.place, r.root) for r in index.recovered)]
    found = [
        (p, r)
        for p, r in pairs
        if in_segment(r, seg) and not speaker_place(r, anchor) and not _does_the_act(r, anchor)
    ]
    if d.type in tx.STATEMENT_TYPES or d.type == "SANCTION" or d.anaphoric:
        # "said in Paris"; "these protests, like the uprising that began in Mashhad": a
        # statement is where it was said, an event told before keeps the place it was told at
        found = [(p, r) for p, r in found if said_of(r, anchor)]
    if anchor.dep_ == "pobj" and anchor.head.lower_ in _BACKGROUND:
        found = [(p, r) for p, r in found if anchor in r.ancestors]  # "after the killing in X"
    group = _group(d.type)
    linked = [(p, r) for p, r in found if said_of(r, anchor)]
    if linked:  # "arrested journalists in Cairo and attacked a convoy in Giza": each its own
        others = [index.doc[a] for a in anchors if a != anchor.i]
        found = [(p, r) for p, r in found if _is_own(r, anchor, others)]
    options = [PlaceOption(None, None, _none_features(group, found, linked))]
    context = _Context(anchor, anchors, found, linked)
    recovered = {id(r.place): r for r in index.recovered}
    for place, root in found:
        features = _features(place, root, context, group)
        if (r := recovered.get(id(place))) is not None:
            features.update(_recovered_features(r, index))
        options.append(PlaceOption(place, root, features))
    return options


def _does_the_act(root: Token, anchor: Token) -> bool:
    """Tell the place that is the trigger verb's agent ("Turkey deployed troops to the border")."""
    return root.dep_ == "nsubj" and root.head.i == anchor.i and anchor.pos_ == "VERB"


def _recovered_features(r: Recovered, index: ArticleIndex) -> dict[str, float]:
    """Say what a name the place stage did not return is: tagged a person, an organisation..."""
    f = {"recovered": 1.0, "recovered_cued": float(r.cued)}
    f["recovered_object"] = float(r.position == "object")  # "targeting X", not "in X"
    f["recovered_known"] = float(r.known)
    f["recovered_titled"] = float(r.titled)
    if r.label == "PERSON":
        f["recovered_person"] = 1.0
    elif r.label in ("ORG", "NORP"):
        f["recovered_org"] = 1.0
    elif not r.label:
        f["recovered_bare"] = 1.0
    span = index.doc.char_span(r.place.start, r.place.end, alignment_mode="expand")
    f["recovered_actor"] = float(span is not None and any(t.i in index.actor_tokens for t in span))
    return f


@dataclass(frozen=True, slots=True)
class _Context:
    anchor: Token
    anchors: set[int]
    found: list[tuple[Place, Token]]
    linked: list[tuple[Place, Token]]


def _is_own(root: Token, anchor: Token, others: Sequence[Token]) -> bool:
    """Tell a place not set on another trigger only ("attacked a convoy in Giza")."""
    return said_of(root, anchor) or not any(said_of(root, o) for o in others)


def _group(type_: str) -> str:
    if type_ in tx.PHYSICAL_TYPES:
        return "physical"
    return "statement" if type_ in tx.STATEMENT_TYPES else "other"


def _none_features(
    group: str, found: Sequence[tuple[Place, Token]], linked: Sequence[tuple[Place, Token]]
) -> dict[str, float]:
    return {
        "none": 1.0,
        "none_physical": float(group == "physical"),
        "none_statement": float(group == "statement"),
        "none_options": math.log1p(len(found)),
        "none_linked": float(bool(linked)),
    }


def _features(place: Place, root: Token, c: _Context, group: str) -> dict[str, float]:
    anchor = c.anchor
    f: dict[str, float] = {"physical": float(group == "physical")}
    f["statement"] = float(group == "statement")
    f.update(_prep_features(root, anchor))
    f[_dep_name(root)] = 1.0
    f["below_anchor"] = float(anchor in root.ancestors)
    f["tree_dist"] = math.log1p(_tree_distance(root, anchor))
    f["tok_dist"] = math.log1p(abs(root.i - anchor.i))
    f["before"] = float(root.i < anchor.i)
    nearest = min(c.found, key=lambda pr: abs(pr[1].i - anchor.i))
    f["nearest"] = float(nearest[0] is place)
    near_linked = min(c.linked, key=lambda pr: abs(pr[1].i - anchor.i), default=None)
    f["nearest_linked"] = float(near_linked is not None and near_linked[0] is place)
    f["first"] = float(min(c.found, key=lambda pr: pr[1].i)[0] is place)
    f["modifier"] = float(_is_modifier(root) and _area_head(root) is None)
    f["demonym"] = float(_is_demonym(place, root))
    alias = place.text.casefold().replace(".", "") != place.name.casefold()
    f["country_alias"] = float(place.feature == "country" and alias and not f["demonym"])
    f["title_place"] = float(not _is_whole_entity(root, place) and is_title_place(root))
    f["agent"] = float(root.dep_ in ("nsubj", "nsubjpass") or root.head.dep_ == "agent")
    f["acted_on"] = float(_acted_on(root, anchor))
    owner = owning_anchor(root, c.anchors)
    key = "owner_free" if owner is None else "owner_mine" if owner == anchor.i else "owner_other"
    f[key] = 1.0
    doc = root.doc
    f["said_of_other"] = float(any(said_of(root, doc[a]) for a in c.anchors if a != anchor.i))
    f["other_linked"] = float(bool(c.linked) and all(p is not place for p, _ in c.linked))
    f.update(_nesting(place, root, c))
    f[_precision_name(place)] = 1.0
    f["dateline"] = float(_in_dateline(root, anchor))
    f["upper"] = float(place.text.isupper() and len(place.text) > 3)
    return f


def _prep_features(root: Token, anchor: Token) -> dict[str, float]:
    f: dict[str, float] = {"said_of": float(said_of(root, anchor))}
    if (area := _area_head(root)) is not None:
        f["area_of"] = 1.0  # "in the city of Basra": the preposition is on "city"
        root = area
    if root.dep_ != "pobj":
        f["not_pobj"] = 1.0
        return f
    prep = root.head
    f[f"prep_{_PREPS[prep.lower_]}" if prep.lower_ in _PREPS else "prep_other"] = 1.0
    host = prep.head
    if host.dep_ == "acl" and host.tag_ == "VBN":
        host = host.head  # "a truce signed in Rome"
    verb = clause_verb(anchor)
    if host.i == anchor.i:
        f["host_anchor"] = 1.0
    elif host.head.i == anchor.i and host.dep_ in ("dobj", "nsubjpass", "attr", "pobj"):
        f["host_object"] = 1.0
    elif host.i == anchor.head.i:
        f["host_head"] = 1.0
    elif host.i == verb.i:
        subject = anchor.dep_ in ("nsubj", "nsubjpass")
        f["host_verb" if subject else "host_other_verb"] = 1.0
    if host.pos_ == "VERB" and host.lemma_.lower() in _SPEECH and host.i != anchor.i:
        f["speech_clause"] = 1.0  # "Speaking in Paris, the minister condemned ...": the speaker's
    return f


def _acted_on(root: Token, anchor: Token) -> bool:
    """Tell the place a trigger acts on: "stormed Qabasin", "targeting the village of Kawkab"."""
    tok = _area_head(root) or root  # "the village of Kawkab"
    while tok.dep_ in ("compound", "amod", "nmod", "appos", "poss") and tok.head.i != tok.i:
        tok = tok.head  # "the Al-Bab Plateau's southern flank", "Tal Sukeek hilltop"
    return tok.dep_ in ("dobj", "nsubjpass") and tok.head.i == anchor.i


def _dep_name(root: Token) -> str:
    dep = root.dep_
    if dep == "nsubjpass":
        dep = "nsubj"
    if dep == "nmod":
        dep = "compound"
    if root.pos_ == "ADJ" and dep != "pobj":
        dep = "amod"
    return f"dep_{dep}" if dep in _DEPS else "dep_other"


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a, *a.ancestors]
    up_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, t in enumerate(up_a):
        if t.i in up_b:
            return n + up_b[t.i]
    return len(up_a) + len(up_b)  # different sentences of one segment


def _nesting(place: Place, root: Token, c: _Context) -> dict[str, float]:
    """Tell "Sharifah" (inner) from "Palmyra" (outer) in "the village of Sharifah in Palmyra"."""
    f: dict[str, float] = {}
    for other, other_root in c.found:
        if other is place:
            continue
        if other_root in root.ancestors and _chain(root, other_root):
            f["inner"] = 1.0
        if root in other_root.ancestors and _chain(other_root, root):
            f["outer"] = 1.0
        if other_root in root.conjuncts and any(other is p for p, _ in c.linked):
            f["conj_of_linked"] = 1.0  # "in Thessaloniki, Patras and Heraklion"
    return f


def _precision_name(place: Place) -> str:
    if place.feature is None:
        return "unresolved"
    if place.feature == "continent":
        return "prec_continent"
    precision = place.precision or ("country" if place.feature == "country" else "city")
    return "prec_city" if precision == "point" else f"prec_{precision}"


def _in_dateline(root: Token, anchor: Token) -> bool:
    """Tell "KABUL, Afghanistan (AP) — ...": a place before the dateline's dash."""
    sent = root.sent
    for tok in sent:
        if tok.i >= anchor.i or tok.i - sent.start > 12:
            return False
        if tok.text in ("—", "--", "–", "-") and tok.i > root.i:
            return True
    return False


def in_segment(tok: Token, seg: Segment) -> bool:
    """Tell whether a token lies in a segment."""
    return seg.span.start <= tok.i < seg.span.end


def owning_anchor(tok: Token, anchors: set[int]) -> int | None:
    """Return the nearest trigger anchor above a token in the parse, if any."""
    for anc in tok.ancestors:
        if anc.i in anchors:
            return anc.i
    return None


def _unspanned(place: Place | None) -> Place | None:
    """Return the article's focus place as a fallback: its precision, but no span here.

    The sentence does not name where the event happened (the picker said so), so the location
    must not point at a mention, here or elsewhere.
    """
    return None if place is None else replace(place, text="", start=0, end=0)


def _chain(inner: Token, outer: Token) -> bool:
    """Say whether ``inner`` hangs on ``outer`` through place-qualifying links only."""
    tok = inner
    while tok.i != outer.i:
        if tok.dep_ not in _QUALIFYING or tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


_QUALIFYING = frozenset({"pobj", "prep", "poss", "compound", "appos", "npadvmod", "nmod"})

_SETTING_PREPS = frozenset(
    {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "within"}
)


def said_of(root: Token, anchor: Token) -> bool:
    """Tell "marched in Nairobi", "stormed the building in Basra": a place the event is set in.

    The preposition hangs on the trigger, on the verb of a subject trigger ("a strike killed
    five in Kharkiv"), on the trigger's object, or on a participle describing the trigger or
    its object ("a truce signed in Rome", "the curfew imposed in the city of Basra");
    "travelled from Mombasa" or a dateline is not.
    """
    root = _area_head(root) or root  # "in the city of Basra", "in the northern Hama countryside"
    prep = root.head
    if root.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in _SETTING_PREPS:
        return False
    host = prep.head
    if host.dep_ == "acl" and host.tag_ == "VBN":
        host = host.head  # "a truce signed in Rome": where the truce was
    subject = anchor.dep_ in ("nsubj", "nsubjpass") and host.i == clause_verb(anchor).i
    if host.i == anchor.i or subject:
        return True
    return host.dep_ in ("dobj", "nsubjpass") and host.head.i == anchor.i


# "days after the killing of five in Rangpur": an earlier event told as background
_BACKGROUND = frozenset({"after", "before", "since", "following"})

_SPEECH = frozenset({
    "say", "speak", "tell", "announce", "condemn", "add", "state", "declare", "claim", "report",
    "note", "warn", "urge", "write", "comment", "confirm", "deny", "talk", "address", "brief",
})  # fmt: skip

_AREAS = frozenset({
    "city", "town", "village", "province", "district", "region", "state", "county", "capital",
    "neighbourhood", "neighborhood", "suburb", "quarter", "area", "villages", "governorate",
    "countryside", "sector",
})  # fmt: skip


def _area_head(root: Token) -> Token | None:
    """Return the area noun a place names: "the city of Basra", "the northern Hama countryside".

    The preposition that sets the place hangs on that noun, not on the name.
    """
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _AREAS:
        return root.head.head
    if root.dep_ in ("compound", "amod", "nmod") and root.head.lower_ in _AREAS:
        return root.head
    return None


def _is_modifier(root: Token) -> bool:
    """Tell a demonym or country modifying a noun ("a Russian missile strike")."""
    if root.dep_ == "amod" or (root.pos_ == "ADJ" and root.dep_ != "pobj"):
        return True
    return (
        root.dep_ in ("compound", "nmod")
        and root.head.pos_ in ("NOUN", "PROPN")
        and (root.ent_type_ == "NORP" or root.tag_ in ("JJ", "NNPS"))
    )


def _is_demonym(place: Place, root: Token) -> bool:
    """Tell "Syrian" in "the Syrian Arab Army", "U.S. forces": a country named as an adjective."""
    if place.feature != "country" or root.dep_ not in ("compound", "amod", "nmod"):
        return False
    return place.text.casefold().replace(".", "") != place.name.casefold()


def _is_whole_entity(root: Token, place: Place) -> bool:
    """Tell a place the tagger called ORG as a whole ("Al-Raqqa"), not one inside a name."""
    ent = next((e for e in doc_ents(root.doc) if e.start <= root.i < e.end), None)
    if ent is None or ent.label_ != "ORG":
        return False
    first = ent[1] if ent[0].lower_ == "the" and len(ent) > 1 else ent[0]
    return place.start <= first.idx and ent.end_char <= place.end
