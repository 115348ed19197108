"""Train the event place picker on the tuning half of the real event-location sentences.

Run (from the repository root):
    PYTHONPATH=src python scripts/train_place_picker.py            # writes the packaged weights
    PYTHONPATH=src python scripts/train_place_picker.py --dry-run  # cross-validation only

Each sentence of /work/shared/corpora/event-location-dev.jsonl in bench/places.py's "tune" half
(the "held" half is never read) is run through the whole pipeline; every draft's place options
(``placing.place_options``) are recorded. The draft on the annotated VERB (else the nearest one
in its sentence) learns: its gold option is the place overlapping the LOCATION span, or "no
place" when the sentence names none; a sentence whose LOCATION no option overlaps (the place
stage missed the toponym) teaches nothing and is counted. The model is gradient-boosted
regression trees (``TREES``) over each option's features in their draft's context
(``placing.in_context``), fitted as "is this option the gold one"; a draft takes its
highest-scoring option. It is scored by 5-fold cross-validation over sentences, folds drawn
with a fixed seed, next to the conditional logit (softmax over one draft's options, L2
penalty ``PENALTY``) the picker used before: on these folds the trees pick the gold option
more often, mostly for located events. The fit is seeded, so the trees are the same on every
run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.ensemble import GradientBoostingClassifier
from spacy.tokens import Token

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from places import CORPORA, EventRow, half_of, read_event_rows

from eventscribe.extract.events.placing import (
    FEATURES,
    FORMAT_VERSION,
    PACKAGED,
    PlaceOption,
    in_context,
)
from eventscribe.parse import Parsed
from eventscribe.pipeline import extract_findings, load_models
from eventscribe.records import Article

SEED = 20261203
PENALTY = 1.0  # the conditional logit's best on these folds (0.01 to 3.0 are within 0.005)
TREES = {"n_estimators": 400, "learning_rate": 0.05, "max_leaf_nodes": 15,
         "min_samples_leaf": 20, "subsample": 0.7}  # fmt: skip
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


Scorer = Callable[["Group"], np.ndarray]


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


def fit_trees(groups: list[Group]) -> GradientBoostingClassifier:
    """Fit the trees on every option of every group: is this the gold option?"""
    x = np.vstack([in_context(g.x) for g in groups])
    y = np.concatenate([g.gold for g in groups]).astype(int)
    return GradientBoostingClassifier(random_state=SEED, **TREES).fit(x, y)  # type: ignore[arg-type]


def tree_scorer(model: GradientBoostingClassifier) -> Scorer:
    return lambda g: np.asarray(model.decision_function(in_context(g.x)))


def export_trees(model: GradientBoostingClassifier) -> dict[str, list[float] | list[int]]:
    """Return the trees flat (placing.TreeEnsemble), leaf values scaled by the learning rate."""
    out: dict[str, list] = {k: [] for k in ("feature", "threshold", "left", "right", "value")}
    roots = []
    for estimator in model.estimators_[:, 0]:
        t, base = estimator.tree_, len(out["feature"])
        roots.append(base)
        leaf = t.children_left < 0
        out["feature"] += [0 if lf else int(f) for f, lf in zip(t.feature, leaf, strict=True)]
        out["threshold"] += [round(float(v), 6) for v in t.threshold]
        out["left"] += [
            -1 if lf else base + int(c) for c, lf in zip(t.children_left, leaf, strict=True)
        ]
        out["right"] += [
            -1 if lf else base + int(c) for c, lf in zip(t.children_right, leaf, strict=True)
        ]
        out["value"] += [round(float(v) * model.learning_rate, 6) for v in t.value[:, 0, 0]]
    return {**out, "roots": roots}


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


def logit_scorer(w: np.ndarray) -> Scorer:
    return lambda g: g.x @ w


def _padded(groups: list[Group]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(g.gold) for g in groups)
    x = np.zeros((len(groups), width, len(FEATURES)))
    valid = np.zeros((len(groups), width), dtype=bool)
    gold = np.zeros((len(groups), width))
    for n, g in enumerate(groups):
        x[n, : len(g.gold)], valid[n, : len(g.gold)], gold[n, : len(g.gold)] = g.x, True, g.gold
    return x, valid, gold


def accuracy(groups: list[Group], score: Scorer, *, located: bool | None = None) -> float:
    """Return the share of groups whose best option is gold (only located ones, or not)."""
    kept = [g for g in groups if located is None or bool(g.gold[0]) != located]
    return float(np.mean([g.gold[int(np.argmax(score(g)))] for g in kept]))


def cross_validate(
    groups: list[Group], train: Callable[[list[Group]], Scorer], *, folds: int = 5
) -> dict[str, float]:
    """Return the out-of-fold option accuracy: all groups, located ones, unlocated ones."""
    keys = sorted({g.key for g in groups})
    random.Random(SEED).shuffle(keys)
    fold_of = {k: n % folds for n, k in enumerate(keys)}
    picked: list[tuple[Group, Scorer]] = []
    for k in range(folds):
        score = train([g for g in groups if fold_of[g.key] != k])
        picked += [(g, score) for g in groups if fold_of[g.key] == k]
    right = [(g, bool(g.gold[int(np.argmax(score(g)))])) for g, score in picked]
    return {
        "all": float(np.mean([r for _, r in right])),
        "located": float(np.mean([r for g, r in right if not g.gold[0]])),
        "unlocated": float(np.mean([r for g, r in right if g.gold[0]])),
    }


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
    logit = cross_validate(groups, lambda gs: logit_scorer(fit(gs, PENALTY)))
    trees = cross_validate(groups, lambda gs: tree_scorer(fit_trees(gs)))
    for name, acc in (("conditional logit", logit), ("boosted trees", trees)):
        cells = "  ".join(f"{k} {v:.3f}" for k, v in acc.items())
        print(f"  {name:18s} cross-validated option accuracy: {cells}")
    model = fit_trees(groups)
    score = tree_scorer(model)
    print(f"  on the tuning groups: accuracy {accuracy(groups, score):.3f}, "
          f"located {accuracy(groups, score, located=True):.3f}, "
          f"unlocated {accuracy(groups, score, located=False):.3f}")  # fmt: skip
    if args.dry_run:
        return
    meta = {"trained_on": "event-location-dev.jsonl, tune half", "groups": len(groups),
            "trees": TREES, "cv_accuracy": round(trees["all"], 4), "seed": SEED}  # fmt: skip
    data = {"format": FORMAT_VERSION, "features": list(FEATURES),
            "trees": export_trees(model), "meta": meta}  # fmt: skip
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    print(f"  wrote {OUT}")


if __name__ == "__main__":
    main()
