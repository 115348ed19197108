"""Per-stage profile of full extraction on one process: where every second goes.

    python bench/stage_profile.py --data FILE.jsonl [--batch-size 32] [--cprofile 25]

One in-process pass over the articles, timing (CPU seconds of this process, which other work
on a shared machine disturbs little; start-up in wall seconds):

- start-up: importing the pipeline, then each loader ``load_models`` calls (spaCy, gazetteer,
  actor dictionary, lexicon, classifier, calibrator, ...), the language identifier and the
  first article;
- ingest: reading the articles and detecting their language (the parent's work);
- spaCy parse, per component (the tokenizer, then each pipe over the whole batch);
- each extraction stage ``extract_findings`` calls (every function it takes from the
  extraction modules), and inside them the gazetteer lookups, the classifier and sentence
  judge, and the calibrator;
- serialisation (``to_json`` and ``json.dumps``; orjson too when installed), and what ``run``
  adds: the near-duplicate index, saving into SQLite, merging across articles.

The stage functions are wrapped where ``pipeline`` looks them up, so a stage added to
``extract_findings`` shows up without editing this file. Nested rows (indented: lookups and
models called from inside stages) are taken off their callers: every row is a stage's own
time, and the rows add up. ``--cprofile N`` adds the N most expensive functions (cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
import json
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The stages are timed in CPU seconds of this process (a shared machine's other work does
# not count); start-up, a latency, in wall seconds.
CLOCK = time.process_time
TOTALS: dict[str, float] = defaultdict(float)  # own time: nested timed calls taken off
CALLS: dict[str, int] = defaultdict(int)
FAILURES: list[str] = []
_NESTED: list[float] = []  # per open timed call: the time of the timed calls inside it


def timed(
    name: str, func: Callable[..., Any], clock: Callable[[], float] = CLOCK
) -> Callable[..., Any]:
    """Return ``func`` adding its own wall time (less nested timed calls) to TOTALS[name]."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        _NESTED.append(0.0)
        try:
            return func(*args, **kwargs)
        finally:
            elapsed = clock() - started
            TOTALS[name] += elapsed - _NESTED.pop()
            CALLS[name] += 1
            if _NESTED:
                _NESTED[-1] += elapsed

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    startup, stages, words, count = _profile(args.data, batch=args.batch_size)
    if profiler:
        profiler.disable()
    _print(startup, stages, words=words, count=count)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)


def _profile(data: Path, *, batch: int) -> tuple[dict[str, float], dict[str, float], int, int]:
    process_start = time.perf_counter()
    started = time.perf_counter()
    from eventscribe import pipeline
    from eventscribe.config import Settings
    from eventscribe.ingest import read_inputs
    from eventscribe.ingest.language import load_language_identifier

    startup = {"import eventscribe.pipeline (spaCy, numpy, ...)": time.perf_counter() - started}
    _wrap_loaders(pipeline)
    models = pipeline.load_models(Settings())
    startup.update({k: v for k, v in TOTALS.items()})
    TOTALS.clear()
    _wrap_stages(pipeline, models)
    started = time.perf_counter()
    load_language_identifier()
    startup["load_language_identifier() (ingest)"] = time.perf_counter() - started
    started = CLOCK()
    items = [a for a in read_inputs([str(data)]) if hasattr(a, "text")]
    ingest = CLOCK() - started
    first = _run_batch(pipeline, models, items[:1])
    startup["first article (parse + extract)"] = first
    startup["= process start to first article"] = time.perf_counter() - process_start
    TOTALS.clear()
    CALLS.clear()
    TOTALS["ingest: read JSONL, detect language (parent)"] = ingest
    found = []
    for n in range(0, len(items), batch):
        found += _run_batch(pipeline, models, items[n : n + batch], keep=True)
    _serialise(found)
    _dedupe(items)
    _store(found, batch=batch)
    words = sum(len(a.text.split()) for a in items)
    return startup, dict(TOTALS), words, len(items)


def _wrap_loaders(pipeline: Any) -> None:
    for name, value in list(vars(pipeline).items()):
        loader = name.startswith(("load_", "make_")) and name != "load_models"
        if inspect.isfunction(value) and loader:
            setattr(pipeline, name, timed(f"{name}()", value, time.perf_counter))


def _wrap_stages(pipeline: Any, models: Any) -> None:
    """Time each stage where the pipeline looks it up, and the nested lookups and models."""
    for name, value in list(vars(pipeline).items()):
        module = getattr(value, "__module__", "") or ""
        stage = module.startswith("eventscribe.extract.") or name == "_sentence_counts"
        if inspect.isfunction(value) and stage and not name.startswith(("load_", "make_")):
            setattr(pipeline, name, timed(f"stage {name}", value))
    gazetteer = type(models.gazetteer)
    for name in ("candidates", "country", "demonym"):
        if hasattr(gazetteer, name):
            setattr(gazetteer, name, timed(f"  gazetteer.{name}", getattr(gazetteer, name)))
    if models.classifier is not None:
        kind = type(models.classifier)
        kind.predict = timed("  classifier.predict", kind.predict)
    if models.judge is not None:
        models.judge = timed("  sentence judge (classifier)", models.judge)
    models.calibrator = timed("  calibrator", models.calibrator)


