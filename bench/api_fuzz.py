"""Schemathesis against a real `serve` (loopback, a store of hand-written articles, the models
for ingest), with more examples than CI: requests sent and failures per operation.

    python bench/api_fuzz.py [--examples 200]

A failure is a 500, a response that does not match the published schema, or another
Schemathesis check (see tests/integration/test_api_fuzz.py, which CI runs with 30 per operation).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "tests" / "integration")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="Examples per operation.")
    args = parser.parse_args()

    from test_api_fuzz import TOKEN, fuzz_operations

    from api_server import build_db, running_server
    from eventscribe.pipeline import load_models

    logging.disable(logging.CRITICAL)
    models = load_models()
    db = build_db(Path(tempfile.mkdtemp(prefix="api-fuzz-")) / "events.db")
    started = time.perf_counter()
    with running_server(db, ingest_token=TOKEN, models_loader=lambda: models) as url:
        sent, failures = fuzz_operations(url, examples=args.examples)
    for label, count in sent.items():
        print(
            f"{label:45} {count:6} requests  {'FAIL: ' + failures[label][:300] if label in failures else 'ok'}"
        )
    print(f"{len(sent)} operations, {sum(sent.values())} requests, {len(failures)} failing; "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
