"""`eventscribe train`: fit the sentence classifier on data/training and score it on the dev split.

The data is JSONL written by the project (see data/training/README.md): ``train/*.jsonl`` to fit,
``dev/*.jsonl`` to measure, never the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventscribe.errors import ConfigError
from eventscribe.extract.classifier import (
    NONE,
    EventClassifier,
    Example,
    pairings,
    read_examples,
    save_classifier,
    sentence_features,
    train_classifier,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from eventscribe.pipeline import Models


@dataclass(slots=True, kw_only=True)
class ClassScore:
    """Precision, recall and F1 of one class, with its support in the gold labels."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


def featurize(examples: Sequence[Example], *, nlp: Language) -> list[list[str]]:
    """Parse each example and return its feature list (one spaCy pass, batched)."""
    docs = nlp.pipe((e.text for e in examples), batch_size=64)
    return [sentence_features(doc[:]) for doc in docs]


def load_split(data_dir: Path, split: str) -> list[Example]:
    """Read every JSONL file of one split (train or dev)."""
    paths = sorted((data_dir / split).glob("*.jsonl"))
    if not paths:
        raise ConfigError(f"no {split} data in {data_dir / split}; expected *.jsonl files")
    return read_examples(paths)


def train(data_dir: Path, *, nlp: Language, c: float = 4.0, min_count: int = 2) -> EventClassifier:
    """Fit the classifier on the train split of ``data_dir``."""
    examples = load_split(data_dir, "train")
    features = featurize(examples, nlp=nlp)
    labels = {"plover": [e.plover for e in examples], "acled": [e.acled for e in examples]}
    classifier = train_classifier(features, labels, c=c, min_count=min_count)
    classifier.meta.update(
        train_examples=len(examples), pairings=pairings(labels["plover"], labels["acled"])
    )
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
    for doc in nlp.pipe((e.text for e in examples), batch_size=64):
        for name, ranked in classifier.predict(doc[:]).items():
            best[name].append(ranked[0][0])
    return best


def dev_report(classifier: EventClassifier, data_dir: Path, *, nlp: Language) -> str:
    """Score the classifier on the dev split, per class, as text."""
    examples = load_split(data_dir, "dev")
    predicted = predict_labels(classifier, examples, nlp=nlp)
    gold = {"plover": [e.plover for e in examples], "acled": [e.acled for e in examples]}
    lines = [f"dev examples: {len(examples)}"]
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


def calibration_pairs(data_dir: Path, *, models: Models) -> tuple[list[float], list[bool]]:
    """Run the pipeline (raw scores) on every dev sentence; return (score, right) per event."""
    from dataclasses import replace

    from eventscribe.calibration import IDENTITY, is_right
    from eventscribe.pipeline import iter_findings
    from eventscribe.records import Article

    rows = _dev_rows(data_dir)
    articles = [Article(id=str(r["id"]), text=str(r["text"])) for r in rows]
    raw_models = replace(models, calibrator=IDENTITY)
    scores: list[float] = []
    right: list[bool] = []
    for row, (_, findings) in zip(rows, iter_findings(articles, models=raw_models), strict=True):
        for event in findings.events:
            scores.append(event.confidence)
            right.append(
                is_right(event.type, row.get("plover_type"), row.get("acled_sub_event_type"))
            )
    return scores, right


def _dev_rows(data_dir: Path) -> list[dict[str, Any]]:
    import json

    rows = []
    for path in sorted((data_dir / "dev").glob("*.jsonl")):
        rows += [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    return rows


def calibration_report(scores: Sequence[float], right: Sequence[bool]) -> tuple[Any, str]:
    """Fit on even-numbered events, show reliability on the odd ones; then fit on all."""
    from eventscribe.calibration import fit, reliability, render_reliability

    held_in = fit(scores[::2], right[::2])
    test_raw, test_right = scores[1::2], right[1::2]
    lines = [
        f"dev events: {len(scores)} ({sum(right)} right)",
        "held-out half, raw scores:",
        render_reliability(reliability(test_raw, test_right)),
        "held-out half, calibrated on the other half:",
        render_reliability(reliability([held_in(s) for s in test_raw], test_right)),
    ]
    return fit(scores, right), "\n".join(lines)
