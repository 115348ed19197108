"""Attribution cues from the parse, scored by a small learned model.

Every word that governs a clause, an infinitive, an object or a prepositional object is a
candidate cue ("officials *said* that ...", "Trump *wants* to ...", "Clinton *criticized* the
deal", "*called for* a ban"), and so are nouns with a clause ("her *claim* that ...") and
"according to". A logistic model over parse features (the cue's lemma, the shape of its
complement, its subject) tells which candidates attribute content to a source. Its weights are
fit by ``scripts/train_attribution.py`` on PolNeAR's train split and shipped as
``resources/attribution-cues.json``; inference is a sum of weights.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from eventscribe.errors import ModelError
from eventscribe.parse import doc_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PACKAGED = "attribution-cues.json"
CandidateKind = Literal["clause", "infinitive", "object", "prep", "noun", "parataxis"]
_CLAUSAL = {"ccomp": "clause", "xcomp": "infinitive", "dobj": "object", "parataxis": "clause"}
_PREPS = frozenset({"about", "for", "to", "on", "of", "with", "against"})
_SUBJECTS = ("nsubj", "nsubjpass")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A word that may attribute the content span to its subject."""

    cue: Token
    kind: CandidateKind
    start: int  # content span, character offsets
    end: int
    subject: Token | None


@dataclass(frozen=True, slots=True)
class CueModel:
    """Logistic weights over candidate features, and the score a cue must reach."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, candidate: Candidate) -> float:
        """Return the probability that ``candidate`` attributes its content."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in candidate_features(candidate))
        return 1.0 / (1.0 + math.exp(-z))


@cache
def load_cue_model(path: Path | None = None) -> CueModel:
    """Load the packaged cue model (or one written by the training script)."""
    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the attribution cue model {source}: {exc}") from exc
    return CueModel(
        weights=dict(data["weights"]), bias=float(data["bias"]), threshold=float(data["threshold"])
    )


def find_candidates(doc: Doc) -> list[Candidate]:
    """Return every candidate cue of ``doc`` with its content span, in text order."""
    found: list[Candidate] = []
    for token in doc_tokens(doc).tokens:
        if token.pos_ in ("VERB", "AUX"):
            found += _verb_candidates(token)
        elif token.pos_ == "NOUN":
            found += _noun_candidates(token)
    return found


def _verb_candidates(verb: Token) -> list[Candidate]:
    found = []
    subject = _subject(verb)
    for child in verb.children:
        kind = _CLAUSAL.get(child.dep_)
        if kind == "clause" and _conjoined(child):
            continue  # "X said A, and aid agencies warned B": B is not X's
        if kind is not None and (child.dep_ != "parataxis" or child.i < verb.i):
            found.append(_candidate(verb, kind, child, subject))  # type: ignore[arg-type]
        elif child.dep_ == "prep" and child.lower_ in _PREPS:
            objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if objects:
                found.append(_candidate(verb, "prep", objects[0], subject))
    if verb.dep_ == "parataxis" and verb.head.i < verb.i and subject is not None:
        found.append(_parataxis(verb, subject))
    return found


def _conjoined(clause: Token) -> bool:
    before = clause.left_edge.i - 1
    return before > clause.head.i and clause.doc[before].dep_ == "cc"


def _noun_candidates(noun: Token) -> list[Candidate]:
    owners = [c for c in noun.children if c.dep_ == "poss"]
    subject = owners[0] if owners else None
    return [
        _candidate(noun, "noun", child, subject)
        for child in noun.children
        if child.dep_ in ("acl", "ccomp") and any(g.dep_ == "mark" for g in child.children)
    ]


def _candidate(cue: Token, kind: CandidateKind, head: Token, subject: Token | None) -> Candidate:
    subtree = list(head.subtree)
    others = {t.i for t in subtree if t != head for t in _other_report(t)}
    words = [t for t in subtree if not (t.dep_ == "mark" and t.head == head) and t.i not in others]
    start, end = content_bounds(words)
    return Candidate(cue=cue, kind=kind, start=start, end=end, subject=subject)


