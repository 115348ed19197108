"""A `run` without the models, for tests that kill it or race two of them (used as a script).

    python tests/integration/run_harness.py CORPUS.jsonl DB [--batch-size N]

Everything but the spaCy stages is the real thing: ``read_inputs``, ``run_into`` with its
near-duplicate index, the SQLite store and ``cluster_new_events``. The extraction step is a
small deterministic coder (one event per sentence that names a keyword, with an actor, a place
and a quote), so a run over hundreds of articles takes seconds and writes every table. The
crash tests need many runs; the model itself is exercised by the CLI tests.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from eventscribe.ingest import read_inputs
from eventscribe.pipeline import Item, cluster_new_events, failure_findings, run_into
from eventscribe.records import Actor, Article, Evidence, Findings, Place, Quote, make_event_id
from eventscribe.store import open_store

KEYWORDS = {"protested": "PROTEST", "clashed": "ASSAULT", "arrested": "COERCE", "met": "CONSULT"}
CITIES = ["Lagos", "Shiraz", "Goma", "Lima", "Tunis", "Basra", "Accra", "Juba"]
WORDS = ["river", "market", "council", "harbour", "union", "bread", "water", "fuel", "school", "clinic", "bridge", "road", "mine", "court", "station", "tower", "village", "district", "farm", "port", "square", "office"]  # fmt: skip
_SENTENCE = re.compile(r"[^.]+\.")


def write_corpus(path: Path, *, articles: int, seed: int = 7, first: int = 0) -> Path:
    """Write short, distinct articles (and a few exact and near copies) as JSONL."""
    rows = []
    for n in range(first, first + articles):
        rng = random.Random(f"{seed}-{n}")  # article n is the same in every corpus
        city, verb = rng.choice(CITIES), rng.choice(list(KEYWORDS))
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        text = (f"Workers {verb} in {city} on Monday over the {words}. "
                f'"We want {rng.choice(WORDS)}," said a spokesman. Article {n} ends here.')  # fmt: skip
        rows.append({"id": f"a{n}", "text": text, "published": f"2024-03-{1 + n % 28:02d}"})
        if n % 25 == 3:  # a syndicated copy: the same text under another id
            rows.append({"id": f"a{n}-copy", "text": text, "published": rows[-1]["published"]})
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)
    return path


def code_article(article: Article) -> Findings:
    """Code one article: an event per keyword sentence, its place and actor, and the quote."""
    findings = Findings(id=article.id, title=article.title, published=article.published)
    for match in _SENTENCE.finditer(article.text):
        sentence = match.group(0)
        for word, type_ in KEYWORDS.items():
            if word in sentence:
                findings.events.append(_event(article, match.start(), match.end(), type_))
    if '"' in article.text:
        start = article.text.index('"') + 1
        end = article.text.index('"', start)
        findings.quotes.append(Quote(text=article.text[start:end], start=start, end=end,
                                     kind="direct", cue="said"))  # fmt: skip
    findings.places = [e.location for e in findings.events if e.location is not None]
    findings.actors = [a for e in findings.events for a in e.source_actors]
    return findings


def _event(article: Article, start: int, end: int, type_: str) -> object:
    from eventscribe.records import Event

    text = article.text[start:end]
    city = next((c for c in CITIES if c in text), None)
    place = None
    if city is not None:
        at = article.text.index(city, start)
        place = Place(name=city, text=city, start=at, end=at + len(city), country="XXX")
    workers = Actor(name="workers", text="Workers", start=start, end=start + 7, kind="group")
    return Event(
        event_id=make_event_id(article.content_hash, start, end, type_, None), type=type_,  # type: ignore[arg-type]
        source_actors=[workers], location=place, date=article.published, date_precision="day",
        evidence=Evidence(text=text, start=start, end=end), confidence=0.7,
    )  # fmt: skip


def process(batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[Findings]]]:
    """The batch mapper run_into takes: code every article, pass failures through."""
    for batch in batches:
        found = [
            code_article(item) if isinstance(item, Article)
            else failure_findings(item, item.stage, item.message)
            for item in batch
        ]  # fmt: skip
        yield batch, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("db")
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()
    with open_store(args.db) as store:
        summary = run_into(
            read_inputs([args.corpus]), store=store, process=process, batch_size=args.batch_size
        )
        cluster_new_events(store, summary)
    print(json.dumps({"articles": summary.articles, "stored": summary.stored,
                      "already_stored": summary.already_stored, "duplicates": summary.duplicates,
                      "events": summary.events, "failures": len(summary.failures)}))  # fmt: skip


if __name__ == "__main__":
    main()
