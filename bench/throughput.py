"""Throughput of the full pipeline against the bare spaCy floor, on 1 and 2 worker processes.

    python bench/throughput.py [--articles 2000] [--workers 1 2] [--corpus FILE.jsonl]

Without --corpus it generates --articles articles from the sample corpus (data/sample): article
n keeps the paragraph order of sample n % 17, replaces two or three of its later paragraphs
with paragraphs drawn from any sample, moves its city to another one of the same country
(Santiago -> Valparaíso, Basra -> Nasiriyah, ...), shifts its date by n % 365 days and gets the
id bench-NNNNN; so the texts differ while staying news prose. Each measurement runs in a fresh
process (model loading included in its time) and prints, per configuration:

- articles/s and words/s of the full pipeline (the local engine: ingest is done beforehand);
- the same for the bare spaCy pipeline over the same texts (``nlp.pipe``, ``n_process`` for 2
  workers): the floor the pipeline cannot beat; and the ratio full / floor;
- CPU time (user + system, the process and its workers) and articles per CPU-second, which a
  busy shared machine disturbs much less than wall time;
- peak memory: ru_maxrss of the process plus that of its largest child (what the kernel
  reports), and the peak sum of RSS over the whole process tree, sampled every 0.2 s;

then how many articles a day this machine processes (full pipeline): as measured, and with all
its cores to itself (articles per CPU-second of the run with the most workers x cores x 86,400).
Run it from the repository root; it uses the package importable from there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CITY_SWAPS = {
    "Santiago": ("Valparaíso", "Concepción"),
    "Nairobi": ("Mombasa", "Kisumu"),
    "Basra": ("Nasiriyah", "Karbala"),
    "Athens": ("Thessaloniki", "Patras"),
    "Tucson": ("Phoenix", "Mesa"),
    "Tunis": ("Sfax", "Sousse"),
    "Goma": ("Bukavu", "Butembo"),
    "Peshawar": ("Kohat", "Bannu"),
    "Juba": ("Wau", "Malakal"),
    "Accra": ("Kumasi", "Tamale"),
    "Jakarta": ("Surabaya", "Bandung"),
    "Lagos": ("Ibadan", "Abeokuta"),
    "Baghdad": ("Mosul", "Erbil"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--corpus", type=Path, help="a JSONL file of articles instead")
    parser.add_argument("--measure", choices=["full", "spacy"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(REPO)
    if args.measure:
        _measure(args.measure, corpus=args.corpus, workers=args.workers[0], batch=args.batch_size)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or _write_corpus(Path(tmp) / "corpus.jsonl", count=args.articles)
        _report(corpus, workers=args.workers, batch=args.batch_size)


def _report(corpus: Path, *, workers: list[int], batch: int) -> None:
    """Run every measurement in its own process and print the table."""
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(texts)} articles ({len(set(texts))} distinct texts), {words} words")
    print(f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f} at start")
    wall, cpu = 0.0, 0.0
    for count in sorted(workers):
        full, floor = (
            _run_child(m, corpus=corpus, workers=count, batch=batch) for m in ("full", "spacy")
        )
        print(f"\n{count} worker(s), batch {batch}, times include model loading:")
        _print_row("full pipeline", full, words=words)
        _print_row("bare spaCy   ", floor, words=words)
        print(f"  full pipeline: {full['events']:.0f} events, {full['failed']:.0f} articles failed")
        print(f"  full / floor: {floor['seconds'] / full['seconds']:.2f} of spaCy's speed (wall), "
              f"{floor['cpu'] / full['cpu']:.2f} (CPU time)")  # fmt: skip
        wall = max(wall, full["articles"] / full["seconds"])
        cpu = full["articles"] / full["cpu"]  # of the most workers: includes their overhead
    cores = os.cpu_count() or 1
    print(f"\nload average {os.getloadavg()[0]:.1f} at end")
    print(f"articles/day, full pipeline: {wall * 86400:,.0f} as measured on this shared machine; "
          f"{cpu * cores * 86400:,.0f} with its {cores} cores to itself (from CPU time)")  # fmt: skip


def _print_row(name: str, r: dict[str, float], *, words: int) -> None:
    load = "in workers" if r["load"] != r["load"] else f"{r['load']:.1f} s"  # NaN: not measured
    print(f"  {name} {r['seconds']:7.1f} s {r['articles'] / r['seconds']:7.2f} articles/s "
          f"{words / r['seconds']:7.0f} words/s | CPU {r['cpu']:6.1f} s "
          f"{r['articles'] / r['cpu']:6.2f} articles/CPU-s | load {load} | ru_maxrss "
          f"{r['maxrss_mb']:.0f} + child {r['child_maxrss_mb']:.0f} MB | "
          f"tree peak {r['tree_peak_mb']:.0f} MB")  # fmt: skip


def _run_child(mode: str, *, corpus: Path, workers: int, batch: int) -> dict[str, float]:
    """Measure one configuration in a fresh process, sampling its process tree's memory."""
    command = [sys.executable, __file__, "--measure", mode, "--corpus", str(corpus),
               "--workers", str(workers), "--batch-size", str(batch)]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(child, peak), daemon=True)
    sampler.start()
    out, _ = child.communicate()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"measurement {mode} with {workers} worker(s) failed")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["tree_peak_mb"] = peak[0] / 2**20
    return result


