"""A sentence classifier for event type (PLOVER) and ACLED sub-event type, for recall.

Features are sparse strings drawn from a spaCy sentence (lemmas, lemma bigrams, the root verb,
negation and modality, entity labels); each head is a multinomial logistic regression over them.
Inference needs only numpy; training (``train_classifier``) needs scikit-learn, installed with
the ``train`` extra. The weights file is a compressed ``.npz`` (no pickle), small enough to commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventscribe.errors import ModelError
from eventscribe.extract.events.judge import SentenceJudge, SentenceView
from eventscribe.extract.events.triggers import Candidate
from eventscribe.extract.events.vectors import StaticEmbedder, load_embedder
from eventscribe.parse import doc_tokens, span_ents, span_text, span_tokens

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

NONE = "-"  # the class "no event of this taxonomy"
HEADS = ("plover", "acled")
FORMAT_VERSION = 2
PACKAGED = "events-classifier.npz"
_MODALS = frozenset({"will", "would", "could", "may", "might", "shall", "should", "can"})


def sentence_features(span: Span, triggers: Sequence[Candidate] = ()) -> list[str]:
    """Return the sparse features of one sentence (order-free, duplicates removed).

    ``triggers`` are the lexicon's candidates in the sentence: their type, mode and ACLED
    code become features too, so the classifier learns how far to trust each trigger.
    """
    words = [t for t in span_tokens(span) if not (t.is_space or t.is_punct)]
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
    feats.update(f"ent:{ent.label_}" for ent in span_ents(span))
    if CONTEXT_FEATURES:
        feats.update(_verb_frames(words))
    for c in triggers:
        feats.update((f"trig:{c.type}", f"trig:{c.type}:{c.mode}"))
        if c.entry is not None and c.entry.acled_sub:
            feats.add(f"trigsub:{c.entry.acled_sub}")
    return sorted(feats)


CONTEXT_FEATURES = True
# the verb's arguments that tell a statement's kind: "accused X of", "called on", "vowed to"
_FRAME_DEPS = frozenset({"dobj", "prep", "prt", "xcomp", "ccomp", "dative", "agent", "attr"})


def _verb_frames(words: Sequence[Token]) -> set[str]:
    """Return each verb's frame: its object, particle, preposition and complement lemmas, and
    the kind of its subject ("fr:accuse>prep:of", "fr:call>prt:on", "fs:condemn:ORG")."""
    out = set()
    for token in words:
        if token.pos_ not in ("VERB", "AUX") or token.lemma_ in ("be", "have", "do"):
            continue
        verb = _norm(token.lemma_, False)
        for child in token.children:
            if child.dep_ in _FRAME_DEPS:
                out.add(f"fr:{verb}>{child.dep_}:{_norm(child.lemma_, child.like_num)}")
            elif child.dep_ in ("nsubj", "nsubjpass"):
                kind = child.ent_type_ or ("pron" if child.pos_ == "PRON" else child.pos_)
                out.add(f"fs:{verb}:{child.dep_}:{kind}")
    return out


# a root's arguments, and their own, that carry what the predicate is about: "the minister
# accused the rebels of killing villagers" -> "minister accused rebels of killing"
_CORE_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "prep", "xcomp", "ccomp", "prt", "attr", "acomp", "dative"}
    | {"agent", "neg", "aux", "advcl", "conj"}
)
_CORE_GRAND = frozenset(
    {"pobj", "dobj", "compound", "amod", "prep", "xcomp", "nsubj", "neg", "acomp", "attr"}
)


def core_text(span: Span) -> str:
    """Return the sentence's predicate core: each root verb, its arguments and theirs, in
    sentence order (the whole sentence when it has no root)."""
    kept: set[int] = set()
    for root in span_tokens(span):
        if root.dep_ != "ROOT":
            continue
        kept.add(root.i)
        for child in root.children:
            if child.dep_ in _CORE_DEPS:
                kept.add(child.i)
                kept.update(g.i for g in child.children if g.dep_ in _CORE_GRAND)
    if not kept:
        return span_text(span)
    words = doc_tokens(span.doc).text
    return " ".join(words[i] for i in sorted(kept))


def sentence_vector(span: Span, embedder: StaticEmbedder, *, core: bool) -> np.ndarray[Any, Any]:
    """Return the sentence's static vector and, with ``core``, its predicate core's after it:
    a long sentence's mean drowns its main verb in background words; the core's does not."""
    whole = embedder.embed(span_text(span))
    if not core:
        return whole
    return np.concatenate([whole, embedder.embed(core_text(span))])


def _norm(text: str, is_num: bool) -> str:
    return "#num" if is_num else text.lower()


@dataclass(slots=True)
class Head:
    """One multinomial logistic regression: classes, sparse weights (features x classes), dense
    weights (vector dims x classes, or None without sentence vectors), bias, and the decision
    offsets (a log-prior per class fitted after training for macro-F1, see set_offsets)."""

    classes: list[str]
    weights: np.ndarray[Any, Any]
    bias: np.ndarray[Any, Any]
    dense: np.ndarray[Any, Any] | None = None
    offset: np.ndarray[Any, Any] | None = None

    def probabilities(
        self, rows: Sequence[int], vector: np.ndarray[Any, Any] | None = None
    ) -> np.ndarray[Any, Any]:
        """Return class probabilities for one sentence given its feature rows and vector."""
        scores = self.bias + (self.weights[list(rows)].sum(axis=0) if rows else 0.0)
        if self.dense is not None and vector is not None:
            scores = scores + vector @ self.dense
        if self.offset is not None:
            scores = scores + self.offset
        scores = np.asarray(scores, dtype=np.float64)
        scores -= scores.max()
        exp = np.exp(scores)
        result: np.ndarray[Any, Any] = exp / exp.sum()
        return result


@dataclass(slots=True)
class EventClassifier:
    """The vocabulary, the two heads (PLOVER type, ACLED sub-event type) and, when the heads
    read sentence vectors, the static embedder that makes them."""

    vocabulary: dict[str, int]
    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)
    embedder: StaticEmbedder | None = None

    def vector(self, span: Span) -> np.ndarray[Any, Any] | None:
        """Return the sentence vector the heads read (scaled), or None without an embedder."""
        if self.embedder is None:
            return None
        result: np.ndarray[Any, Any] = sentence_vector(
            span, self.embedder, core=bool(self.meta.get("core_vector"))
        ) * self.meta.get("dense_scale", 1.0)
        return result

    def predict(
        self, span: Span, triggers: Sequence[Candidate] = ()
    ) -> dict[str, list[tuple[str, float]]]:
        """Return, per head, (class, probability) pairs sorted best first."""
        feats = sentence_features(span, triggers)
        row_of = self.vocabulary.get
        rows = [row for f in feats if (row := row_of(f)) is not None]
        vector = self.vector(span)
        ranked = {}
        for name, head in self.heads.items():
            probs = head.probabilities(rows, vector)
            order = np.argsort(-probs, kind="stable").tolist()
            values = probs.tolist()  # Python floats, as float() of each element gives
            ranked[name] = [(head.classes[i], values[i]) for i in order]
        return ranked


def set_offsets(classifier: EventClassifier, offsets: Mapping[str, Mapping[str, float]]) -> None:
    """Set each head's decision offsets ({head: {class: log-prior}}; a class left out gets 0),
    kept in the classifier's meta so they are saved with it; empty offsets remove them."""
    kept = {h: {c: float(v) for c, v in sorted(o.items()) if v} for h, o in offsets.items()}
    kept = {h: o for h, o in kept.items() if o}
    if kept:
        classifier.meta["offsets"] = kept
    else:
        classifier.meta.pop("offsets", None)
    _apply_offsets(classifier)


