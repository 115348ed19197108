"""Kill `run` with SIGKILL at random points, resume it, and compare with one clean run.

    python bench/crash.py [--seeds 20] [--articles 150] [--cli]

Without --cli the runs are tests/integration/run_harness.py (real ingest, pipeline, store and
clustering; a small deterministic coder instead of the models), as CI runs 8 of them; with
--cli they are the real `eventscribe run`, models and all (about 10 s a start on 2 cores).
Prints, per seed, the batch size, the articles stored when the kill landed, and whether the
resumed database equals the clean one; then the mismatch count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "integration"), str(REPO / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--cli", action="store_true", help="Kill the real `eventscribe run`.")
    args = parser.parse_args()

    import test_crash_safety as crash
    from run_harness import write_corpus

    start = crash.cli_run if args.cli else crash.harness
    folder = Path(tempfile.mkdtemp(prefix="crash-"))
    corpus = write_corpus(folder / "corpus.jsonl", articles=args.articles)
    started = time.perf_counter()
    crash.finish(start(corpus, folder / "clean.db", batch_size=4))
    expected = crash.dump(folder / "clean.db")
    print(
        f"clean run: {crash.stored(folder / 'clean.db')} rows in {time.perf_counter() - started:.1f} s"
    )
    mismatches = []
    for seed in range(args.seeds):
        partial, final, killed, batch = crash.kill_and_resume(
            seed, corpus, folder, articles=args.articles, start=start
        )
        same = crash.dump(folder / f"killed-{seed}.db") == expected
        mismatches += [] if same else [seed]
        print(f"seed {seed:2}: batch {batch}, killed {'yes' if killed else 'no (ended first)'}, "
              f"{partial:4} rows stored at the kill, {final} after resuming, "
              f"{'same as clean' if same else 'DIFFERS'}")  # fmt: skip
    print(
        f"{args.seeds} seeds, {len(mismatches)} mismatches {mismatches}; "
        f"{'real CLI' if args.cli else 'run harness'}; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
