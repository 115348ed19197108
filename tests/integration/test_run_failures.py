"""`eventscribe run` never dies of one item: issue 14's two reproducers and an article over the
parser's limit sit beside good articles; the run exits 0, stores the good ones, and its
summary counts the failures by stage."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]
EXE = str(Path(sys.executable).with_name("eventscribe"))
STORY = "Riot police fired tear gas at hundreds of protesters in Lima on Friday, witnesses said."


def test_a_run_over_hostile_inputs_stores_the_good_articles_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><meta charset="rot13"></head><body><article><p>{STORY}</p>'
                    f"<p>{STORY}</p><p>{STORY}</p></article></body></html>", encoding="utf-8")  # fmt: skip
    lines = tmp_path / "mixed.jsonl"
    lines.write_bytes(
        json.dumps({"id": "good", "text": STORY}).encode() + b"\n"
        + b"[" * 100_000 + b"\n"  # RecursionError in json.loads, before issue 14
        + b'{"id": "digits", "n": ' + b"9" * 5000 + b', "text": "x"}\n'
        + json.dumps({"id": "long", "text": "Police arrested ten people. " * 80_000}).encode()
    )  # fmt: skip
    db = tmp_path / "events.db"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [EXE, "run", str(page), str(lines), str(REPO / "data/sample/txt/kazerun.txt"), "--db", str(db),
         "--quiet", "--max-bytes", "5000000"],
        cwd=REPO, capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    summary = done.stdout.splitlines()[0]
    # "good" and the page hold the same text: one of them is stored, the other already stored
    assert re.search(r"articles: 6 \(new 2, already stored 1,", summary), summary
    assert "failures: 3 (ingest 2, parse 1)" in summary, summary
    assert f"{lines}:2: ingest: line 2: not readable JSON (nested too deeply)" in done.stdout
    assert "over the parser's limit" in done.stdout
