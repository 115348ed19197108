"""The local (N processes) and Ray engines give exactly the in-process output.

One corpus (the sample articles, three recombined ones, a duplicate, an article in French and
an ingest failure) goes through ``iter_findings``, the local engine with 2 workers and the Ray
engine on a local cluster of 2 actors; every Findings JSON and every stored row must match.
Small batches and windows make several batches be in flight and several Ray windows run.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from eventscribe.config import Settings
from eventscribe.engines import local
from eventscribe.engines.local import iter_findings_parallel, run_into_parallel, start_workers
from eventscribe.engines.ray import (
    init_ray,
    iter_findings_ray,
    read_parquet_findings,
    run_ray,
    shutdown_ray,
)
from eventscribe.errors import ConfigError
from eventscribe.ingest import IngestFailure, read_inputs
from eventscribe.pipeline import Item, Models, RunSummary, iter_findings, run_into
from eventscribe.records import Article, Findings, to_json
from eventscribe.store import open_store

pytestmark = [
    pytest.mark.model,
    # Ray Data 2.60 warns about its own deprecated settings when it copies its context.
    pytest.mark.filterwarnings("ignore:`use_[a-z0-9_]+` is deprecated:DeprecationWarning"),
    # Under load, a pipe file object left unclosed inside Ray's start-up (its pandas import) can be
    # collected during the fixture; it is not ours, and failing the engine test on it is noise.
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO:pytest.PytestUnraisableExceptionWarning"
    ),
]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
BATCH = 4
WINDOW = 16  # 23 items: two Ray windows, the second one partial
SETTINGS = Settings()


def _corpus() -> list[Item]:
    sample = list(read_inputs([str(SAMPLE)]))
    articles = [item for item in sample if isinstance(item, Article)]
    mixed = [_recombined(n, articles[n], articles[-1 - n]) for n in range(3)]
    french = Article(
        id="gen-fr",
        text="Des milliers de manifestants ont défilé à Lyon samedi contre la réforme.",
        language="fr",
    )
    duplicate = Article(id="gen-dup", text=articles[0].text, title=articles[0].title,
                        published=articles[0].published)  # fmt: skip
    failure = IngestFailure(id="gen-broken.html", message="cannot decode the file; re-save it")
    return [*sample[:5], duplicate, *mixed, french, failure, *sample[5:]]


def _recombined(n: int, first: Article, second: Article) -> Article:
    """Return an article made of the first paragraph of one sample and the rest of another."""
    head = first.text.split("\n\n")[0]
    tail = second.text.split("\n\n")[1:]
    return Article(
        id=f"gen-{n}", title=second.title, published=first.published,
        text="\n\n".join([head, *tail]),
    )  # fmt: skip


def _lines(pairs: Iterator[tuple[Item, Findings]]) -> list[tuple[str, str]]:
    return [(item.id, json.dumps(to_json(findings))) for item, findings in pairs]


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows: compares what is stored, not the file's bytes."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}


@pytest.fixture(scope="module")
def corpus() -> list[Item]:
    return _corpus()


@pytest.fixture(scope="module")
def in_process(corpus: list[Item], models: Models) -> list[tuple[str, str]]:
    return _lines(iter_findings(corpus, models=models, batch_size=BATCH))


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    init_ray(actors=2)
    yield
    shutdown_ray()


def test_corpus_exercises_every_kind_of_item(in_process: list[tuple[str, str]]) -> None:
    found = {item_id: json.loads(line) for item_id, line in in_process}
    assert len(in_process) == 23
    assert found["gen-fr"]["errors"][0]["stage"] == "language"
    assert found["gen-broken.html"]["errors"][0]["stage"] == "ingest"
    assert sum(len(f["events"]) for f in found.values()) > 20


def test_local_engine_gives_the_in_process_findings(
    corpus: list[Item], in_process: list[tuple[str, str]]
) -> None:
    pairs = iter_findings_parallel(corpus, settings=SETTINGS, workers=2, batch_size=BATCH)
    assert _lines(pairs) == in_process


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_local_engine_forked_or_spawned_gives_the_in_process_findings(
    start: str,
    corpus: list[Item],
    in_process: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers forked with the parent's models (when safe) or spawned give the same lines."""
    if start == "fork":
        assert local.can_fork(), "this test process runs threads: extract would spawn"
    else:
        monkeypatch.setattr(local, "can_fork", lambda: False)
    started: list[str] = []
    make_pool = local._pool

    def recording(**options: Any) -> ProcessPoolExecutor:
        pool = make_pool(**options)
        started.append(pool._mp_context.get_start_method())  # type: ignore[attr-defined]
        return pool

    monkeypatch.setattr(local, "_pool", recording)
    pairs = iter_findings_parallel(corpus, settings=SETTINGS, workers=2, batch_size=BATCH)
    assert _lines(pairs) == in_process
    assert started == [start]