def _parataxis(verb: Token, subject: Token) -> Candidate:
    """Return "Clinton was headed to the ER, *The Post has learned*": the head clause is said.

    The cue may sit inside the content ("After 2018, *the office said*, deficits rise").
    """
    inner = {t.i for t in verb.subtree}
    words = [t for t in verb.head.subtree if t.i not in inner]
    start, end = content_bounds(words)
    return Candidate(cue=verb, kind="parataxis", start=start, end=end, subject=subject)


def _other_report(token: Token) -> list[Token]:
    """Return the words of another speaker's report hung on the content ("while X said ...")."""
    if token.dep_ not in ("advcl", "conj"):
        return []
    children = {c.dep_ for c in token.children}
    if "nsubj" not in children or "ccomp" not in children:
        return []
    left = token.left_edge.i
    while left > 0 and token.doc[left - 1].is_punct:
        left -= 1  # the comma before "while"
    return list(token.doc[left : token.right_edge.i + 1])


def content_bounds(words: list[Token]) -> tuple[int, int]:
    """Return the character span of ``words`` without edge punctuation and spaces."""
    words = sorted(words, key=lambda t: t.i)
    while words and (_edge(words[-1]) or words[-1].dep_ == "cc") and words[-1].text not in '”»"’':
        words.pop()
    while words and (words[0].is_punct or words[0].is_space):
        words.pop(0)
    if not words:
        return 0, 0
    return words[0].idx, words[-1].idx + len(words[-1].text)


def _edge(token: Token) -> bool:
    return token.is_punct or token.is_space


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
    if verb.head.i == verb.i:
        return None
    if verb.dep_ in ("relcl", "acl", "conj") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return verb.head  # "Trump, who wants ...", "polls showing ...", a misparsed "and cited"
    if verb.dep_ in ("conj", "xcomp", "advcl", "relcl"):
        return _subject(verb.head)
    if verb.dep_ == "pcomp" and verb.head.head.i != verb.head.i:
        return _subject(verb.head.head)  # "rallied thousands by promising ..."
    return None


def candidate_features(c: Candidate) -> list[str]:
    """Return the features of a candidate: its cue, its complement and its subject."""
    cue, lemma = c.cue, c.cue.lemma_.lower()
    subj = _subject_class(c.subject)
    mark = _complement_mark(c)
    feats = [
        f"lemma={lemma}",
        f"kind={c.kind}",
        f"kind_lemma={c.kind}|{lemma}",
        f"tag={cue.tag_}",
        f"dep={cue.dep_}",
        f"subj={subj}",
        f"lemma_subj={lemma}|{subj}",
        f"kind_subj={c.kind}|{subj}",
        f"mark={mark}",
        f"lemma_mark={lemma}|{mark}",
        f"side={'before' if c.start < cue.idx else 'after'}",
        f"len={min(6, int(math.log2(1 + c.end - c.start)))}",
        f"kind_len={c.kind}|{min(6, int(math.log2(1 + c.end - c.start)))}",
    ]
    feats += [f"child={ch.dep_}" for ch in cue.children if ch.dep_ in ("neg", "aux", "auxpass")]
    feats += [f"aux={ch.lower_}" for ch in cue.children if ch.dep_ == "aux"]
    if cue.dep_ in ("xcomp", "conj", "ccomp", "advcl", "relcl", "acl"):
        feats.append(f"head={cue.head.lemma_.lower()}")
    if c.kind == "prep":
        feats.append(f"lemma_prep={lemma}|{_prep_word(c)}")
    return feats


def _subject_class(subject: Token | None) -> str:
    if subject is None:
        return "none"
    if subject.ent_type_:
        return f"ent:{subject.ent_type_}"
    if subject.pos_ == "PRON":
        return f"pron:{subject.lower_}"
    return f"{subject.pos_}:{subject.lemma_.lower()}" if subject.pos_ == "NOUN" else subject.pos_


def _complement_mark(c: Candidate) -> str:
    doc = c.cue.doc
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "none"
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.dep_ == "mark":
        return before.lower_
    first = span[0]
    return first.lower_ if first.lower_ in ("to", "if", "whether", "how", "why", "what") else "none"


def _prep_word(c: Candidate) -> str:
    preps = [ch.lower_ for ch in c.cue.children if ch.dep_ == "prep" and ch.lower_ in _PREPS]
    return preps[0] if preps else "none"
