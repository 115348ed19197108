"""Throughput of `extract` (parse + every extraction stage) on the bundled sample corpus.

    python bench/extract.py [--repeat 3] [INPUT ...]

Prints model load time, then articles/second and words/second of the pipeline after loading,
best of --repeat passes over the same input (default: data/sample).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

from eventscribe.ingest import read_inputs
from eventscribe.pipeline import iter_findings, load_models
from eventscribe.records import Article

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", default=["data/sample"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rules-only", action="store_true", help="Without the trained sentence classifier."
    )
    args = parser.parse_args()
    os.chdir(REPO)
    started = time.perf_counter()
    models = load_models()
    if args.rules_only:
        models = replace(models, classifier=None, judge=None)
    load = time.perf_counter() - started
    items = list(read_inputs(args.inputs))
    articles = [i for i in items if isinstance(i, Article)]
    words = sum(len(a.text.split()) for a in articles)
    best = min(_one_pass(items, models) for _ in range(args.repeat))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    print(f"models loaded in {load:.2f} s{' (rules only)' if args.rules_only else ''}")
    print(f"{len(items)} items ({len(articles)} articles, {words} words), best of {args.repeat}:")
    print(f"  {best:.2f} s  {len(items) / best:.1f} articles/s  {words / best:.0f} words/s")


def _one_pass(items: list[object], models: object) -> float:
    started = time.perf_counter()
    for _ in iter_findings(items, models=models):  # type: ignore[arg-type]
        pass
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
