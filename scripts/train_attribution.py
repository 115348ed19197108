"""Fit the attribution cue model on PolNeAR's train split and write its weights.

    python scripts/train_attribution.py ../shared/corpora/polnear/train \
        [--out src/eventscribe/resources/attribution-cues.json] [--cache /tmp/polnear-train.spacy]

Each candidate cue from ``find_candidates`` is labelled positive when its word lies inside a
gold Cue span and its content overlaps that attribution's gold Content by at least half of the
shorter span. A logistic regression (scikit-learn, L2, C below) is fit on the candidate features
seen at least twice; the score threshold is the one that maximises candidate F1 in 5-fold
cross-validation on the same split. Only the train split is read: dev stays for figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from polnear import GoldArticle, overlap, read_split

from eventscribe.extract.attribution import candidate_features, find_candidates
from eventscribe.parse import load_nlp

C = 0.5
MIN_COUNT = 5  # a feature seen in fewer candidates gets no weight
MIN_WEIGHT = 0.05  # smaller weights change no decision and only grow the file
DEFAULT_OUT = (
    Path(__file__).resolve().parents[1] / "src/eventscribe/resources/attribution-cues.json"
)


def parse_all(articles: list[GoldArticle], cache: Path | None) -> list[object]:
    """Parse the articles, reading and writing a DocBin cache when one is given."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    if cache is not None and cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe((a.text for a in articles), batch_size=16))
    if cache is not None:
        DocBin(docs=docs).to_disk(cache)
    return docs


def label(article: GoldArticle, cue_idx: int, span: tuple[int, int]) -> int:
    """Return 1 when the candidate is a gold cue with its gold content."""
    for g in article.attributions:
        if any(s <= cue_idx < e for s, e in g.cue) and overlap(g.content, [span]) >= 0.5:
            return 1
    return 0


def main() -> None:
    """Fit, cross-validate the threshold and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    articles = read_split(args.split)
    docs = parse_all(articles, args.cache)
    feats, labels, groups = [], [], []
    for n, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        for c in find_candidates(doc):  # type: ignore[arg-type]
            if c.end > c.start:
                feats.append(candidate_features(c))
                labels.append(label(article, c.cue.idx, (c.start, c.end)))
                groups.append(n)
    counts = Counter(f for fs in feats for f in set(fs))
    vocab = {f: i for i, f in enumerate(sorted(f for f, k in counts.items() if k >= MIN_COUNT))}
    rows = [r for r, fs in enumerate(feats) for f in set(fs) if f in vocab]
    cols = [vocab[f] for fs in feats for f in set(fs) if f in vocab]
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feats), len(vocab)))
    y = np.array(labels)
    model = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=0)
    cv = cross_val_predict(model, x, y, groups=groups, cv=GroupKFold(5), method="predict_proba")
    threshold, f1 = best_threshold(cv[:, 1], y)
    model.fit(x, y)
    weights = {f: round(float(model.coef_[0][i]), 4) for f, i in vocab.items()}
    weights = {f: w for f, w in weights.items() if abs(w) >= MIN_WEIGHT}
    out = {
        "bias": float(model.intercept_[0]),
        "threshold": threshold,
        "weights": weights,
        "trained_on": "PolNeAR v1.0.0 train split",
        "cv_candidate_f1": round(f1, 4),
        "candidates": len(y),
        "positives": int(y.sum()),
    }
    args.out.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(y)} candidates, {int(y.sum())} positive, {len(weights)} weights")
    print(f"5-fold CV candidate F1 {f1:.3f} at threshold {threshold:.2f}; wrote {args.out}")


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Return the threshold with the best F1 of the cross-validated scores, and that F1."""
    best = (0.5, 0.0)
    for t in np.arange(0.2, 0.8, 0.02):
        pred = scores >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + y.sum()) if tp else 0.0
        best = max(best, (round(float(t), 2), f1), key=lambda b: b[1])
    return best


if __name__ == "__main__":
    main()