def _apply_offsets(classifier: EventClassifier) -> None:
    offsets = classifier.meta.get("offsets", {})
    for name, head in classifier.heads.items():
        given = offsets.get(name)
        head.offset = (
            np.array([given.get(c, 0.0) for c in head.classes], dtype=np.float32) if given else None
        )


def save_classifier(classifier: EventClassifier, path: Path) -> None:
    """Write the classifier as a compressed .npz (float16 weights, no pickled objects)."""
    vocab = sorted(classifier.vocabulary, key=classifier.vocabulary.__getitem__)
    arrays: dict[str, Any] = {"vocabulary": np.array(vocab, dtype=str)}
    for name, head in classifier.heads.items():
        arrays[f"{name}.classes"] = np.array(head.classes, dtype=str)
        arrays[f"{name}.weights"] = head.weights.astype(np.float16)
        arrays[f"{name}.bias"] = head.bias.astype(np.float32)
        if head.dense is not None:
            arrays[f"{name}.dense"] = head.dense.astype(np.float32)
    meta = {"format": FORMAT_VERSION, **classifier.meta}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    with path.open("wb") as f:
        np.savez_compressed(f, **arrays)


def load_classifier(
    path: Path | None = None, *, embedder: StaticEmbedder | None = None
) -> EventClassifier:
    """Load a classifier file, by default the one shipped in the package.

    A classifier trained on sentence vectors also loads the packaged vector table (or takes
    ``embedder``), which must be the table it was trained with.
    """
    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        with source.open("rb") as f, np.load(f, allow_pickle=False) as data:
            classifier = _from_arrays(data)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(
            f"cannot load the event classifier from {source}: {exc}; rebuild it with "
            "`eventscribe train` or reinstall eventscribe"
        ) from exc
    if "vectors" in classifier.meta:
        classifier.embedder = embedder or load_embedder()
        if classifier.embedder.meta.get("id") != classifier.meta["vectors"]:
            raise ModelError(
                f"the event classifier {source} was trained on vector table "
                f"{classifier.meta['vectors']}, not {classifier.embedder.meta.get('id')}; "
                "retrain it with `eventscribe train`"
            )
    return classifier


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
            dense=data[f"{name}.dense"] if f"{name}.dense" in data.files else None,
        )
        for name in HEADS
    }
    classifier = EventClassifier(vocabulary=vocabulary, heads=heads, meta=meta)
    _apply_offsets(classifier)
    return classifier


