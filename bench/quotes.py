"""Score quote extraction on the hand-written dev set: span precision/recall and speaker accuracy.

    python bench/quotes.py [--data bench/data/quotes_dev.jsonl] [--show]
    python bench/quotes.py --polnear ../shared/corpora/polnear/dev [--show] [--limit N]

With ``--polnear DIR`` it scores every attribution of a PolNeAR split instead (see
``bench/polnear.py``): a predicted content matches a gold content when they overlap by at least
half of the shorter one (greedy 1:1, best overlap first; quotes that share a cue count as one
discontinuous content, as PolNeAR annotates them). Speaker accuracy is over matched pairs whose
gold attribution has a source: the predicted speaker span overlaps the gold Source span, or the
resolved speaker's name is said in it. Time per document is reported for parsing and for
actors + quotes.

``quotes_dev.jsonl`` (26 texts, 56 quotes) was used while developing; ``quotes_heldout.jsonl``
(10 texts, 19 quotes) was written afterwards and scored once before any fix it prompted.

A predicted quote matches a gold quote when their character spans overlap by at least half of
the shorter one (each gold quote matches at most one prediction). Speaker accuracy is over the
matched pairs: the predicted speaker's canonical name equals the gold one (null equals null).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eventscribe.extract.actors.stage import find_actors, load_actor_dictionary
from eventscribe.extract.quotes import extract_quotes
from eventscribe.parse import load_nlp
from eventscribe.records import Quote

DEFAULT_DATA = Path(__file__).parent / "data" / "quotes_dev.jsonl"


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Return the overlap of two spans as a share of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(0, inter) / shorter if shorter > 0 else 0.0


def match(
    gold: list[dict[str, object]], predicted: list[Quote]
) -> list[tuple[dict[str, object], Quote]]:
    """Pair gold and predicted quotes greedily by overlap."""
    pairs = []
    free = list(predicted)
    for g in gold:
        span = (int(g["start"]), int(g["end"]))  # type: ignore[call-overload]
        best = max(free, key=lambda q: overlap(span, (q.start, q.end)), default=None)
        if best is not None and overlap(span, (best.start, best.end)) >= 0.5:
            pairs.append((g, best))
            free.remove(best)
    return pairs


def main() -> None:
    """Run the benchmark and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", action="store_true", help="print every miss and wrong speaker")
    parser.add_argument("--polnear", type=Path, help="a PolNeAR split (DIR/text, DIR/attributions)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles")
    parser.add_argument(
        "--cache", type=Path, help="a DocBin of the split's parses (read if present)"
    )
    args = parser.parse_args()
    if args.polnear is not None:
        score_polnear(args.polnear, show=args.show, limit=args.limit, cache=args.cache)
        return
    nlp, dictionary = load_nlp(), load_actor_dictionary()
    n_gold = n_pred = n_match = n_speaker = 0
    for line in args.data.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        doc = nlp(item["text"])
        actors = find_actors(doc, dictionary=dictionary, country_hint=item.get("country_hint"))
        predicted = extract_quotes(doc, actors=actors)
        pairs = match(item["quotes"], predicted)
        n_gold, n_pred, n_match = (
            n_gold + len(item["quotes"]),
            n_pred + len(predicted),
            n_match + len(pairs),
        )
        for g, q in pairs:
            said = q.speaker.name if q.speaker else None
            n_speaker += said == g["speaker"]
            if args.show and said != g["speaker"]:
                print(f"{item['id']}: speaker {said!r} != {g['speaker']!r} for {g['text'][:50]!r}")
        if args.show:
            matched = {id(q) for _, q in pairs}
            for q in predicted:
                if id(q) not in matched:
                    print(f"{item['id']}: extra {q.kind} {q.text[:60]!r}")
            for g in item["quotes"]:
                if all(g is not pg for pg, _ in pairs):
                    print(f"{item['id']}: missed {g['kind']} {g['text'][:60]!r}")
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    print(f"quotes: gold {n_gold}, predicted {n_pred}, matched {n_match}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    print(
        f"speaker accuracy (matched) {n_speaker / n_match if n_match else 0.0:.3f}  ({n_speaker}/{n_match})"
    )


def score_polnear(directory: Path, *, show: bool, limit: int, cache: Path | None) -> None:
    """Score quotes on a PolNeAR split and print P/R/F1, speaker accuracy and time per document."""
    sys.path.insert(0, str(Path(__file__).parent))
    from polnear import group_predictions, read_split, speaker_right
    from polnear import match as match_polnear

    articles = read_split(directory)[: limit or None]
    nlp, dictionary = load_nlp(), load_actor_dictionary()
    cached = _cached_docs(nlp, cache)
    n_gold = n_pred = n_match = n_sourced = n_speaker = 0
    parse_s = extract_s = 0.0
    for n, article in enumerate(articles):
        t0 = time.perf_counter()
        doc = cached[n] if cached else nlp(article.text)
        t1 = time.perf_counter()
        actors = find_actors(doc, dictionary=dictionary)
        predicted = group_predictions(extract_quotes(doc, actors=actors))
        t2 = time.perf_counter()
        parse_s, extract_s = parse_s + t1 - t0, extract_s + t2 - t1
        pairs = match_polnear(article.attributions, predicted)
        n_gold, n_pred, n_match = (
            n_gold + len(article.attributions),
            n_pred + len(predicted),
            n_match + len(pairs),
        )
        for g, p in pairs:
            if g.source is not None:
                n_sourced += 1
                right = speaker_right(article.text, g, p)
                n_speaker += right
                if show and not right:
                    q = p.quotes[0]
                    src = " ".join(article.text[s:e] for s, e in g.source)
                    said = f"{q.speaker_text!r} -> {q.speaker.name if q.speaker else None!r}"
                    print(f"{article.name}: speaker {said} != {src!r} ({q.kind}, cue {q.cue!r})")
        if show:
            _show_polnear(article, pairs, predicted)
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"PolNeAR {directory}: {len(articles)} articles")
    print(f"contents: gold {n_gold}, predicted {n_pred}, matched {n_match}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    acc = n_speaker / n_sourced if n_sourced else 0.0
    print(f"speaker accuracy (matched, gold source) {acc:.3f}  ({n_speaker}/{n_sourced})")
    n = max(len(articles), 1)
    print(
        f"time per document: parse {parse_s / n * 1000:.0f} ms, actors+quotes {extract_s / n * 1000:.0f} ms"
    )


def _cached_docs(nlp: object, cache: Path | None) -> list[object]:
    if cache is None or not cache.exists():
        return []
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(cache).get_docs(nlp.vocab))  # type: ignore[attr-defined]


def _show_polnear(article: object, pairs: list[object], predicted: list[object]) -> None:
    matched_g = {id(g) for g, _ in pairs}  # type: ignore[misc]
    matched_p = {id(p) for _, p in pairs}  # type: ignore[misc]
    text = article.text  # type: ignore[attr-defined]
    for p in predicted:
        if id(p) not in matched_p:
            q = p.quotes[0]  # type: ignore[attr-defined]
            print(f"{article.name}: extra {q.kind} [{q.cue}] {q.text[:70]!r}")  # type: ignore[attr-defined]
    for g in article.attributions:  # type: ignore[attr-defined]
        if id(g) not in matched_g:
            content = " ".join(text[s:e] for s, e in g.content)
            cue = " ".join(text[s:e] for s, e in g.cue)
            print(f"{article.name}: missed [{cue}] {content[:70]!r}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