def test_workers_forked_before_the_store_store_the_in_process_database(
    corpus: list[Item], models: Models, tmp_path: Path
) -> None:
    """``run``'s path: the pool forks with the parent's models before the store is opened.

    It runs before the Ray tests: a Ray client leaves threads in this process, and with other
    threads running the engine rightly refuses to fork."""
    paths = [tmp_path / f"{name}.db" for name in ("inproc", "forked")]
    with open_store(paths[0]) as store:
        expected = run_into(corpus, store=store, models=models, batch_size=BATCH)
    assert local.can_fork(), "this test process runs threads: run would spawn"
    with start_workers(settings=SETTINGS, workers=2) as pool, open_store(paths[1]) as store:
        assert pool._mp_context.get_start_method() == "fork"  # type: ignore[attr-defined]
        forked = run_into_parallel(corpus, store=store, settings=SETTINGS, workers=2,
                                   batch_size=BATCH, pool=pool)  # fmt: skip
    assert _outcome(forked) == _outcome(expected)
    assert _dump(paths[1]) == _dump(paths[0])


@pytest.mark.usefixtures("ray_cluster")
def test_ray_engine_gives_the_in_process_findings(
    corpus: list[Item], in_process: list[tuple[str, str]]
) -> None:
    pairs = iter_findings_ray(corpus, settings=SETTINGS, actors=2, batch_size=BATCH, window=WINDOW)
    assert _lines(pairs) == in_process


@pytest.mark.usefixtures("ray_cluster")
def test_ray_parquet_shards_hold_the_in_process_findings(
    corpus: list[Item], in_process: list[tuple[str, str]], tmp_path: Path
) -> None:
    summary = run_ray(corpus, settings=SETTINGS, batch_size=BATCH, parquet_dir=tmp_path,
                      window=WINDOW)  # fmt: skip
    rows = list(read_parquet_findings(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    assert [(i, json.dumps(to_json(f))) for i, _, f in rows] == in_process
    assert [h for _, h, _ in rows] == [_hash(item) for item in corpus]
    assert summary.articles == 23 and len(summary.failures) == 2


@pytest.mark.usefixtures("ray_cluster")
def test_all_engines_store_identical_databases(
    corpus: list[Item], models: Models, tmp_path: Path
) -> None:
    paths = [tmp_path / f"{name}.db" for name in ("inproc", "local", "ray")]
    with open_store(paths[0]) as store:
        expected = run_into(corpus, store=store, models=models, batch_size=BATCH)
    with open_store(paths[1]) as store:
        local = run_into_parallel(corpus, store=store, settings=SETTINGS, workers=2,
                                  batch_size=BATCH)  # fmt: skip
    with open_store(paths[2]) as store:
        ray = run_ray(corpus, settings=SETTINGS, batch_size=BATCH, store=store, window=WINDOW)
    # 23 items less the ingest failure, the duplicate and the French article (a failed row)
    assert expected.stored > 15 and expected.events > 20
    assert expected.duplicates >= 1  # a recombined article nearly repeats a sample one
    for summary in (local, ray):
        assert _outcome(summary) == _outcome(expected)
    assert _dump(paths[1]) == _dump(paths[0])
    assert _dump(paths[2]) == _dump(paths[0])


def test_local_engine_skips_stored_articles(corpus: list[Item], tmp_path: Path) -> None:
    with open_store(tmp_path / "twice.db") as store:
        first = run_into_parallel(corpus, store=store, settings=SETTINGS, workers=2,
                                  batch_size=BATCH)  # fmt: skip
        again = run_into_parallel(corpus, store=store, settings=SETTINGS, workers=2,
                                  batch_size=BATCH)  # fmt: skip
    assert first.stored > 15
    # every stored article, near-duplicate and the exact duplicate are skipped before work
    assert (again.stored, again.events) == (0, 0)
    assert again.already_stored == first.stored + first.duplicates + 1


def test_engines_refuse_bad_options(corpus: list[Item], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="workers"):
        list(iter_findings_parallel(corpus, settings=SETTINGS, workers=0))
    with pytest.raises(ConfigError, match="exactly one output"):
        run_ray(corpus, settings=SETTINGS)
    (tmp_path / "part-00000.parquet").write_bytes(b"")
    with pytest.raises(ConfigError, match="empty directory"):
        run_ray(corpus, settings=SETTINGS, parquet_dir=tmp_path)


def test_importing_eventscribe_does_not_import_ray() -> None:
    code = (
        "import sys, eventscribe, eventscribe.engines, eventscribe.engines.ray, eventscribe.cli;"
        "assert 'ray' not in sys.modules and 'pyarrow' not in sys.modules, 'ray imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _outcome(summary: RunSummary) -> tuple[object, ...]:
    """What must not depend on the engine (already_stored may: work in flight is not stored)."""
    return (summary.articles, summary.stored, summary.duplicates, summary.events,
            summary.quotes, summary.failures, summary.event_dates)  # fmt: skip


def _hash(item: Item) -> str | None:
    return item.content_hash if isinstance(item, Article) else None
