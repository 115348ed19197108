"""Whole-system event scores by grouped cross-validation on the real train half.

    python bench/events_cv.py [--folds 5] [--errors] [--cache /tmp/events-cv.pkl]

The real train half (data/real/events/train.jsonl) is cut into ``--folds`` folds by source
document (``doc``). For each fold the classifier is fitted as `eventscribe train` fits it
(``eventscribe.training.fit``: the written train split plus the other folds), and the whole
pipeline runs on the fold's sentences with it, each sentence its own article. The out-of-fold
labels of all sentences are then scored by bench/events.py's own code: PLOVER type macro-F1,
ACLED sub-event weighted and macro F1, per class, the share of labelled events that come back
with none, the non-event false-positive rate. This is the figure designs are chosen by; the
real dev half is never read. ``--leading NAME=VALUE`` tries another judge setting (judge.Leading);
the fits do not depend on it. ``--c`` and ``--no-core`` try another penalty, or the heads
without the predicate core's vector (training.CORE_VECTOR). ``--errors`` adds, per gold
class, where its sentences went (the system's label, the classifier's alone, and whether a
lexicon trigger of the gold type fired).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import events as bench

from eventscribe.extract.events.classifier import (
    EventClassifier,
    make_judge,
    read_examples,
)
from eventscribe.extract.events.triggers import score_sentence
from eventscribe.parse import Parsed, parse_articles
from eventscribe.pipeline import Models, extract_findings, load_models
from eventscribe.records import Article, Findings
from eventscribe.training import CORE_VECTOR, C, featurize, fit, load_split

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "data" / "real" / "events" / "train.jsonl"
WRITTEN = REPO / "data" / "training"
SOURCES = ("classifier.py", "triggers.py", "vectors.py")


def fold_of(doc: str, folds: int) -> int:
    """Return a source document's fold (a stable hash, so folds never depend on order)."""
    return int(hashlib.sha1(doc.encode()).hexdigest(), 16) % folds


def cached_features(
    examples: list[Any], *, models: Models, cache: Path | None, core: bool = CORE_VECTOR
) -> Any:
    """Featurize and embed every example, reusing a cache made by the same feature code."""
    code = REPO / "src" / "eventscribe" / "extract" / "events"
    key = hashlib.sha1(b"".join((code / s).read_bytes() for s in SOURCES))
    key.update((code.parent.parent / "training.py").read_bytes())
    key.update(f"core={core}".encode())
    key.update("\n".join(e.text for e in examples).encode())
    if cache is not None and cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        if stored["key"] == key.hexdigest():
            return stored["features"], stored["vectors"]
    embedder = models.classifier.embedder if models.classifier else None
    features, vectors = featurize(
        examples, nlp=models.nlp, lexicon=models.lexicon, embedder=embedder, core=core
    )
    if cache is not None:
        cache.write_bytes(
            pickle.dumps({"key": key.hexdigest(), "features": features, "vectors": vectors})
        )
    return features, vectors


@dataclass(slots=True)
class Folds:
    """The featurized training data, the fold of each real sentence, its parse."""

    rows: list[dict[str, Any]]
    examples: list[Any]  # the written train split, then the real train half
    features: list[list[str]]
    vectors: Any
    fold: list[int]
    parsed: list[Parsed]
    folds: int


def prepare(
    rows: list[dict[str, Any]],
    *,
    models: Models,
    folds: int,
    cache: Path | None,
    core: bool = CORE_VECTOR,
) -> Folds:
    """Featurize the training data and parse the real sentences once, for every fold."""
    examples = load_split(WRITTEN, "train") + read_examples([REAL])
    features, vectors = cached_features(examples, models=models, cache=cache, core=core)
    articles = (Article(id=str(r["id"]), text=r["text"]) for r in rows)
    return Folds(
        rows=rows,
        examples=examples,
        features=features,
        vectors=vectors,
        fold=[fold_of(str(r["doc"]), folds) for r in rows],
        parsed=list(parse_articles(articles, nlp=models.nlp)),
        folds=folds,
    )


