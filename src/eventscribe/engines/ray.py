"""The Ray engine: the pipeline's batches on Ray Data actors that hold loaded models.

Input is cut into windows (``window`` articles each) so the driver never holds the whole
input. Each window becomes a Ray dataset of article JSON; ``map_batches`` runs a pool of
actors, each loading the models once, and returns each article's Findings as JSON. The driver
puts the rows back in input order, then writes them: to a Store (one transaction per batch,
skipping stored articles before sending work out) or to one Parquet shard per window.

Ray and pyarrow are imported inside the functions: ``import eventscribe`` must not load them,
and they are an optional extra (``pip install eventscribe[ray]``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from eventscribe.config import Settings
from eventscribe.errors import ConfigError
from eventscribe.ingest import IngestFailure
from eventscribe.pipeline import (
    Item,
    RunSummary,
    failure_findings,
    iter_findings,
    load_models,
    run_into,
)
from eventscribe.records import Article, Findings, from_json, to_json
from eventscribe.store.base import Store

# Articles per Ray dataset: bounds driver memory; each window restarts the actor pool (models
# load again, about a second per actor), so a window should be much larger than a batch.
WINDOW = 10_000
# A local cluster's shared-memory object store: a window of article text is tens of MB, and
# Ray's default (30% of RAM) would claim gigabytes on a machine shared with other work.
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
SHARD_NAME = "part-{:05d}.parquet"

T = TypeVar("T")


@dataclass(slots=True, kw_only=True, frozen=True)
class _Job:
    """How to run one Ray job (the options every window shares)."""

    settings: Settings
    actors: int
    batch_size: int
    window: int


def init_ray(*, address: str | None = None, actors: int = 2) -> bool:
    """Connect to Ray at ``address`` or start a quiet local cluster; return True if started here."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.ERROR,
    }
    if address is None:
        ray.init(num_cpus=actors, object_store_memory=LOCAL_OBJECT_STORE_BYTES, **quiet)
    else:
        ray.init(address=address, **quiet)
    _quiet_data()
    return True


def shutdown_ray() -> None:
    """Disconnect from Ray, stopping the local cluster if this process started one."""
    import ray

    ray.shutdown()


def iter_findings_ray(
    items: Iterable[Item],
    *,
    settings: Settings,
    address: str | None = None,
    actors: int = 2,
    batch_size: int = 32,
    window: int = WINDOW,
) -> Iterator[tuple[Item, Findings]]:
    """Yield (item, findings) for every item, in input order, extracting on Ray actors."""
    _check_options(actors=actors, batch_size=batch_size, window=window)
    job = _Job(settings=settings, actors=actors, batch_size=batch_size, window=window)
    started = init_ray(address=address, actors=actors)
    try:
        for chunk in _chunks(items, window):
            yield from _window_findings(chunk, job=job)
    finally:
        if started:
            shutdown_ray()


def run_ray(
    items: Iterable[Item],
    *,
    settings: Settings,
    address: str | None = None,
    actors: int = 2,
    batch_size: int = 32,
    store: Store | None = None,
    parquet_dir: Path | None = None,
    window: int = WINDOW,
) -> RunSummary:
    """Extract every item on Ray and write the findings to ``store`` or to ``parquet_dir``."""
    if (store is None) == (parquet_dir is None):
        raise ConfigError("give exactly one output for the Ray engine: a store or a Parquet dir")
    _check_options(actors=actors, batch_size=batch_size, window=window)
    if parquet_dir is not None and any(parquet_dir.glob("part-*.parquet")):
        raise ConfigError(f"{parquet_dir} already holds Parquet shards; choose an empty directory")
    job = _Job(settings=settings, actors=actors, batch_size=batch_size, window=window)
    started = init_ray(address=address, actors=actors)
    try:
        if store is not None:
            return _run_into_store(items, store=store, job=job)
        assert parquet_dir is not None
        return _run_into_parquet(items, parquet_dir=parquet_dir, job=job)
    finally:
        if started:
            shutdown_ray()


def _run_into_store(items: Iterable[Item], *, store: Store, job: _Job) -> RunSummary:
    """Save like ``pipeline.run_into``: known and near-duplicate articles never reach Ray."""

    def process(batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[Findings]]]:
        return _map_windows(batches, job=job)

    return run_into(items, store=store, process=process, batch_size=job.batch_size)


