"""A sentence classifier for event type (PLOVER) and ACLED sub-event type, for recall.

Features are sparse strings drawn from a spaCy sentence (lemmas, lemma bigrams, the root verb,
negation and modality, entity labels); each head is a multinomial logistic regression over them.
Inference needs only numpy; training (``train_classifier``) needs scikit-learn, installed with
the ``train`` extra. The weights file is a compressed ``.npz`` (no pickle), small enough to commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventscribe.errors import ModelError
from eventscribe.extract.taxonomy import ACLED_SUB_EVENT_TYPES
from eventscribe.extract.triggers import (
    Candidate,
    LexEntry,
    Lexicon,
    SentenceScorer,
    score_sentence,
)
from eventscribe.records import Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

NONE = "-"  # the class "no event of this taxonomy"
HEADS = ("plover", "acled")
FORMAT_VERSION = 1
PACKAGED = "events-classifier.npz"
_MODALS = frozenset({"will", "would", "could", "may", "might", "shall", "should", "can"})


def sentence_features(span: Span) -> list[str]:
    """Return the sparse features of one sentence (order-free, duplicates removed)."""
    words = [t for t in span if not (t.is_space or t.is_punct)]
    lemmas = [_norm(t.lemma_ or t.text, t.like_num) for t in words]
    feats = {f"w:{lemma}" for lemma in lemmas}
    feats.update(f"b:{a}_{b}" for a, b in pairwise(lemmas))
    for token in words:
        if token.dep_ == "ROOT":
            feats.add(f"root:{_norm(token.lemma_, token.like_num)}")
        if token.dep_ == "neg":
            feats.add("neg")
        if token.lower_ in _MODALS:
            feats.add(f"modal:{token.lower_}")
        if token.pos_ == "VERB" and token.dep_ in ("ROOT", "conj", "xcomp", "ccomp", "advcl"):
            feats.add(f"v:{_norm(token.lemma_, False)}")
    feats.update(f"ent:{ent.label_}" for ent in span.ents)
    return sorted(feats)


def _norm(text: str, is_num: bool) -> str:
    return "#num" if is_num else text.lower()


@dataclass(slots=True)
class Head:
    """One multinomial logistic regression: classes, weights (features x classes), bias."""

    classes: list[str]
    weights: np.ndarray[Any, Any]
    bias: np.ndarray[Any, Any]

    def probabilities(self, rows: Sequence[int]) -> np.ndarray[Any, Any]:
        """Return class probabilities for one sentence given its feature rows."""
        scores = self.bias + (self.weights[list(rows)].sum(axis=0) if rows else 0.0)
        scores = np.asarray(scores, dtype=np.float64)
        scores -= scores.max()
        exp = np.exp(scores)
        result: np.ndarray[Any, Any] = exp / exp.sum()
        return result


@dataclass(slots=True)
class EventClassifier:
    """The vocabulary and the two heads (PLOVER type, ACLED sub-event type)."""

    vocabulary: dict[str, int]
    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, span: Span) -> dict[str, list[tuple[str, float]]]:
        """Return, per head, (class, probability) pairs sorted best first."""
        rows = [self.vocabulary[f] for f in sentence_features(span) if f in self.vocabulary]
        ranked = {}
        for name, head in self.heads.items():
            probs = head.probabilities(rows)
            order = np.argsort(-probs, kind="stable")
            ranked[name] = [(head.classes[i], float(probs[i])) for i in order]
        return ranked


def save_classifier(classifier: EventClassifier, path: Path) -> None:
    """Write the classifier as a compressed .npz (float16 weights, no pickled objects)."""
    vocab = sorted(classifier.vocabulary, key=classifier.vocabulary.__getitem__)
    arrays: dict[str, Any] = {"vocabulary": np.array(vocab, dtype=str)}
    for name, head in classifier.heads.items():
        arrays[f"{name}.classes"] = np.array(head.classes, dtype=str)
        arrays[f"{name}.weights"] = head.weights.astype(np.float16)
        arrays[f"{name}.bias"] = head.bias.astype(np.float32)
    meta = {"format": FORMAT_VERSION, **classifier.meta}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    with path.open("wb") as f:
        np.savez_compressed(f, **arrays)


def load_classifier(path: Path | None = None) -> EventClassifier:
    """Load a classifier file, by default the one shipped in the package."""
    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        with source.open("rb") as f, np.load(f, allow_pickle=False) as data:
            return _from_arrays(data)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(
            f"cannot load the event classifier from {source}: {exc}; rebuild it with "
            "`eventscribe train` or reinstall eventscribe"
        ) from exc


def _from_arrays(data: Any) -> EventClassifier:
    meta = json.loads(str(data["meta"]))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"format {meta.get('format')} is not {FORMAT_VERSION}")
    vocabulary = {str(w): i for i, w in enumerate(data["vocabulary"])}
    heads = {
        name: Head(
            classes=[str(c) for c in data[f"{name}.classes"]],
            weights=data[f"{name}.weights"].astype(np.float32),
            bias=data[f"{name}.bias"].astype(np.float32),
        )
        for name in HEADS
    }
    return EventClassifier(vocabulary=vocabulary, heads=heads, meta=meta)


@dataclass(slots=True, frozen=True)
class Example:
    """One labelled sentence of the training data."""

    text: str
    plover: str
    acled: str


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Read labelled JSONL files (data/training format) in path order."""
    examples = []
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                examples.append(
                    Example(
                        text=row["text"],
                        plover=row.get("plover_type") or NONE,
                        acled=row.get("acled_sub_event_type") or NONE,
                    )
                )
    return examples


