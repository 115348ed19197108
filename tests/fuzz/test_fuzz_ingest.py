"""Every reader, fed Hypothesis-drawn hostile files: it never raises, and each item it gives is
a sound Article or an IngestFailure with a one-line message. CI runs a fixed-seed slice
(``derandomize``); ``python bench/fuzz.py --examples 10000`` runs the long one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ingest_inputs import (
    BIG,
    DEEP,
    READERS,
    STRATEGIES,
    check_feed_served,
    check_file,
    content_types,
)

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent / "src"
# Examples per reader in CI: ~5 s a reader on a loaded 2-core machine.
CI_EXAMPLES = 120
CI_SETTINGS = settings(
    max_examples=CI_EXAMPLES,
    derandomize=True,  # a fixed seed: CI fails the same way twice
    database=None,
    deadline=None,  # the machine is shared: no per-example timing
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fuzz(reader: str, raw: bytes, folder: Path) -> None:
    outcome = check_file(reader, raw, folder)
    assert outcome.problems == [], (outcome.problems, raw[:300])
    assert outcome.internal == 0, "a reader bug reached the safety net (see the log)"


@CI_SETTINGS
@given(raw=STRATEGIES["txt"])
def test_fuzz_txt(raw: bytes, folder: Path) -> None:
    _fuzz("txt", raw, folder)


@CI_SETTINGS
@given(raw=STRATEGIES["html"])
def test_fuzz_html(raw: bytes, folder: Path) -> None:
    _fuzz("html", raw, folder)


@CI_SETTINGS
@given(raw=STRATEGIES["jsonl"])
def test_fuzz_jsonl(raw: bytes, folder: Path) -> None:
    _fuzz("jsonl", raw, folder)


@CI_SETTINGS
@given(raw=STRATEGIES["feed"])
def test_fuzz_feed(raw: bytes, folder: Path) -> None:
    _fuzz("feed", raw, folder)


@CI_SETTINGS
@given(raw=STRATEGIES["feed"], content_type=content_types)
def test_fuzz_feed_served_with_a_header_charset(raw: bytes, content_type: str) -> None:
    """As a URL feed: the Content-Type header's charset reaches feedparser too."""
    outcome = check_feed_served(raw, content_type)
    assert outcome.problems == [], (outcome.problems, content_type, raw[:300])
    assert outcome.internal == 0, "a reader bug reached the safety net (see the log)"


@CI_SETTINGS
@given(raw=STRATEGIES["warc"])
def test_fuzz_warc(raw: bytes, folder: Path) -> None:
    _fuzz("warc", raw, folder)


# The huge cases, each once, in a fresh process so its peak memory is measured alone.
HUGE_SCRIPT = """
import json, resource, sys, tempfile
from pathlib import Path
import ingest_inputs as f
cases = [("txt", b"word " * (f.BIG // 5)), ("txt", b"\\xff" * f.BIG),
         ("html", f.deep_html(b"<div>")), ("html", f.deep_html(b"<b><i>")),
         ("html", f.deep_html(b"<!--")), ("html", b"<html><body><p>" + b"x" * f.BIG),
         ("jsonl", b'{"id": "a", "text": "ok"}\\n' + b"[" * f.DEEP + b"\\n"),
         ("jsonl", b'{"id": "a", "text": "' + b"word " * (f.BIG // 5) + b'"}\\n'),
         ("jsonl", b'{"id": "b", "n": ' + b"9" * 5000 + b', "text": "x"}'),
         ("feed", b"<feed>" * f.DEEP), ("warc", b"\\x1f\\x8b" + b"\\x00" * f.BIG)]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
folder = Path(tempfile.mkdtemp())
out = [[reader, f.check_file(reader, raw, folder).problems] for reader, raw in cases]
del cases
print(json.dumps({"results": out, "base_mb": base // 1024,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def test_huge_inputs_are_read_in_bounded_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HUGE_SCRIPT], capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": f"{SRC}:{HERE}", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert [problems for _, problems in report["results"]] == [[]] * len(report["results"])
    # the 10 MB inputs are held a few times over at most (the case list itself holds ~60 MB)
    assert report["peak_mb"] - report["base_mb"] < 400, report
    assert BIG == 10_000_000 and DEEP == 100_000


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_has_a_strategy(reader: str) -> None:
    assert reader in STRATEGIES
