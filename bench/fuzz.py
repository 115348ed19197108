"""Fuzz every ingest reader with Hypothesis-drawn hostile files and print counts per reader.

    python bench/fuzz.py [--examples 10000] [--readers txt,html,jsonl,feed,warc] [--seed 0]

The strategies and the property are those of tests/fuzz (CI runs a small fixed-seed slice of
them); here each reader runs in its own process, so its peak memory is its own. An example
"broke" when the reader raised or gave an item that is neither a sound Article nor a failure
with a one-line message; "caught" counts the failures the safety net wrote (a reader bug that no
longer stops the run, but is still a bug to fix). Timings share the CPU with whatever else runs.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "fuzz")]


def fuzz_one(reader: str, *, examples: int, seed: int) -> dict[str, object]:
    """Run ``examples`` drawn files through one reader; return the tallies."""
    import logging

    import ingest_inputs
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    logging.disable(logging.CRITICAL)  # the safety net logs caught bugs; count them instead
    tally: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    slowest = [0.0]
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))

    @hypothesis_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(raw=ingest_inputs.STRATEGIES[reader])
    def run(raw: bytes) -> None:
        started = time.perf_counter()
        outcome = ingest_inputs.check_file(reader, raw, folder)
        slowest[0] = max(slowest[0], time.perf_counter() - started)
        tally["examples"] += 1
        tally["articles"] += outcome.articles
        tally["failures"] += outcome.failures
        tally["caught"] += outcome.internal > 0
        tally["broke"] += bool(outcome.problems)
        kinds.update(problem.split(":")[0][:80] for problem in set(outcome.problems))

    started = time.perf_counter()
    run()
    return {
        "reader": reader,
        **tally,
        "seconds": round(time.perf_counter() - started, 1),
        "slowest_s": round(slowest[0], 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "kinds": dict(kinds.most_common(8)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="Examples per reader.")
    parser.add_argument("--readers", default="txt,html,jsonl,feed,warc")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one reader here
    args = parser.parse_args()
    if args.one:
        print(json.dumps(fuzz_one(args.one, examples=args.examples, seed=args.seed)))
        return
    print(f"{'reader':7} {'examples':>8} {'articles':>8} {'failures':>8} {'caught':>6} "
          f"{'broke':>6} {'seconds':>8} {'slowest':>8} {'peak MB':>8}  what broke")  # fmt: skip
    for reader in args.readers.split(","):
        command = [sys.executable, __file__, "--one", reader, "--examples", str(args.examples),
                   "--seed", str(args.seed)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{reader:7} the fuzzing process failed: {done.stderr.strip()[-500:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{reader:7} {r.get('examples', 0):>8} {r.get('articles', 0):>8} "
              f"{r.get('failures', 0):>8} {r.get('caught', 0):>6} {r.get('broke', 0):>6} "
              f"{r['seconds']:>8} {r['slowest_s']:>8} {r['peak_rss_mb']:>8}  {r['kinds']}")  # fmt: skip


if __name__ == "__main__":
    main()