def _sample_tree(child: subprocess.Popen[str], peak: list[int]) -> None:
    while child.poll() is None:
        peak[0] = max(peak[0], _tree_rss(child.pid))
        time.sleep(0.2)


def _tree_rss(root: int) -> int:
    """Return the summed RSS in bytes of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        tree.update(kids)
        frontier.extend(kids)
    return sum(_rss(pid) for pid in tree)


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError):
        return 0


def _measure(mode: str, *, corpus: Path, workers: int, batch: int) -> None:
    """Time one configuration in this process; print one JSON line."""
    from eventscribe.ingest import read_inputs

    items = list(read_inputs([str(corpus)]))
    started, cpu = time.perf_counter(), _cpu_seconds()
    extra = (
        _run_full(items, workers, batch) if mode == "full" else _run_spacy(items, workers, batch)
    )
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    print(json.dumps({
        "articles": len(items), "seconds": seconds, "cpu": cpu, **extra,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))  # fmt: skip


def _cpu_seconds() -> float:
    """Return user + system CPU time of this process and its finished children."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run_full(items: list[object], workers: int, batch: int) -> dict[str, float]:
    """Run the full pipeline; return the model load time (1 worker), events and failures."""
    from eventscribe.config import Settings
    from eventscribe.engines.local import iter_findings_parallel
    from eventscribe.pipeline import iter_findings, load_models

    started, load = time.perf_counter(), float("nan")  # NaN: loaded inside the workers
    if workers > 1:
        pairs = iter_findings_parallel(
            items, settings=Settings(), workers=workers, batch_size=batch
        )  # type: ignore[arg-type]
    else:
        models = load_models(Settings())
        load = time.perf_counter() - started
        pairs = iter_findings(items, models=models, batch_size=batch)  # type: ignore[arg-type]
    events, failed = 0, 0
    for _, findings in pairs:
        events += len(findings.events)
        failed += bool(findings.errors)
    return {"load": load, "events": events, "failed": failed}


def _run_spacy(items: list[object], workers: int, batch: int) -> dict[str, float]:
    """Run only spaCy's pipeline (ours: load_nlp) over the same texts; return its load time."""
    from eventscribe.parse import load_nlp

    started = time.perf_counter()
    nlp = load_nlp()
    load = time.perf_counter() - started
    texts = (item.text for item in items)  # type: ignore[attr-defined]
    for _ in nlp.pipe(texts, batch_size=batch, n_process=workers):
        pass
    return {"load": load}


def _write_corpus(path: Path, *, count: int) -> Path:
    """Write ``count`` articles recombined from the sample corpus (see the module docstring)."""
    from eventscribe.ingest import read_inputs
    from eventscribe.records import Article

    samples = [a for a in read_inputs(["data/sample"]) if isinstance(a, Article)]
    pool = [p for a in samples for p in _paragraphs(a.text)]
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            article = _recombine(n, samples[n % len(samples)], pool)
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def _recombine(n: int, base: object, pool: list[str]) -> dict[str, object]:
    rng = random.Random(n)
    paragraphs = _paragraphs(base.text)  # type: ignore[attr-defined]
    for _ in range(rng.randint(2, 3)):
        if len(paragraphs) > 1:
            paragraphs[rng.randrange(1, len(paragraphs))] = rng.choice(pool)
    city = {old: rng.choice(new) for old, new in CITY_SWAPS.items()}
    published = base.published or "2025-01-01"  # type: ignore[attr-defined]
    day = datetime.date.fromisoformat(published) + datetime.timedelta(days=n % 365)
    return {
        "id": f"bench-{n:05d}", "published": day.isoformat(),
        "title": _swap(base.title or "", city),  # type: ignore[attr-defined]
        "text": _swap("\n\n".join(paragraphs), city),
    }  # fmt: skip


def _paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return parts if len(parts) > 1 else [p.strip() for p in text.split("\n") if p.strip()]


def _swap(text: str, city: dict[str, str]) -> str:
    for old, new in city.items():
        text = re.sub(rf"\b{old}\b", new, text)
        text = re.sub(rf"\b{old.upper()}\b", new.upper(), text)
    return text


if __name__ == "__main__":
    main()