def fit_folds(data: Folds, *, models: Models, **options: Any) -> list[EventClassifier]:
    """Fit one classifier per fold, as `eventscribe train` does, without that fold's docs."""
    written = len(data.examples) - len(data.rows)
    embedder = models.classifier.embedder if models.classifier else None
    fitted = []
    for k in range(data.folds):
        keep = list(range(written))
        keep += [written + i for i, f in enumerate(data.fold) if f != k]
        fitted.append(
            fit(
                [data.examples[i] for i in keep],
                [data.features[i] for i in keep],
                data.vectors[keep] if data.vectors is not None else None,
                embedder=embedder,
                **options,
            )
        )
    return fitted


Reading = dict[str, list[tuple[str, float]]]


def run_folds(
    data: Folds, fitted: list[EventClassifier], *, models: Models
) -> tuple[list[Findings], list[Reading]]:
    """Return each real sentence's findings and classifier reading from the fold without it."""
    findings: list[Any] = [None] * len(data.rows)
    readings: list[Any] = [None] * len(data.rows)
    for k, classifier in enumerate(fitted):
        fold_models = replace(models, classifier=classifier, judge=make_judge(classifier))
        for i in (i for i, f in enumerate(data.fold) if f == k):
            findings[i] = extract_findings(data.parsed[i], models=fold_models)
            span = data.parsed[i].doc[:]
            readings[i] = classifier.predict(span, score_sentence(span, lexicon=models.lexicon))
    return findings, readings


def error_table(
    rows: list[dict[str, Any]],
    findings: list[Findings],
    readings: list[Reading],
    *,
    models: Models,
) -> None:
    """Print, per gold class, where its sentences went: system, classifier alone, trigger."""
    for title, gold_key, event_key, head in bench.HEADS:
        print(f"\nwhere each gold {title} went (out of fold)")
        gold = [bench.gold_label(r, gold_key) for r in rows]
        system = [bench.system_label(f, event_key) for f in findings]
        alone = [x[head][0][0] for x in readings]
        for label, n in Counter(gold).most_common():
            idx = [i for i, g in enumerate(gold) if g == label]
            sys_to = Counter(system[i] for i in idx).most_common(4)
            clf_to = Counter(alone[i] for i in idx).most_common(4)
            line = f"  {label:<34} n={n:<4} system->{_fmt(sys_to)}  classifier->{_fmt(clf_to)}"
            if head == "plover" and label != bench.NONE:
                fired = sum(_fires(models, rows[i]["text"], label) for i in idx)
                line += f"  trigger fired {fired}/{n}"
            print(line)


def _fires(models: Models, text: str, type_: str) -> bool:
    doc = models.nlp(text)
    return any(c.type == type_ for c in score_sentence(doc[:], lexicon=models.lexicon))


def _fmt(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{label} {n}" for label, n in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", action="store_true", help="Also print where errors go.")
    parser.add_argument("--cache", type=Path, help="Feature cache file (reused if current).")
    parser.add_argument(
        "--leading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Override one judge.Leading setting (repeatable), to try another one.",
    )
    parser.add_argument("--c", type=float, default=C, help="The heads' inverse L2 penalty.")
    parser.add_argument(
        "--no-core", action="store_true", help="Leave the predicate core's vector out."
    )
    args = parser.parse_args()
    models = load_models()
    overrides = {k: float(v) for k, v in (item.split("=", 1) for item in args.leading)}
    models = replace(models, leading=replace(models.leading, **overrides))
    rows = bench.read_rows(REAL)
    started = time.perf_counter()
    data = prepare(rows, models=models, folds=args.folds, cache=args.cache, core=not args.no_core)
    fitted = fit_folds(data, models=models, c=args.c)
    findings, readings = run_folds(data, fitted, models=models)
    print(
        f"{REAL}: {len(rows)} sentences, {args.folds} folds by doc, {time.perf_counter() - started:.0f} s"
    )
    for title, gold_key, event_key, head in bench.HEADS:
        gold = [bench.gold_label(r, gold_key) for r in rows]
        bench.report(
            f"CV system, {title}", gold, [bench.system_label(f, event_key) for f in findings]
        )
        bench.report(f"CV classifier alone, {title}", gold, [x[head][0][0] for x in readings])
    if args.errors:
        error_table(rows, findings, readings, models=models)


if __name__ == "__main__":
    main()
