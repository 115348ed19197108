"""Event typing on the dev sentences of data/training: the whole pipeline, then the classifier.

    python bench/events.py [--data data/training]

Each dev sentence is run as its own article. The system's label for a sentence is the type of
its most confident event (a sentence about police firing on a march has both an ASSAULT and a
PROTEST: the second view below counts the labelled type found among all its events) (NONE when it emits none; events with a negated, hypothetical or future
context count as NONE, since the dev labels describe what happened). Prints per-class precision,
recall and F1 for PLOVER types and ACLED sub-event types, the macro-F1 of each, the non-event
false-positive rate, and sentences/second of the full pipeline (after loading).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eventscribe.pipeline import iter_findings, load_models
from eventscribe.records import Article, Findings
from eventscribe.training import NONE, dev_report, macro_f1, score

REPO = Path(__file__).resolve().parent.parent
UNREAL = {"negated", "hypothetical", "future"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data" / "training")
    parser.add_argument(
        "--min-confidence", type=float, default=0.0, help="Ignore events below this confidence."
    )
    args = parser.parse_args()
    models = load_models()
    rows = [
        json.loads(line)
        for path in sorted((args.data / "dev").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    articles = [Article(id=str(r["id"]), text=r["text"]) for r in rows]
    started = time.perf_counter()
    findings = [f for _, f in iter_findings(articles, models=models)]
    seconds = time.perf_counter() - started
    print(f"{len(rows)} dev sentences, full pipeline {len(rows) / seconds:.1f} sentences/s")
    for head, gold_key, event_key in (
        ("PLOVER type", "plover_type", "type"),
        ("ACLED sub-event type", "acled_sub_event_type", "acled_sub_event_type"),
    ):
        gold = [r.get(gold_key) or NONE for r in rows]
        predicted = [_label(f, event_key, args.min_confidence) for f in findings]
        title = f"system (rules + classifier), {head}, events >= {args.min_confidence}"
        _print_head(title, gold, predicted)
        found = sum(
            g in _labels(f, event_key, args.min_confidence)
            for g, f in zip(gold, findings, strict=True)
            if g != NONE
        )
        events = sum(g != NONE for g in gold)
        print(
            f"  the labelled {head} is among the sentence's events (not only the most confident):"
            f" {found}/{events} = {found / max(events, 1):.3f}"
        )
    from eventscribe.extract.classifier import load_classifier

    print("\nclassifier alone:")
    print(dev_report(load_classifier(), args.data, nlp=models.nlp))


def _labels(findings: Findings, key: str, min_confidence: float) -> set[str]:
    return {
        str(getattr(e, key))
        for e in findings.events
        if not UNREAL & set(e.contexts) and e.confidence >= min_confidence
    }


def _label(findings: Findings, key: str, min_confidence: float) -> str:
    real = [
        e
        for e in findings.events
        if not UNREAL & set(e.contexts) and e.confidence >= min_confidence
    ]
    if not real:
        return NONE
    best = max(real, key=lambda e: e.confidence)
    return str(getattr(best, key) or NONE)


def _print_head(title: str, gold: list[str], predicted: list[str]) -> None:
    scores = score(gold, predicted)
    false_pos = sum(g == NONE != p for g, p in zip(gold, predicted, strict=True))
    negatives = gold.count(NONE)
    print(
        f"\n{title}: macro-F1 {macro_f1(scores):.3f}; non-event false-positive rate "
        f"{false_pos}/{negatives} = {false_pos / max(negatives, 1):.3f}"
    )
    for s in scores:
        print(f"  {s.label:<38}P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.2f}  n={s.support}")


if __name__ == "__main__":
    main()
