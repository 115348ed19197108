"""Train the event place picker on the tuning half of the real event-location sentences.

Run (from the repository root):
    PYTHONPATH=src python scripts/train_place_picker.py            # writes the packaged weights
    PYTHONPATH=src python scripts/train_place_picker.py --dry-run  # cross-validation only

Each sentence of /work/shared/corpora/event-location-dev.jsonl in bench/places.py's "tune" half
(the "held" half is never read) is run through the whole pipeline; every draft's place options
(``placing.place_options``) are recorded. The draft on the annotated VERB (else the nearest one
in its sentence) learns: its gold option is the place overlapping the LOCATION span, or "no
place" when the sentence names none; a sentence whose LOCATION no option overlaps (the place
stage missed the toponym) teaches nothing and is counted. The model is a conditional logit
(softmax over one draft's options) with an L2 penalty chosen by 5-fold cross-validation over
sentences (the strongest within half a point of the best), folds drawn with a fixed seed; it is fitted with L-BFGS, so the weights are the
same on every run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from spacy.tokens import Token

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from places import CORPORA, EventRow, half_of, read_event_rows

from eventscribe.extract.events.placing import (
    FEATURES,
    FORMAT_VERSION,
    PACKAGED,
    PlaceOption,
)
from eventscribe.parse import Parsed
from eventscribe.pipeline import extract_findings, load_models
from eventscribe.records import Article

SEED = 20261203
PENALTIES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
OUT = Path(__file__).resolve().parent.parent / "src" / "eventscribe" / "resources" / PACKAGED


@dataclass(slots=True)
class Recorded:
    anchor_idx: int
    sent: tuple[int, int]
    options: list[tuple[tuple[int, int] | None, dict[str, float]]]


@dataclass(slots=True)
class Recorder:
    """A place chooser that keeps every draft's options and picks "no place"."""

    seen: dict[str, list[Recorded]] = field(default_factory=dict)

    def choose(self, anchor: Token, options: Sequence[PlaceOption]) -> PlaceOption:
        sent = anchor.sent
        kept = [((o.place.start, o.place.end) if o.place else None, o.features) for o in options]
        rec = Recorded(anchor.idx, (sent.start_char, sent.end_char), kept)
        self.seen.setdefault(anchor.doc.text, []).append(rec)
        return options[0]


@dataclass(slots=True)
class Group:
    key: str  # the sentence, for folds
    x: np.ndarray  # options x features
    gold: np.ndarray  # bool per option
    spans: list[tuple[int, int] | None]  # each option's place, for error listings


def record(rows: list[EventRow]) -> Recorder:
    """Run the pipeline on every sentence, recording each draft's place options."""
    recorder = Recorder()
    models = load_models()
    models.place_picker = recorder  # type: ignore[assignment]
    texts = sorted({r.text for r in rows})
    for text, doc in zip(texts, models.nlp.pipe(texts, batch_size=64), strict=True):
        article = Article(id=hashlib.sha1(text.encode()).hexdigest()[:12], text=text)
        extract_findings(Parsed(article=article, doc=doc), models=models)
    return recorder


def draft_of(row: EventRow, recorded: list[Recorded]) -> Recorded | None:
    """Return the recorded draft on the row's verb, else the nearest in the verb's sentence."""
    on = [r for r in recorded if row.verb[0] <= r.anchor_idx < row.verb[1]]
    if on:
        return on[0]
    same = [r for r in recorded if r.sent[0] <= row.verb[0] < r.sent[1]]
    return min(same, key=lambda r: abs(r.anchor_idx - row.verb[0]), default=None)


def build_groups(rows: list[EventRow], recorder: Recorder) -> tuple[list[Group], Counter[str]]:
    """Return one training group per row whose draft was found, and what happened to each."""
    groups, tally = [], Counter[str]()
    for row in rows:
        rec = draft_of(row, recorder.seen.get(row.text, []))
        kind = "located" if row.location else "unlocated"
        if rec is None:
            tally[f"{kind}: no picked draft on the verb (none, or a statement)"] += 1
            continue
        gold = np.array([_is_gold(span, row) for span, _ in rec.options])
        if not gold.any():
            tally[f"{kind}: gold place not among the options"] += 1
            continue
        tally[f"{kind}: trainable"] += 1
        x = np.array([[f.get(n, 0.0) for n in FEATURES] for _, f in rec.options])
        groups.append(Group(row.text, x, gold, [span for span, _ in rec.options]))
    return groups, tally