@dataclass(slots=True, frozen=True)
class Example:
    """One labelled sentence of the training data (a negated, future or hypothetical event is
    labelled NONE: the classifier says what happened; the rules code the contexts)."""

    text: str
    plover: str
    acled: str
    real: bool = False  # from the real-news train half, not written by us


_UNREAL = frozenset({"negated", "future", "hypothetical"})


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Read labelled JSONL files (data/training format) in path order."""
    examples = []
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                unreal = bool(_UNREAL & set(row.get("contexts") or []))
                examples.append(
                    Example(
                        text=row["text"],
                        plover=NONE if unreal else row.get("plover_type") or NONE,
                        acled=NONE if unreal else row.get("acled_sub_event_type") or NONE,
                        real="corpus" in row,
                    )
                )
    return examples


def train_classifier(
    features: Sequence[Sequence[str]],
    labels: Mapping[str, Sequence[str]],
    *,
    vectors: np.ndarray[Any, Any] | None = None,
    sample_weight: Sequence[float] | None = None,
    min_count: int = 2,
    c: float = 4.0,
    dense_scale: float = 1.0,
) -> EventClassifier:
    """Fit one logistic regression per head on feature lists and, when given, sentence
    vectors (rows aligned with ``features``, scaled by ``dense_scale``); needs scikit-learn."""
    try:
        from scipy.sparse import csr_matrix, hstack
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
    if vectors is not None:
        matrix = hstack([matrix, csr_matrix(vectors * dense_scale)], format="csr")
    heads = {}
    for name, y in labels.items():
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        model.fit(matrix, list(y), sample_weight=sample_weight)
        coef = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        heads[name] = Head(
            classes=[str(x) for x in model.classes_],
            weights=coef[: len(vocabulary)],
            bias=model.intercept_.astype(np.float32),
            dense=coef[len(vocabulary) :] if vectors is not None else None,
        )
    meta: dict[str, Any] = {"min_count": min_count, "c": c, "dense_scale": dense_scale}
    return EventClassifier(vocabulary=vocabulary, heads=heads, meta=meta)


def _vocabulary(features: Sequence[Sequence[str]], *, min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for feats in features:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    kept = sorted(f for f, n in counts.items() if n >= min_count)
    return {f: i for i, f in enumerate(kept)}


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


def make_judge(classifier: EventClassifier) -> SentenceJudge:
    """Return the classifier as a sentence judge for extract_events (see event_judge)."""
    allowed: dict[str, list[str]] = classifier.meta.get("pairings", {})

    def judge(span: Span, triggers: Sequence[Candidate]) -> SentenceView:
        ranked = classifier.predict(span, triggers)
        return SentenceView(
            plover=dict(ranked["plover"]), acled=dict(ranked["acled"]), allowed=allowed
        )

    return judge
