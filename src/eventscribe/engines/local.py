"""The local engine: the pipeline's batches on N worker processes of one machine.

Each worker runs ``pipeline.iter_findings`` on whole batches, so the output is exactly the
in-process output. The parent keeps at most ``2 * workers`` batches in flight (bounded memory
on any input size), yields results in input order, and is the only process that touches the
store.

Workers are started with "spawn" (a fresh interpreter that loads the models itself, 3-4 CPU
seconds each) unless the caller passes models loaded in the parent and forking is safe: a
Linux-style fork, no thread besides the main one, and no store open (``extract``). Forked
workers then inherit the parent's models instead of loading their own.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from eventscribe.config import Settings
from eventscribe.errors import ConfigError, EventscribeError
from eventscribe.pipeline import (
    Item,
    Models,
    Progress,
    RunSummary,
    batched,
    iter_findings,
    load_models,
    run_into,
)
from eventscribe.records import Findings
from eventscribe.store.base import Store

# Batches queued per worker: one being processed, one waiting, so no worker idles between them.
IN_FLIGHT_PER_WORKER = 2


# A worker process's own models, set by its initializer: the pool API gives no other place
# to keep per-process state. Never set in the parent process.
_worker_models: Models | None = None
_worker_error: BaseException | None = None


def iter_findings_parallel(
    items: Iterable[Item], *, settings: Settings, workers: int, batch_size: int = 32
) -> Iterator[tuple[Item, Findings]]:
    """Yield (item, findings) for every item, in input order, parsing on ``workers`` processes."""
    _check_options(workers=workers, batch_size=batch_size)
    if workers == 1:
        yield from iter_findings(items, models=load_models(settings), batch_size=batch_size)
        return
    batches = batched(items, batch_size, first=1)  # a first result early, as in-process
    # no store is open here: workers may inherit the parent's models when forking is safe
    models = load_models(settings) if can_fork() else None
    found_batches = map_batches(
        batches, settings=settings, workers=workers, batch_size=batch_size, models=models
    )
    for batch, found in found_batches:
        yield from zip(batch, found, strict=True)


def run_into_parallel(
    items: Iterable[Item],
    *,
    store: Store,
    settings: Settings,
    workers: int,
    batch_size: int = 32,
    progress: Progress | None = None,
    dedupe: bool = True,
    pool: ProcessPoolExecutor | None = None,
) -> RunSummary:
    """Extract every new article on ``workers`` processes and save it, one transaction per batch.

    ``pool``, from ``start_workers`` before the store was opened, runs the batches; without
    it the workers are spawned here.
    """
    _check_options(workers=workers, batch_size=batch_size)
    if workers == 1 and pool is None:
        models = load_models(settings)
        return run_into(
            items, store=store, models=models, batch_size=batch_size, progress=progress,
            dedupe=dedupe,
        )  # fmt: skip

    def process(batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[Findings]]]:
        return map_batches(
            batches, settings=settings, workers=workers, batch_size=batch_size, pool=pool
        )

    return run_into(
        items, store=store, process=process, batch_size=batch_size, progress=progress,
        dedupe=dedupe,
    )  # fmt: skip


def map_batches(
    batches: Iterable[list[Item]],
    *,
    settings: Settings,
    workers: int,
    batch_size: int = 32,
    models: Models | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[tuple[list[Item], list[Findings]]]:
    """Yield (batch, its findings) for every batch, in order, computed on a process pool.

    The pool is ``pool`` when given (left running), else made here: with ``models`` (loaded
    in this process, which must hold no open store), its workers are forked and inherit them
    when ``can_fork()``; otherwise each spawned worker loads its own.
    """
    if pool is not None:
        yield from _map_on(pool, batches, workers=workers, batch_size=batch_size)
        return
    with _pool(settings=settings, workers=workers, models=models) as made:
        yield from _map_on(made, batches, workers=workers, batch_size=batch_size)


@contextmanager
def start_workers(*, settings: Settings, workers: int) -> Iterator[ProcessPoolExecutor]:
    """Start a pool of ``workers`` processes now, before the caller opens any store.

    When ``can_fork()``, the models are loaded here and the workers forked at once, so that
    they inherit the models and no database connection; otherwise they are spawned.
    """
    _check_options(workers=workers, batch_size=1)
    models = load_models(settings) if can_fork() else None
    with _pool(settings=settings, workers=workers, models=models) as pool:
        if models is not None:
            pool.submit(int).result()  # a fork pool forks all its workers at its first task
        yield pool


def _map_on(
    pool: ProcessPoolExecutor, batches: Iterable[list[Item]], *, workers: int, batch_size: int
) -> Iterator[tuple[list[Item], list[Findings]]]:
    pending: deque[tuple[list[Item], Future[list[Findings]]]] = deque()
    for batch in batches:
        pending.append((batch, pool.submit(_work, batch, batch_size)))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield _result(*pending.popleft())
    while pending:
        yield _result(*pending.popleft())


def _result(batch: list[Item], future: Future[list[Findings]]) -> tuple[list[Item], list[Findings]]:
    try:
        return batch, future.result()
    except BrokenProcessPool as exc:
        raise EventscribeError(
            "a worker process died (out of memory or killed); run again with fewer --workers "
            "or a smaller --batch-size"
        ) from exc


def _check_options(*, workers: int, batch_size: int) -> None:
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {batch_size}")


def _pool(*, settings: Settings, workers: int, models: Models | None) -> ProcessPoolExecutor:
    if models is not None and can_fork():
        fork = multiprocessing.get_context("fork")  # the models are inherited, never pickled
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # a child flushes its copy of the buffers when it ends
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=fork, initializer=_adopt_models, initargs=(models,)
        )
    # spawn: a fresh interpreter per worker, never a fork of a parent holding threads or a
    # database connection; the same on Linux and macOS.
    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=spawn, initializer=_init_worker, initargs=(settings,)
    )


def can_fork() -> bool:
    """Say whether workers may be forked: fork exists here and no other thread is running.

    A fork copies only the calling thread, so a lock another thread holds stays locked in the
    child; the pool forks all its workers before it starts its own threads.
    """
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _adopt_models(models: Models) -> None:
    """Use the models the forked worker inherited from its parent."""
    global _worker_models
    _worker_models = models


def _init_worker(settings: Settings) -> None:
    """Load the models once in this worker; keep a failure to report with the first batch."""
    global _worker_models, _worker_error
    try:
        _worker_models = load_models(settings)
    except BaseException as exc:  # an initializer error would only say "pool broken"
        _worker_error = exc


def _work(batch: list[Item], batch_size: int) -> list[Findings]:
    """Run the in-process pipeline on one batch (in a worker), with the parent's batch size."""
    if _worker_error is not None:
        raise _worker_error
    assert _worker_models is not None, "the pool initializer did not run"
    pairs = iter_findings(batch, models=_worker_models, batch_size=batch_size, first=None)
    return [findings for _, findings in pairs]