def _run_batch(pipeline: Any, models: Any, batch: list[Any], *, keep: bool = False) -> Any:
    """Parse a batch component by component, then extract each article; time it all."""
    from eventscribe.parse import finish_parse

    started = time.perf_counter()
    docs = _parse(models.nlp, [a.text for a in batch])
    pairs = zip(batch, docs, strict=True)
    # as parse_articles does, so the stages see the same cached text and entities as a run
    found = [_extract(pipeline, models, finish_parse(a, d)) for a, d in pairs]
    return found if keep else time.perf_counter() - started


def _extract(pipeline: Any, models: Any, parsed: Any) -> Any:
    """Extract one article; a stage's bug is counted (as the pipeline records it), not fatal."""
    try:
        return pipeline.extract_findings(parsed, models=models)
    except Exception as exc:  # the profile goes on, as a run would
        FAILURES.append(f"{parsed.article.id}: {type(exc).__name__}: {exc}")
        return pipeline.failure_findings(parsed.article, "extract", str(exc))


def _parse(nlp: Any, texts: list[str]) -> list[Any]:
    started = CLOCK()
    docs = [nlp.make_doc(text) for text in texts]
    TOTALS["spaCy tokenizer"] += CLOCK() - started
    for name, component in nlp.pipeline:
        started = CLOCK()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=len(docs)))
        else:
            docs = [component(doc) for doc in docs]
        TOTALS[f"spaCy {name}"] += CLOCK() - started
    return docs


def _serialise(found: list[Any]) -> None:
    from eventscribe.records import to_json

    started = CLOCK()
    shapes = [to_json(f) for f in found]
    TOTALS["serialise to_json"] += CLOCK() - started
    started = CLOCK()
    for shape in shapes:
        json.dumps(shape, ensure_ascii=False)
    TOTALS["serialise json.dumps"] += CLOCK() - started
    try:
        import orjson
    except ImportError:
        return
    started = CLOCK()
    for shape in shapes:
        orjson.dumps(shape)
    TOTALS["  (orjson.dumps instead)"] += CLOCK() - started


def _dedupe(items: list[Any]) -> None:
    """Time the near-duplicate index as ``run`` uses it (one signature per article)."""
    from eventscribe.pipeline import DUPLICATE_MEMORY
    from eventscribe.resolve import NearDuplicateIndex

    index = NearDuplicateIndex(capacity=DUPLICATE_MEMORY)
    started = CLOCK()
    for item in items:
        if item.content_hash not in index:
            index.add(item.content_hash, item.text)
    TOTALS["near-duplicate index (run)"] += CLOCK() - started


def _store(found: list[Any], *, batch: int) -> None:
    from eventscribe.pipeline import cluster_events
    from eventscribe.records import Article
    from eventscribe.store import open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "p.db")) as store:
        pairs = [(Article(id=f.id, text=f.id, published=f.published), f) for f in found]
        started = CLOCK()
        for n in range(0, len(pairs), batch):
            store.save(pairs[n : n + batch], duplicates=[], signatures=[])
        TOTALS["SQLite save (run)"] += CLOCK() - started
        started = CLOCK()
        cluster_events(store)
        TOTALS["merge across articles (run)"] += CLOCK() - started


def _print(startup: dict[str, float], stages: dict[str, float], *, words: int, count: int) -> None:
    print(f"\nstart-up (gazetteer index already built), {sys.executable}:")
    for name, seconds in startup.items():
        print(f"  {name:<52} {seconds:7.2f} s")
    total = sum(s for n, s in stages.items() if not n.startswith("  ("))  # not alternatives
    print(f"\nper-stage profile, {count} articles, {words} words, 1 process: {total:.1f} CPU s "
          f"in all, {count / total:.2f} articles per CPU-second; own time of each stage")  # fmt: skip
    spacy = sum(s for n, s in stages.items() if n.startswith("spaCy"))
    for name, seconds in stages.items():
        share = f"{100 * seconds / total:5.1f}%"
        print(f"  {name:<52} {seconds:7.2f} s {share}  {1000 * seconds / count:6.1f} ms/article")
    print(f"  {'= spaCy parse, all components':<52} {spacy:7.2f} s {100 * spacy / total:5.1f}%")
    print(f"  {'= everything after the parse':<52} {total - spacy:7.2f} s "
          f"{100 * (total - spacy) / total:5.1f}%")  # fmt: skip
    for failure in FAILURES:
        print(f"  failed: {failure}")


if __name__ == "__main__":
    main()