def train_classifier(
    features: Sequence[Sequence[str]],
    labels: Mapping[str, Sequence[str]],
    *,
    min_count: int = 2,
    c: float = 4.0,
) -> EventClassifier:
    """Fit one logistic regression per head on feature lists (needs scikit-learn)."""
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError("training needs scikit-learn: pip install 'eventscribe[train]'") from exc
    vocabulary = _vocabulary(features, min_count=min_count)
    rows, cols = [], []
    for i, feats in enumerate(features):
        for f in feats:
            if f in vocabulary:
                rows.append(i)
                cols.append(vocabulary[f])
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(features), len(vocabulary)))
    heads = {}
    for name, y in labels.items():
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit(matrix, list(y))
        heads[name] = Head(
            classes=[str(x) for x in model.classes_],
            weights=np.ascontiguousarray(model.coef_.T, dtype=np.float32),
            bias=model.intercept_.astype(np.float32),
        )
    return EventClassifier(
        vocabulary=vocabulary, heads=heads, meta={"min_count": min_count, "c": c}
    )


def _vocabulary(features: Sequence[Sequence[str]], *, min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for feats in features:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    kept = sorted(f for f, n in counts.items() if n >= min_count)
    return {f: i for i, f in enumerate(kept)}


# PLOVER mode implied by an ACLED sub-event type, for events only the classifier found.
_MODE_FOR_ACLED = {
    "Peaceful protest": "demo",
    "Protest with intervention": "demo",
    "Excessive force against protesters": "demo",
    "Violent demonstration": "riot",
    "Mob violence": "riot",
    "Air/drone strike": "explosives",
    "Shelling/artillery/missile attack": "heavy-weapons",
    "Remote explosive/landmine/IED": "explosives",
    "Grenade": "explosives",
    "Suicide bomb": "suicide-attack",
    "Sexual violence": "sexual",
    "Abduction/forced disappearance": "abduct",
    "Arrests": "arrest",
    "Looting/property destruction": "destroy",
}


def pairings(
    plover: Sequence[str], acled: Sequence[str], *, min_count: int = 3
) -> dict[str, list[str]]:
    """Return, per ACLED sub-event type, the PLOVER types it co-occurs with in training data."""
    counts: dict[tuple[str, str], int] = {}
    for p, a in zip(plover, acled, strict=True):
        if p != NONE and a != NONE:
            counts[(a, p)] = counts.get((a, p), 0) + 1
    allowed: dict[str, list[str]] = {}
    for (a, p), n in sorted(counts.items()):
        if n >= min_count:
            allowed.setdefault(a, []).append(p)
    return allowed


def make_scorer(
    classifier: EventClassifier,
    *,
    lexicon: Lexicon,
    threshold: float = 0.7,
    acled_threshold: float = 0.5,
    weight: float = 0.75,
) -> SentenceScorer:
    """Return a sentence scorer for extract_events: the classifier's best type, for sentences
    where no trigger of the lexicon fired (the rules are more precise where they apply).

    ``weight`` scales the probability into the candidate's score: an event found by the
    classifier alone, with no trigger and no rule behind it, is trusted less.
    """
    allowed: dict[str, list[str]] = classifier.meta.get("pairings", {})

    def score(span: Span) -> list[Candidate]:
        if score_sentence(span, lexicon=lexicon):
            return []
        ranked = classifier.predict(span)
        type_, prob = next((c, p) for c, p in ranked["plover"] if c != NONE)
        if prob < threshold:
            return []
        sub, sub_prob = next((c, p) for c, p in ranked["acled"] if c != NONE)
        fits = sub_prob >= acled_threshold and type_ in allowed.get(sub, ())
        acled_sub = sub if fits else "-"
        mode = _MODE_FOR_ACLED.get(sub) if fits else None
        entry = LexEntry(
            trigger=("<classifier>",),
            pos="*",
            type=type_,
            mode=mode,
            acled_sub=acled_sub,
            strength=prob,
            flags=frozenset({"classifier"}),
        )
        return [Candidate(type=type_, mode=mode, score=prob, anchor=None, entry=entry)]

    return score


def refine_events(
    events: Sequence[Event],
    doc: Doc,
    classifier: EventClassifier,
    *,
    sub_threshold: float = 0.85,
    veto_threshold: float = 0.9,
    veto_factor: float = 0.5,
) -> list[Event]:
    """Let the classifier's view of each evidence sentence refine the rule-coded events.

    Two moves, both conservative: (1) when the classifier is sure (>= ``sub_threshold``) of an
    ACLED sub-event type that fits the event's PLOVER type in the training data, that sub-type
    (and its ACLED event type) replaces the crosswalk's default, e.g. an ASSAULT coded "Attack"
    whose sentence is plainly an airstrike; (2) when it is sure the sentence reports no event
    (>= ``veto_threshold``), the event's raw score is scaled by ``veto_factor``; calibration
    then maps it down. Events with contexts keep their null ACLED type.
    """
    allowed: dict[str, list[str]] = classifier.meta.get("pairings", {})
    cache: dict[tuple[int, int], dict[str, list[tuple[str, float]]]] = {}
    refined = []
    for event in events:
        key = (event.evidence.start, event.evidence.end)
        if key not in cache:
            span = doc.char_span(*key, alignment_mode="expand")
            cache[key] = classifier.predict(span) if span is not None else {}
        refined.append(
            _refine(event, cache[key], allowed, sub_threshold, veto_threshold, veto_factor)
        )
    return refined


def _refine(
    event: Event,
    ranked: dict[str, list[tuple[str, float]]],
    allowed: dict[str, list[str]],
    sub_threshold: float,
    veto_threshold: float,
    veto_factor: float,
) -> Event:
    if not ranked:
        return event
    changes: dict[str, Any] = {}
    none_prob = dict(ranked["plover"]).get(NONE, 0.0)
    if none_prob >= veto_threshold:
        changes["confidence"] = event.confidence * veto_factor
    sub, prob = next((c, p) for c, p in ranked["acled"] if c != NONE)
    fits = prob >= sub_threshold and event.type in allowed.get(sub, ()) and not event.contexts
    if fits and _may_replace(event.type, event.acled_sub_event_type, sub):
        changes["acled_sub_event_type"] = sub
        changes["acled_event_type"] = ACLED_SUB_EVENT_TYPES[sub]
    return replace(event, **changes) if changes else event


_PROTEST_RANK = {
    "Peaceful protest": 0,
    "Protest with intervention": 1,
    "Excessive force against protesters": 2,
}
_NEVER_CODED = frozenset({"PROTEST"})  # strikes and boycotts stay uncoded by ACLED (no gathering)


def _may_replace(type_: str, current: str | None, proposed: str) -> bool:
    """Tell whether the classifier's sub-type may replace the rules' one.

    The rules see the whole article (force reported in the next sentence escalates a protest),
    the classifier one sentence: so a protest sub-type may only go up (peaceful -> intervention
    -> excessive force), only the generic "Attack" of an assault may become a specific one, and
    otherwise only an uncoded event of a type ACLED codes gets a sub-type.
    """
    if current in _PROTEST_RANK and proposed in _PROTEST_RANK:
        return _PROTEST_RANK[proposed] > _PROTEST_RANK[current]
    if current == "Attack":
        return type_ == "ASSAULT"
    return current is None and type_ not in _NEVER_CODED
