"""Fit the place candidate ranker on the tuning halves of TR-News and GeoVirus.

    PYTHONPATH=src python scripts/train_place_ranker.py [--corpora /work/shared/corpora] \
        [--out src/eventscribe/resources/places/ranker.json]

Each article's mentions are found and resolved with the hand weights (``HAND_WEIGHTS``), so
the context features (the other mentions' choices) are what the resolver sees at run time.
For every mention that overlaps a gold toponym with coordinates, a candidate is right when it
lies within 161 km of the gold point. Each (right, wrong) candidate pair of one mention gives
the difference of their feature vectors; a logistic regression without intercept (scikit-learn,
L2, ``C`` below) on those differences is a pairwise ranker whose weights score candidates
linearly. The hand-weighted features enter as one (their weighted sum), so the fit only
says how much the new features count against them. A mention contributes its ``MAX_WRONG`` best-scored wrong candidates at most, so
"Washington" with a hundred namesakes does not outweigh the rest. Only the tuning halves
(``bench/places.py`` splits by a hash of the document id) are read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from places import KM_LIMIT, half_of, haversine_km, read_geovirus, read_trnews

from eventscribe.extract import places as P
from eventscribe.gazetteer import load_gazetteer
from eventscribe.parse import load_nlp

C = 1.0
MAX_WRONG = 10
# The features fitted freely; the others keep their hand weights' proportions (they encode
# rules the unit tests pin: a type word picks the division, a dateline picks the country).
FREE = ("list_kin", "near", "far")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/eventscribe/resources/places/ranker.json"


def pairs(corpora: Path) -> tuple[np.ndarray, int]:
    """Return the (right - wrong) feature differences and the number of mentions they came from."""
    nlp, gazetteer = load_nlp(), load_gazetteer()
    docs = read_trnews(corpora / "geoparsing" / "TR-News.xml")
    docs += read_geovirus(corpora / "geoparsing" / "GeoVirus.xml")
    docs = [d for d in docs if half_of(d.id) == "tune"]
    rows, used = [], 0
    for doc, parsed in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        mentions = P._find_mentions(parsed, gazetteer)
        P._resolve(mentions, P.HAND_WEIGHTS)
        evidence = P._country_evidence(mentions)
        for m in mentions:
            gold = next((g for g in doc.gold if g.start < m.end and m.start < g.end), None)
            if gold is None or gold.lat is None or gold.lon is None or len(m.candidates) < 2:
                continue
            feats = [P.candidate_features(c, m, mentions, evidence) for c in m.candidates]
            right = [
                haversine_km(c.lat, c.lon, gold.lat, gold.lon) <= KM_LIMIT for c in m.candidates
            ]
            hand = [sum(w * f for w, f in zip(P.HAND_WEIGHTS, x, strict=True)) for x in feats]
            wrong = sorted((i for i, r in enumerate(right) if not r), key=lambda i: -hand[i])
            good = [i for i, r in enumerate(right) if r]
            if not good or not wrong:
                continue
            used += 1
            for i in good:
                for j in wrong[:MAX_WRONG]:
                    rows.append(np.subtract(feats[i], feats[j]))
    return np.array(rows), used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    diffs, used = pairs(args.corpora)
    hand = np.array(P.HAND_WEIGHTS)
    free = np.array([name in FREE for name in P.RANKER_FEATURES])
    # The hand-weighted score is one feature, the new evidence the others: the fit scales the
    # hand weights as a block and weighs the new features against them.
    reduced = np.column_stack([diffs[:, ~free] @ hand[~free], diffs[:, free]])
    x = np.vstack([reduced, -reduced])
    y = np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=1000).fit(x, y)
    scale, *extra = (float(w) for w in model.coef_[0])
    full = np.where(free, 0.0, hand)
    full[free] = np.array(extra) / scale
    weights = [round(float(w), 4) for w in full]
    hand_ok = float(np.mean(diffs @ np.array(P.HAND_WEIGHTS) > 0))
    fit_ok = float(np.mean(diffs @ np.array(weights) > 0))
    print(
        f"{used} mentions, {len(diffs)} pairs; pairs ranked right: hand {hand_ok:.3f}, fitted {fit_ok:.3f}"
    )
    for name, w in zip(P.RANKER_FEATURES, weights, strict=True):
        print(f"  {name:12s} {w:+.4f}")
    data = {
        "features": list(P.RANKER_FEATURES),
        "weights": weights,
        "trained_on": "tuning halves of TR-News and GeoVirus (scripts/train_place_ranker.py)",
        "pairs": len(diffs),
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
