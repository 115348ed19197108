"""The CLI on real files and a real SQLite database, as a user runs it (subprocesses)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from store_dump import dump

from eventscribe.schema import packaged_schema

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
KAZERUN = SAMPLE / "txt" / "kazerun.txt"
EXE = str(Path(sys.executable).with_name("eventscribe"))


def cli(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=900
    )


def test_extract_kazerun_matches_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = cli("extract", str(KAZERUN), "-o", str(out), "--published", "2018-05-20")
    assert done.returncode == 0, done.stderr
    [line] = out.read_text().splitlines()
    data = json.loads(line)
    jsonschema.validate(data, packaged_schema())
    assert data["title"] == "Iran Resistance give a statement on Kazerun protest"
    assert data["published"] == "2018-05-20"
    assert {e["type"] for e in data["events"]} >= {"PROTEST", "SUPPORT", "REQUEST", "ACCUSE"}


def _bad_inputs(root: Path) -> list[str]:
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "latin1.txt").write_bytes(
        "Protesters in Bogot\xe1 marched on Tuesday.".encode("latin-1")
    )
    page = "<html><head><title>Strike</title></head><body><article><h1>Strike</h1>"
    page += "<p>Thousands of workers went on strike in Lagos on Monday, unions said.</p>" * 5
    (root / "truncated.html").write_text(page[: len(page) - 60], encoding="utf-8")
    (root / "french.txt").write_text(
        "Des milliers de manifestants ont défilé mardi à Paris contre la réforme des retraites, "
        "selon les syndicats, qui appellent à une nouvelle journée de grève la semaine prochaine.",
        encoding="utf-8",
    )
    with (root / "big.txt").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    lines = [
        json.dumps({"id": "good-1", "text": "Police arrested 12 journalists in Harare on Monday."}),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "good-2", "text": "Hundreds of students marched in Nairobi on Friday."}),
    ]
    (root / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sorted(p.name for p in root.iterdir())


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    names = _bad_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    done = cli("extract", str(tmp_path / "in"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    by_id = {Path(r["id"]).name if "/" in r["id"] else r["id"]: r for r in rows}
    for name in ("empty.txt", "binary.txt", "latin1.txt", "big.txt", "french.txt"):
        assert by_id[name]["errors"], f"{name} should carry an error or skip"
        assert all(e["message"] for e in by_id[name]["errors"])
    assert "language" in {e["stage"] for e in by_id["french.txt"]["errors"]}
    assert any("mixed.jsonl:2" in r["id"] or r["id"] == "broken" for r in rows if r["errors"])
    for good in ("good-1", "good-2"):
        assert by_id[good]["errors"] == [] and by_id[good]["events"], good
    assert len(rows) == len(names) - 1 + 3  # mixed.jsonl gives three lines


def test_run_twice_changes_nothing_and_commands_read_it(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    first = cli("run", "data/sample", "--db", str(db), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "events:" in first.stdout
    before = dump(db)
    second = cli("run", "data/sample", "--db", str(db), "--quiet")
    assert second.returncode == 0, second.stderr
    assert "new 0" in second.stdout
    assert dump(db) == before

    listing = cli("events", "--db", str(db), "--type", "PROTEST", "--country", "IRN")
    assert listing.returncode == 0 and "PROTEST" in listing.stdout
    event_id = listing.stdout.splitlines()[1].split()[0]
    shown = cli("show", event_id, "--db", str(db))
    assert shown.returncode == 0 and "evidence:" in shown.stdout and "Kazerun" in shown.stdout
    for fmt in ("csv", "jsonl", "geojson", "acled", "plover"):
        out = tmp_path / f"export.{fmt}"
        exported = cli("export", "--db", str(db), "--format", fmt, "-o", str(out))
        assert exported.returncode == 0, exported.stderr
        assert out.stat().st_size > 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "export.acled").read_text())))
    assert rows and {"event_date", "event_type", "sub_event_type", "notes"} <= set(rows[0])
    geo = json.loads((tmp_path / "export.geojson").read_text())
    assert geo["type"] == "FeatureCollection" and geo["features"]


def _corpus(path: Path, copies: int) -> None:
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as f:
        for n in range(copies):
            for line in lines:
                row = json.loads(line)
                row["id"] = f"{row['id']}-copy{n}"
                row["text"] = row["text"] + f"\n\nCopy {n}."
                f.write(json.dumps(row) + "\n")


def test_killed_run_resumes_to_the_same_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, copies=4)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    assert cli("run", str(corpus), "--db", str(clean), "--quiet").returncode == 0

    proc = subprocess.Popen(
        [EXE, "run", str(corpus), "--db", str(killed), "--batch-size", "2", "--quiet"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if killed.exists() and _stored(killed) >= 4:
            break
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _stored(killed)
    assert 0 < partial < len(corpus.read_text().splitlines()), "kill should land mid-run"
    resumed = cli("run", str(corpus), "--db", str(killed), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"already stored {partial}" in resumed.stdout
    assert dump(killed) == dump(clean)


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    not_db = tmp_path / "notes.db"
    not_db.write_text("these are my notes, not a database\n" * 100)
    done = cli("events", "--db", str(not_db))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    missing = cli("show", "ev_doesnotexist", "--db", str(tmp_path / "empty.db"))
    assert missing.returncode == 1 and "no event" in missing.stderr


def test_stdin_jsonl(tmp_path: Path) -> None:
    line = json.dumps(
        {"id": "s1", "text": "Riot police fired tear gas at protesters in Lima on Friday."}
    )
    done = cli("extract", "-", stdin=line + "\n")
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(x) for x in done.stdout.splitlines()]
    assert row["id"] == "s1" and row["events"]


def test_extract_on_two_workers_writes_the_same_lines_in_the_same_order(tmp_path: Path) -> None:
    broken = tmp_path / "in" / "broken.html"
    broken.parent.mkdir()
    broken.write_bytes(b"\xff\xfe\x00broken")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        args = ("extract", "--workers", workers, "--batch-size", "3", str(SAMPLE), str(broken))
        done = cli(*args, "-o", str(out))
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[0].splitlines()]
    assert len(lines) > 10 and sum(bool(line["events"]) for line in lines) > 10
    assert lines[-1]["errors"]  # the broken file keeps its place, last


def test_extract_uses_the_cores_only_for_inputs_large_enough_to_pay_for_them() -> None:
    from eventscribe.cli import ARTICLES_PER_WORKER, default_workers

    cores = len(os.sched_getaffinity(0))
    assert default_workers(None) == 1  # stdin, feeds: size unknown
    assert default_workers(1) == 1
    assert default_workers(ARTICLES_PER_WORKER - 1) == 1
    assert default_workers(ARTICLES_PER_WORKER * 2) == min(2, cores)
    assert default_workers(ARTICLES_PER_WORKER * 1000) == cores
