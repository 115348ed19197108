"""Trigger lexicon, sentence segments and trigger candidates for the events stage.

``score_sentence`` finds the lexicon's ``Candidate``s (type, mode, score, anchor) in a span;
the sentence classifier reads them as features and may add its own (``event_judge``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from eventscribe.errors import ModelError
from eventscribe.extract import taxonomy as tx
from eventscribe.extract.events.args import agent_heads, is_crowd
from eventscribe.parse import doc_ents, doc_tokens, span_text, span_tokens

_SKIPPABLE_POS = frozenset({"DET", "ADJ", "ADV", "NUM", "PRON"})
_BULLETS = frozenset({"•", "-", "*", "–", "—", "·", "◦", "▪"})
_HUMAN = frozenset(
    [
        "man",
        "woman",
        "men",
        "women",
        "child",
        "people",
        "protester",
        "demonstrator",
        "student",
        "journalist",
        "civilian",
        "activist",
        "worker",
        "villager",
        "resident",
        "soldier",
        "officer",
        "prisoner",
        "detainee",
        "hostage",
        "member",
        "suspect",
        "migrant",
        "militant",
        "rebel",
        "fighter",
        "serviceman",
        "servicemen",
        "commander",
        "insurgent",
        "person",
    ]
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LexEntry:
    """One trigger: a lemma or lemma phrase and the event it signals."""

    trigger: tuple[str, ...]
    pos: str  # V, N or *
    type: str
    mode: str | None
    acled_sub: str | None  # None: let the crosswalk decide; "-": never coded by ACLED
    strength: float
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Trigger entries indexed by their first lemma."""

    entries: tuple[LexEntry, ...]
    by_first: dict[str, tuple[LexEntry, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A possible event in a sentence: what a trigger (or, later, a classifier) proposes."""

    type: str
    mode: str | None
    score: float
    anchor: int | None  # token index of the syntactic head; None = the sentence root
    tokens: tuple[int, ...] = ()
    entry: LexEntry | None = None


def load_lexicon(paths: Sequence[Path] = ()) -> Lexicon:
    """Load the packaged trigger lexicon plus any extra TSV files."""
    entries: list[LexEntry] = []
    folder = resources.files("eventscribe") / "resources" / "lexicon"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".tsv"):
            entries.extend(_read_lexicon(item.read_text(encoding="utf-8"), item.name))
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read lexicon {path}: {exc}; check the path") from exc
        entries.extend(_read_lexicon(text, str(path)))
    index: dict[str, list[LexEntry]] = {}
    for entry in entries:
        index.setdefault(entry.trigger[0], []).append(entry)
    return Lexicon(tuple(entries), {k: tuple(v) for k, v in index.items()})


def _read_lexicon(text: str, name: str) -> list[LexEntry]:
    rows = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [_parse_row(row, f"{name}:{n}") for n, row in enumerate(rows, start=2)]


def _parse_row(row: dict[str, str], where: str) -> LexEntry:
    def cell(key: str) -> str | None:
        value = (row.get(key) or "-").strip()
        return None if value == "-" else value

    type_, mode, sub = cell("type") or "", cell("mode"), cell("acled_sub_event_type")
    problem = tx.check_lexicon_row(type_, mode, sub)
    if (
        problem is None
        and sub is not None
        and cell("acled_event_type") != (tx.ACLED_SUB_EVENT_TYPES.get(sub))
    ):
        problem = f"ACLED event type does not match sub-event type {sub!r}"
    if problem is not None or not cell("trigger"):
        raise ModelError(f"bad lexicon row {where}: {problem or 'empty trigger'}; fix the file")
    return LexEntry(
        trigger=tuple((cell("trigger") or "").lower().split()),
        pos=cell("pos") or "*",
        type=type_,
        mode=mode,
        acled_sub=sub,
        strength=float(cell("strength") or 0.6),
        flags=frozenset((cell("flags") or "").split(",")) - {""},
    )


# --- segments --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence, or a piece of one between blank lines / bullet marks."""

    span: Span
    index: int
    bullet: bool

    @property
    def start(self) -> int:
        return self.span.start_char

    @property
    def end(self) -> int:
        return self.span.end_char

    @property
    def is_intro(self) -> bool:
        return span_text(self.span).rstrip().endswith(":")


def split_segments(doc: Doc) -> list[Segment]:
    """Split sentences at blank lines and bullet items, stripping spaces and bullet marks."""
    pieces: list[tuple[int, int, bool]] = []
    tokens = doc_tokens(doc).tokens
    for sent in doc.sents:
        start = sent.start
        for tok in tokens[sent.start : sent.end]:
            if tok.i > start and _breaks_before(tokens, tok):
                pieces.append(_trim(tokens, start, tok.i))
                start = tok.i
        pieces.append(_trim(tokens, start, sent.end))
    segments = [(s, e, b) for s, e, b in pieces if e > s]
    return [Segment(doc[s:e], n, b) for n, (s, e, b) in enumerate(segments)]


def _breaks_before(tokens: Sequence[Token], tok: Token) -> bool:
    prev = tokens[tok.i - 1]
    newline = "\n" in prev.text or "\n" in prev.whitespace_
    if tok.text in _BULLETS and newline:
        return True
    return prev.is_space and "\n\n" in prev.text.replace(" ", "")


def _trim(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int, bool]:
    bullet = False
    while start < end and (tokens[start].is_space or tokens[start].text in _BULLETS):
        bullet = bullet or tokens[start].text in _BULLETS
        start += 1
    while end > start and tokens[end - 1].is_space:
        end -= 1
    return start, end, bullet


# --- candidates ------------------------------------------------------------------------


def score_sentence(span: Span, *, lexicon: Lexicon) -> list[Candidate]:
    """Return trigger candidates in a span: longest non-overlapping lexicon matches."""
    found: list[Candidate] = []
    words = span_tokens(span)
    for tok in words:
        for key in {tok.lemma_.lower(), tok.lower_}:
            for entry in lexicon.by_first.get(key, ()):
                tokens = _match(entry, tok, span, words)
                if tokens and _flags_allow(entry, span.doc, tokens):
                    anchor = _phrase_head(span.doc, tokens)
                    found.append(
                        Candidate(
                            type=entry.type,
                            mode=entry.mode,
                            score=entry.strength,
                            anchor=anchor,
                            tokens=tokens,
                            entry=entry,
                        )
                    )
    return _longest(found)


def _match(entry: LexEntry, tok: Token, span: Span, words: list[Token]) -> tuple[int, ...]:
    """Return the token indices of ``entry``'s trigger from ``tok`` on (``words``: the span's)."""
    if len(entry.trigger) == 1 and not _pos_ok(entry.pos, tok):
        return ()
    got, i = [tok.i], tok.i + 1
    offset = span.start
    for lemma in entry.trigger[1:]:
        skipped = 0
        while (
            i < span.end
            and skipped < 2
            and not _is(words[i - offset], lemma)
            and (words[i - offset].pos_ in _SKIPPABLE_POS)
        ):
            i, skipped = i + 1, skipped + 1
        if i >= span.end or not _is(words[i - offset], lemma):
            return ()
        got.append(i)
        i += 1
    return tuple(got)


def _is(tok: Token, lemma: str) -> bool:
    return lemma in (tok.lemma_.lower(), tok.lower_)


def _pos_ok(pos: str, tok: Token) -> bool:
    if pos == "V":
        return tok.pos_ == "VERB"
    if pos == "N":
        return tok.pos_ in ("NOUN", "PROPN")
    return tok.pos_ in ("VERB", "NOUN", "PROPN")


def _flags_allow(entry: LexEntry, doc: Doc, tokens: tuple[int, ...]) -> bool:
    head = doc[tokens[0]]
    if not _sense_ok(entry, head, len(tokens)):
        return False
    objects = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass", "oprd", "attr")]
    if "place-obj" in entry.flags and not _takes_place(head, objects):
        return False
    if "obj-troops" in entry.flags and any(o.lemma_.lower() not in _TROOPS for o in objects):
        return False  # "withdraw the bill", "pulled out the bodies": not a military retreat
    if "modal-comp" in entry.flags and not _announces_action(head):
        return False  # "agencies warned that camps were full": a warning, not a threat
    if "oprd" in entry.flags and not any(c.dep_ == "oprd" for c in head.subtree):
        return False
    if "plural" in entry.flags and not head.lower_.endswith("s"):
        return False
    if "human-obj" in entry.flags and not any(_is_human(o) for o in objects):
        return False
    if "crowd-only" in entry.flags and not is_crowd(agent_heads(head)):
        return False
    if "armed" in entry.flags and not _armed_act(head, objects):
        return False  # "the army struck a camp", not "the keeper patrolled the garden"
    if "count-subj" in entry.flags and not any(_is_counted(c) for c in head.children):
        return False  # "three people died" is a toll; "the leader died in 2019" is not
    if "purpose" in entry.flags and not _states_a_demand(head):
        return False  # "gathered to demand pay" is a protest; "gathered for a wedding" is not
    for flag in entry.flags:
        if flag.startswith("obj="):
            wanted = set(flag[4:].split("|"))
            if not any(o.lemma_.lower() in wanted for o in objects):
                return False
    return True


def _sense_ok(entry: LexEntry, head: Token, length: int) -> bool:
    """Reject trigger words used in a sense that names no event (names, kinds, purposes)."""
    if _in_name(head):
        return False  # "Tucson Teachers Alliance", "March": part of a name or a date
    kind = _is_human(head.head) or head.head.lemma_.lower() in _KIND_HEADS
    if length == 1 and head.dep_ == "compound" and kind:
        return False  # "aid workers", "anti-riot units", "strike leaders": a kind
    described = head.dep_ == "acl" and head.tag_ in ("VBN", "VBG")
    if entry.type in tx.STATEMENT_TYPES and described and head.head.lemma_ not in _SPEECH_NOUNS:
        return False  # "men accused of theft", "articles criticising": a description
    if entry.type == "PROTEST" and head.dep_ == "pobj" and head.head.lower_ == "in":
        return head.lemma_.lower() != "protest"  # "in protest at": a purpose, not an event
    if entry.type in tx.PHYSICAL_TYPES and _is_stopped(head):
        return False  # "to end the fighting", "a halt to attacks": what is not to happen
    if _on_camera(head):
        return False  # "was captured on camera": a recording, not an event
    return not _asked_anonymity(head)


def _on_camera(tok: Token) -> bool:
    if tok.lemma_.lower() != "capture":
        return False
    near = [g for c in tok.children if c.dep_ in ("prep", "agent") for g in c.children]
    return any(g.lemma_.lower() in _RECORDERS for g in near)


def _in_name(tok: Token) -> bool:
    if tok.ent_type_ in ("DATE", "TIME"):
        return True
    if tok.ent_type_ not in _NAME_ENTS or not tok.text[:1].isupper() or tok.i == tok.sent.start:
        return False
    ent = next((e for e in doc_ents(tok.doc) if e.start <= tok.i < e.end), None)
    return ent is not None and len(ent) >= 2


def _is_stopped(tok: Token) -> bool:
    """Tell "an end to two years of fighting" (what should stop) from a report of fighting."""
    while tok.dep_ in ("dobj", "pobj", "prep") and tok.head.i != tok.i:
        tok = tok.head
        if tok.lemma_.lower() in _STOPPERS:
            return True
    return False


def _asked_anonymity(tok: Token) -> bool:
    """Tell "a resident who asked not to be named" (no request) from real asking."""
    if tok.lemma_.lower() not in ("ask", "request"):
        return False
    return any(c.lemma_.lower() in ("name", "identify") for c in tok.children if c.dep_ == "xcomp")


def _takes_place(head: Token, objects: list[Token]) -> bool:
    """Tell whether a capture verb takes a place: "seized Kibabi", "the town they seized"."""
    if head.dep_ == "relcl":
        objects = [*objects, head.head]
    return any(_is_place_word(o) for o in objects)


def _armed_act(head: Token, objects: list[Token]) -> bool:
    """Tell whether armed forces or their weapons do the act, or it hits a military target."""
    agents = agent_heads(head)
    if not agents and head.pos_ == "NOUN" and head.dep_ == "dobj":
        agents = agent_heads(head.head)  # "the army continued its advance"
    if any(_is_armed(t) for a in agents for t in a.subtree):
        return True
    return not agents and any(o.lemma_.lower() in _MILITARY_TARGETS for o in objects)


def _is_armed(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    return lemma in _ARMED or lemma.rstrip("s") in _ARMED or tok.lower_ in _ARMED


def _is_place_word(tok: Token) -> bool:
    if tok.ent_type_ in ("GPE", "LOC", "FAC") or tok.lemma_.lower() in _PLACE_NOUNS:
        return True
    return tok.pos_ == "PROPN" and tok.ent_type_ not in ("PERSON", "NORP")


# Verbs that make a gathering a protest when they give its purpose or manner.
_DEMAND_VERBS = frozenset(
    (
        "demand",
        "protest",
        "call",
        "denounce",
        "condemn",
        "oppose",
        "reject",
        "demonstrate",
        "urge",
        "press",
        "petition",
        "chant",
        "mourn",
        "commemorate",
        "decry",
        "voice",
    )
)


def _states_a_demand(head: Token) -> bool:
    """Tell whether a verb's clause says it was done to demand or protest something."""
    for child in head.children:
        if child.dep_ in ("advcl", "xcomp", "conj") and child.lemma_.lower() in _DEMAND_VERBS:
            return True
        in_protest = child.dep_ == "prep" and child.lower_ == "in"
        if in_protest and any(
            g.lemma_.lower() in ("protest", "solidarity") for g in child.children
        ):
            return True
    return False


def _announces_action(head: Token) -> bool:
    """Tell whether a warning announces what the speaker will do ("would call a strike")."""
    for tok in head.subtree:
        if tok.lower_ in ("will", "would", "'ll", "could", "might", "shall") and tok.dep_ == "aux":
            return True
        if tok.dep_ == "mark" and tok.lower_ in ("if", "unless"):
            return True
    return any(c.dep_ == "xcomp" for c in head.children)


_NAME_ENTS = frozenset({"ORG", "PERSON", "GPE", "LOC", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
_KIND_HEADS = frozenset(
    (
        "agency",
        "group",
        "organisation",
        "organization",
        "police",
        "unit",
        "squad",
        "official",
        "leader",
        "committee",
        "gear",
        "vehicle",
        "song",
        "law",
        "fund",
        "hotline",
        "zone",
    )
)
_SPEECH_NOUNS = frozenset(
    (
        "statement",
        "letter",
        "message",
        "resolution",
        "post",
        "tweet",
        "speech",
        "communique",
        "declaration",
        "remark",
        "report",
        "petition",
        "video",
        "interview",
    )
)
_RECORDERS = frozenset(("camera", "video", "film", "tape", "footage", "cctv", "photo", "picture"))
_STOPPERS = frozenset(["end", "halt", "stop", "cessation", "cease", "prevent", "avoid", "curb"])
_PLACE_NOUNS = frozenset(
    (
        "town",
        "village",
        "city",
        "base",
        "post",
        "camp",
        "airport",
        "district",
        "area",
        "hill",
        "border",
        "crossing",
        "port",
        "outpost",
        "garrison",
        "territory",
        "region",
        "province",
        "point",
        "position",
        "building",
        "hilltop",
        "site",
        "neighbourhood",
        "neighborhood",
        "quarter",
        "checkpoint",
        "airbase",
        "suburb",
        "mountain",
        "bridge",
    )
)
# Who or what makes a verb of motion or striking an armed act ("troops", "warplanes", "ISIS").
_ARMED = frozenset(
    (
        "army",
        "military",
        "troop",
        "force",
        "soldier",
        "police",
        "policeman",
        "peacekeeper",
        "kfor",
        "marine",
        "commando",
        "brigade",
        "battalion",
        "division",
        "unit",
        "rebel",
        "militant",
        "insurgent",
        "jihadist",
        "militia",
        "fighter",
        "guerrilla",
        "terrorist",
        "isis",
        "isil",
        "taliban",
        "saa",
        "saaf",
        "hezbollah",
        "aircraft",
        "warplane",
        "jet",
        "bomber",
        "helicopter",
        "drone",
        "warship",
        "missile",
        "rocket",
        "shell",
        "airstrike",
        "artillery",
        "mortar",
    )
)
_MILITARY_TARGETS = frozenset(
    ("position", "target", "base", "camp", "stronghold", "hideout", "defense", "defence", "convoy")
)
_TROOPS = frozenset(
    (
        "troop",
        "force",
        "soldier",
        "army",
        "unit",
        "personnel",
        "diplomat",
        "staff",
        "ambassador",
        "embassy",
        "contingent",
        "peacekeeper",
        "mission",
        "fighter",
    )
)


def _is_counted(subject: Token) -> bool:
    """Tell a numbered subject ("three people", "12") from an uncounted one."""
    if subject.dep_ not in ("nsubj", "nsubjpass"):
        return False
    return subject.like_num or any(c.dep_ == "nummod" for c in subject.children)


def _is_human(tok: Token) -> bool:
    return (
        tok.ent_type_ in ("PERSON", "NORP")
        or tok.lemma_.lower() in _HUMAN
        or tok.lower_ in ("him", "her", "them", "us", "me")
    )


def _phrase_head(doc: Doc, tokens: tuple[int, ...]) -> int:
    inside = set(tokens)
    for i in tokens:
        if doc[i].head.i not in inside or doc[i].head.i == i:
            return i
    return tokens[0]


def _longest(found: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    used: set[int] = set()
    for cand in sorted(found, key=lambda c: (-len(c.tokens), c.tokens[0], -c.score)):
        if used.isdisjoint(cand.tokens):
            kept.append(cand)
            used.update(cand.tokens)
    return sorted(kept, key=lambda c: c.tokens[0])
