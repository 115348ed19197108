"""Crash safety: a run killed with SIGKILL anywhere resumes to the database of one clean run, and
two runs writing one SQLite file at once both finish, losing nothing.

The kill tests use tests/integration/run_harness.py (the real ingest, run_into, near-duplicate
index, SQLite store and clustering, with a small deterministic coder instead of the models) so
20 kills fit in CI; test_cli.py kills the real `eventscribe run` once, and the concurrent-writer
test below races two real `eventscribe run` processes. ``python bench/crash.py`` repeats the
kills with the real CLI.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from run_harness import write_corpus
from store_dump import dump

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
HARNESS = HERE / "run_harness.py"
EXE = str(Path(sys.executable).with_name("eventscribe"))
SEEDS = range(8)  # in CI; bench/crash.py runs 20 (and the real CLI)
ARTICLES = 100  # short articles: a clean run is a few seconds, most of it start-up


def harness(corpus: Path, db: Path, *, batch_size: int = 4) -> subprocess.Popen[str]:
    command = [sys.executable, str(HARNESS), str(corpus), str(db), "--batch-size", str(batch_size)]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env())  # fmt: skip


def _env() -> dict[str, str]:
    paths = [str(REPO / "src"), str(HERE), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def cli_run(corpus: Path, db: Path, *, batch_size: int = 4) -> subprocess.Popen[str]:
    """Start the real `eventscribe run` (models and all) on a corpus."""
    command = [EXE, "run", "--quiet", "--batch-size", str(batch_size), "--db", str(db), str(corpus)]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env())  # fmt: skip


Start = Callable[..., "subprocess.Popen[str]"]


def finish(proc: subprocess.Popen[str]) -> str:
    """Wait for a run; it must succeed with nothing on stderr but a wait. Return its stdout."""
    return finish_all([proc])[0]


def finish_all(procs: list[subprocess.Popen[str]]) -> list[str]:
    """Wait for every run before judging any (a failed one must not leave the other running
    into the next test), then check each as ``finish`` does. Return their stdouts."""
    ended = [proc.communicate(timeout=900) for proc in procs]
    for proc, (_, err) in zip(procs, ended, strict=True):
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err and "locked" not in err, err[-3000:]
    return [out for out, _ in ended]


def content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """What was stored, whatever the order of the writes (row numbers and save order left out)."""
    tables = {"articles": "hash, id, title, published, text, status, errors, findings, record",
              "events": "*", "event_actors": "*", "quotes": "*", "places": "*", "actors": "*",
              "signatures": "article_hash, signature"}  # fmt: skip
    with sqlite3.connect(db) as con:
        return {
            t: sorted(con.execute(f"select {cols} from {t}").fetchall(), key=repr)
            for t, cols in tables.items()
        }


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("crash") / "corpus.jsonl", articles=ARTICLES)


@pytest.fixture(scope="module")
def clean(corpus: Path) -> Path:
    db = corpus.with_name("clean.db")
    finish(harness(corpus, db))
    return db


def kill_and_resume(
    seed: int, corpus: Path, folder: Path, *, articles: int = ARTICLES, start: Start = harness
) -> tuple[int, int, bool, int]:
    """Kill a run with SIGKILL at a point drawn from ``seed`` and resume it.

    Returns (rows stored at the kill, rows after resuming, whether the kill landed, batch size).
    """
    rng = random.Random(seed)
    target, delay = rng.randrange(0, articles), rng.uniform(0, 0.05)
    db = folder / f"killed-{seed}.db"
    batch_size = rng.choice([1, 3, 4, 8])
    proc = start(corpus, db, batch_size=batch_size)
    while proc.poll() is None and stored(db) < target:
        time.sleep(0.005)
    time.sleep(delay)  # anywhere inside the next transaction, or between two
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    partial = stored(db)
    finish(start(corpus, db, batch_size=4))
    return partial, stored(db), proc.returncode == -signal.SIGKILL, batch_size


def test_sigkill_at_random_points_then_resume_gives_the_clean_database(
    corpus: Path, clean: Path, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # two seeds at a time, one per core
        runs = list(pool.map(lambda seed: kill_and_resume(seed, corpus, tmp_path), SEEDS))
    expected = dump(clean)
    mismatches = [seed for seed in SEEDS if dump(tmp_path / f"killed-{seed}.db") != expected]
    assert mismatches == [], f"seeds whose resumed database differs: {mismatches}"
    killed = [partial for partial, _, was_killed, _ in runs if was_killed]
    assert len(killed) >= len(SEEDS) * 3 // 4, runs  # most landed before the run ended
    assert any(0 < partial < ARTICLES for partial in killed), runs  # some landed mid-run


def test_two_runs_writing_one_database_at_once_lose_nothing(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "first.jsonl", articles=120)
    second = write_corpus(tmp_path / "second.jsonl", articles=120, first=60)  # 60 in common
    union = write_corpus(tmp_path / "union.jsonl", articles=180)
    finish(harness(union, tmp_path / "clean.db"))
    for attempt in range(3):  # a new file each time: the two also race to create the schema
        db = tmp_path / f"shared-{attempt}.db"
        runs = [harness(first, db, batch_size=2), harness(second, db, batch_size=3)]
        summaries = [json.loads(out.strip().splitlines()[-1]) for out in finish_all(runs)]
        assert content(db) == content(tmp_path / "clean.db"), attempt
        assert sum(s["stored"] for s in summaries) >= 180


@pytest.mark.model
def test_two_real_runs_writing_one_database_at_once(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "first.jsonl", articles=30)
    second = write_corpus(tmp_path / "second.jsonl", articles=30, first=15)
    union = write_corpus(tmp_path / "union.jsonl", articles=45)
    db, clean = tmp_path / "shared.db", tmp_path / "clean.db"
    runs = [cli_run(first, db, batch_size=2), cli_run(second, db, batch_size=3)]
    for out in finish_all(runs):
        assert "failures: 0" in out, out
    finish(cli_run(union, clean))
    assert content(db) == content(clean)
