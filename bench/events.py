"""Event detection and typing on labelled sentences, each run through the whole pipeline.

    python bench/events.py [--data data/real/events/dev.jsonl | data/training] [--classifier]

``--data`` is a labelled JSONL file (data/real/events/dev.jsonl, data/training rows) or a
directory whose ``dev/*.jsonl`` are read (the written set, data/training). Each sentence is run
as its own article. The system's label for a sentence is its most confident event's; NONE when
it emits none, and events with a negated, hypothetical or future context count as NONE, since
the labels describe what happened. Prints: PLOVER type macro-F1; ACLED sub-event weighted and
macro F1 (over the labelled classes; NONE is not a class, a missed event lowers recall); per
class precision, recall and F1; the share of event sentences that come back with no event; the
non-event false-positive rate; sentences/second of the full pipeline after loading.
``--classifier`` adds the sentence classifier alone, on the same sentences.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from eventscribe.extract.events.triggers import score_sentence
from eventscribe.pipeline import iter_findings, load_models
from eventscribe.records import Article, Findings

REPO = Path(__file__).resolve().parent.parent
UNREAL = {"negated", "hypothetical", "future"}
NONE = "-"


def read_rows(data: Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL file, or every dev/*.jsonl of a directory."""
    paths = sorted((data / "dev").glob("*.jsonl")) if data.is_dir() else [data]
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def gold_label(row: dict[str, Any], key: str) -> str:
    """Return a row's label for one taxonomy (NONE for no event or an unreal one)."""
    if UNREAL & set(row.get("contexts") or []):
        return NONE
    return str(row.get(key) or NONE)


def system_label(findings: Findings, key: str) -> str:
    """Return the label of the most confident real event of one sentence."""
    real = [e for e in findings.events if not UNREAL & set(e.contexts)]
    if not real:
        return NONE
    best = max(real, key=lambda e: e.confidence)
    return str(getattr(best, key) or NONE)


def class_scores(
    gold: Sequence[str], predicted: Sequence[str]
) -> list[tuple[str, float, float, float, int]]:
    """Return (label, precision, recall, F1, support) per class seen in gold or predictions."""
    out = []
    for label in sorted((set(gold) | set(predicted)) - {NONE}):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred, n_gold = list(predicted).count(label), list(gold).count(label)
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out.append((label, p, r, 2 * p * r / (p + r) if p + r else 0.0, n_gold))
    return out


def report(title: str, gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Print one head's scores and return its summary figures."""
    scores = class_scores(gold, predicted)
    present = [s for s in scores if s[4]]
    macro = sum(s[3] for s in present) / max(len(present), 1)
    weighted = sum(s[3] * s[4] for s in present) / max(sum(s[4] for s in present), 1)
    pairs = list(zip(gold, predicted, strict=True))
    events = [p for g, p in pairs if g != NONE]
    negatives = [p for g, p in pairs if g == NONE]
    empty = events.count(NONE) / max(len(events), 1)
    fp = sum(p != NONE for p in negatives) / max(len(negatives), 1)
    accuracy = sum(g == p for g, p in pairs) / max(len(pairs), 1)
    print(
        f"\n{title}: macro-F1 {macro:.3f}  weighted F1 {weighted:.3f}  accuracy {accuracy:.3f}\n"
        f"  labelled events that come back with none: {events.count(NONE)}/{len(events)} = "
        f"{empty:.3f};  non-event false-positive rate "
        f"{sum(p != NONE for p in negatives)}/{len(negatives)} = {fp:.3f}"
    )
    for label, p, r, f1, n in scores:
        print(f"  {label:<38}P {p:.2f}  R {r:.2f}  F1 {f1:.2f}  n={n}")
    return {"macro_f1": macro, "weighted_f1": weighted, "empty": empty, "fp_rate": fp}


HEADS = (
    ("PLOVER type", "plover_type", "type", "plover"),
    ("ACLED sub-event type", "acled_sub_event_type", "acled_sub_event_type", "acled"),
)


def _predict(classifier: Any, doc: Any, lexicon: Any) -> dict[str, list[tuple[str, float]]]:
    try:
        result: dict[str, list[tuple[str, float]]] = classifier.predict(
            doc[:], score_sentence(doc[:], lexicon=lexicon)
        )
    except TypeError:  # a classifier from before it read the triggers (to measure old commits)
        result = classifier.predict(doc[:])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=REPO / "data" / "real" / "events" / "dev.jsonl"
    )
    parser.add_argument(
        "--classifier", action="store_true", help="Also score the classifier alone."
    )
    parser.add_argument("--weights", type=Path, help="Another trained classifier file to use.")
    args = parser.parse_args()
    models = load_models()
    if args.weights is not None:
        from eventscribe.extract.events.classifier import load_classifier, make_judge

        classifier = load_classifier(args.weights)
        models = replace(models, classifier=classifier, judge=make_judge(classifier))
    rows = read_rows(args.data)
    articles = [Article(id=str(r["id"]), text=r["text"]) for r in rows]
    started = time.perf_counter()
    findings = [f for _, f in iter_findings(articles, models=models)]
    seconds = time.perf_counter() - started
    print(
        f"{args.data}: {len(rows)} sentences; full pipeline {len(rows) / seconds:.1f} sentences/s"
    )
    no_event = sum(not [e for e in f.events if not UNREAL & set(e.contexts)] for f in findings)
    print(
        f"share of all sentences with no (real) event: {no_event}/{len(rows)} = {no_event / len(rows):.3f}"
    )
    for title, gold_key, event_key, _ in HEADS:
        gold = [gold_label(r, gold_key) for r in rows]
        report(f"system, {title}", gold, [system_label(f, event_key) for f in findings])
    if args.classifier and models.classifier is not None:
        docs = models.nlp.pipe((r["text"] for r in rows), batch_size=64)
        ranked = [_predict(models.classifier, doc, models.lexicon) for doc in docs]
        for title, gold_key, _, head in HEADS:
            gold = [gold_label(r, gold_key) for r in rows]
            report(f"classifier alone, {title}", gold, [x[head][0][0] for x in ranked])


if __name__ == "__main__":
    main()