def _is_gold(span: tuple[int, int] | None, row: EventRow) -> bool:
    if span is None:
        return not row.location
    return any(span[0] < e and b < span[1] for b, e in row.location)


def fit(groups: list[Group], penalty: float) -> np.ndarray:
    """Fit the conditional logit: maximise log P(gold options) under an L2 penalty."""
    x, valid, gold = _padded(groups)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = np.where(valid, x @ w, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        q = p * gold
        mass = q.sum(axis=1, keepdims=True)
        total = penalty * float(w @ w) / 2 - float(np.log(mass).sum())
        grad = penalty * w + np.einsum("gk,gkf->f", p - q / mass, x)
        return total, grad

    result = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B")
    return np.asarray(result.x)


def _padded(groups: list[Group]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(g.gold) for g in groups)
    x = np.zeros((len(groups), width, len(FEATURES)))
    valid = np.zeros((len(groups), width), dtype=bool)
    gold = np.zeros((len(groups), width))
    for n, g in enumerate(groups):
        x[n, : len(g.gold)], valid[n, : len(g.gold)], gold[n, : len(g.gold)] = g.x, True, g.gold
    return x, valid, gold


def accuracy(groups: list[Group], w: np.ndarray, *, located: bool | None = None) -> float:
    """Return the share of groups whose best option is gold (only located ones, or not)."""
    kept = [g for g in groups if located is None or bool(g.gold[0]) != located]
    return float(np.mean([g.gold[int(np.argmax(g.x @ w))] for g in kept]))


def cross_validate(groups: list[Group], penalty: float, *, folds: int = 5) -> float:
    keys = sorted({g.key for g in groups})
    random.Random(SEED).shuffle(keys)
    fold_of = {k: n % folds for n, k in enumerate(keys)}
    right = 0.0
    for k in range(folds):
        train = [g for g in groups if fold_of[g.key] != k]
        test = [g for g in groups if fold_of[g.key] == k]
        right += accuracy(test, fit(train, penalty)) * len(test)
    return right / len(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    rows = read_event_rows(args.corpora / "event-location-dev.jsonl")
    rows = [r for r in rows if half_of(r.text) == "tune"]
    groups, tally = build_groups(rows, record(rows))
    for what, n in sorted(tally.items()):
        print(f"  {what:60s} {n}")
    scores = {c: cross_validate(groups, c) for c in PENALTIES}
    for c, acc in scores.items():
        print(f"  penalty {c:<5} cross-validated option accuracy {acc:.3f}")
    # the strongest penalty within half a point of the best: steadier weights, same accuracy
    best = max(c for c in PENALTIES if scores[c] >= max(scores.values()) - 0.005)
    w = fit(groups, best)
    print(f"  chosen penalty {best}; on the tuning groups: accuracy {accuracy(groups, w):.3f}, "
          f"located {accuracy(groups, w, located=True):.3f}, "
          f"unlocated {accuracy(groups, w, located=False):.3f}")  # fmt: skip
    for name, weight in sorted(zip(FEATURES, w, strict=True), key=lambda nw: -abs(nw[1]))[:15]:
        print(f"    {name:18s} {weight:+.2f}")
    if args.dry_run:
        return
    meta = {"trained_on": "event-location-dev.jsonl, tune half", "groups": len(groups),
            "penalty": best, "cv_accuracy": round(scores[best], 4), "seed": SEED}  # fmt: skip
    data = {"format": FORMAT_VERSION, "features": list(FEATURES),
            "weights": [round(float(v), 5) for v in w], "meta": meta}  # fmt: skip
    OUT.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    print(f"  wrote {OUT}")


if __name__ == "__main__":
    main()