def _map_windows(
    batches: Iterable[list[Item]], *, job: _Job
) -> Iterator[tuple[list[Item], list[Findings]]]:
    """Yield (batch, its findings) in order, running a window of batches at a time on Ray."""
    for group in _chunks(batches, max(1, job.window // job.batch_size)):
        found = _window_findings([item for batch in group for item in batch], job=job)
        for batch in group:
            yield batch, [findings for _, findings in islice(found, len(batch))]


def _run_into_parquet(
    items: Iterable[Item],
    *,
    parquet_dir: Path,
    job: _Job,
) -> RunSummary:
    """Write one Parquet shard per window: id, hash, findings_json, one row per item."""
    parquet_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    for number, chunk in enumerate(_chunks(items, job.window)):
        pairs = list(_window_findings(chunk, job=job))
        _write_shard(pairs, path=parquet_dir / SHARD_NAME.format(number))
        _count(pairs, summary=summary)
    return summary


def read_parquet_findings(parquet_dir: Path) -> Iterator[tuple[str, str | None, Findings]]:
    """Yield (id, article hash or None, findings) from the shards ``run_ray`` wrote, in order."""
    import pyarrow.parquet as pq

    for shard in sorted(parquet_dir.glob("part-*.parquet")):
        for row in pq.read_table(shard).to_pylist():
            yield row["id"], row["hash"], from_json(Findings, json.loads(row["findings_json"]))


class FindingsActor:
    """A Ray Data actor: holds loaded models; article JSON rows in, findings JSON rows out."""

    def __init__(self, *, settings: Settings, batch_size: int) -> None:
        self._models = load_models(settings)
        self._batch_size = batch_size

    def __call__(self, batch: Any) -> Any:
        """Extract one batch (a pyarrow Table with columns index, article)."""
        import pyarrow as pa

        texts = batch.column("article").to_pylist()
        articles = [from_json(Article, json.loads(text)) for text in texts]
        pairs = iter_findings(
            articles, models=self._models, batch_size=self._batch_size, first=None
        )
        found = [_dumps(to_json(findings)) for _, findings in pairs]
        return pa.table({"index": batch.column("index"), "findings": found})


def _window_findings(chunk: list[Item], *, job: _Job) -> Iterator[tuple[Item, Findings]]:
    """Run one window's articles through the actor pool; yield all its items in input order."""
    import ray.data

    rows = [
        {"index": i, "article": _dumps(to_json(item))}
        for i, item in enumerate(chunk)
        if isinstance(item, Article)
    ]
    by_index: dict[int, str] = {}
    if rows:
        dataset = ray.data.from_items(rows).map_batches(
            FindingsActor,
            fn_constructor_kwargs={"settings": job.settings, "batch_size": job.batch_size},
            batch_size=job.batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=job.actors),
        )
        by_index = {row["index"]: row["findings"] for row in dataset.take_all()}
    for i, item in enumerate(chunk):
        yield item, _findings_of(item, by_index.get(i))


def _findings_of(item: Item, found: str | None) -> Findings:
    if isinstance(item, IngestFailure):
        return failure_findings(item, item.stage, item.message)
    assert found is not None, f"Ray returned no findings for article {item.id}"
    return from_json(Findings, json.loads(found))


def _write_shard(pairs: list[tuple[Item, Findings]], *, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([item.id for item, _ in pairs], pa.string()),
            "hash": pa.array([_hash(item) for item, _ in pairs], pa.string()),
            "findings_json": pa.array([_dumps(to_json(f)) for _, f in pairs], pa.string()),
        }
    )
    pq.write_table(table, path)


def _count(pairs: list[tuple[Item, Findings]], *, summary: RunSummary) -> None:
    for item, findings in pairs:
        summary.articles += 1
        summary.stored += isinstance(item, Article)
        summary.events += len(findings.events)
        summary.quotes += len(findings.quotes)
        for error in findings.errors:
            summary.failures.append((item.id, f"{error.stage}: {error.message}"))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _hash(item: Item) -> str | None:
    return item.content_hash if isinstance(item, Article) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _check_options(*, actors: int, batch_size: int, window: int) -> None:
    for name, value in (("actors", actors), ("batch size", batch_size), ("window", window)):
        if value < 1:
            raise ConfigError(f"the Ray engine's {name} must be at least 1, got {value}")


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError(
            f"the Ray engine needs Ray Data ({exc}); install it with: pip install 'eventscribe[ray]'"
        ) from exc
    return ray


def _quiet_data() -> None:
    """Turn off Ray Data's progress bars and log lines: the library never prints."""
    from ray.data import DataContext

    # Ray Data logs "execution finished" at INFO through its own stdout handler.
    logging.getLogger("ray.data").setLevel(logging.ERROR)

    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
