"""Requests per second of GET /api/v1/events on a store of >= 100,000 synthetic events.

    python bench/api.py [--events 100000] [--seconds 10] [--concurrency 8] [--db PATH]

Builds a SQLite store of synthetic records (saved through the Store in big batches; reused
when --db already holds enough events), starts `serve` in a subprocess on a free loopback
port, then runs the load generator in a second subprocess (httpx, N concurrent connections,
bounded in time) for each scenario and prints requests/second and latency percentiles.
The server and the client share this machine's cores, so the numbers are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCENARIOS: list[tuple[str, list[str]]] = [
    ("first page, no filter (newest first)", ["/api/v1/events?limit=50"]),
    ("first page, store order (sort=date)", ["/api/v1/events?limit=50&sort=date"]),
    ("type=PROTEST", ["/api/v1/events?type=PROTEST&limit=50"]),
    ("country=IRN + date range", ["/api/v1/events?country=IRN&date_from=2023-03-01&date_to=2023-06-30"]),
    ("text search (substring)", ["/api/v1/events?text=police&limit=50"]),
    ("actor search (substring)", ["/api/v1/events?actor=army&limit=50"]),
    ("deep page (offset=50000)", ["/api/v1/events?limit=50&offset=50000"]),
    ("600 different date windows (counts mostly uncached)",
     [f"/api/v1/events?date_from=2023-01-01&date_to=2023-{m:02d}-{d:02d}&type=ASSAULT"
      for m in range(1, 13) for d in range(1, 29)] * 2),
]  # fmt: skip

TYPES = ["PROTEST", "ASSAULT", "COERCE", "CONSULT", "ACCUSE", "AGREE", "THREATEN", "AID"]
PLACES = [
    ("Shiraz", "Fars", "IRN", 29.61, 52.54), ("Tehran", "Tehran", "IRN", 35.69, 51.39),
    ("Goma", "North Kivu", "COD", -1.68, 29.22), ("Lagos", "Lagos", "NGA", 6.45, 3.39),
    ("Colombo", "Western", "LKA", 6.93, 79.85), ("Baghdad", "Baghdad", "IRQ", 33.34, 44.40),
    ("Berlin", "Berlin", "DEU", 52.52, 13.40), ("Lima", "Lima", "PER", -12.05, -77.04),
]  # fmt: skip
SOURCES = [
    ("police", "COP"),
    ("army", "MIL"),
    ("protesters", "CVL"),
    ("ministry", "GOV"),
    ("rebels", "REB"),
]


def build_store(path: Path, *, events: int, per_article: int = 10, batch: int = 500) -> None:
    """Save synthetic articles with ``per_article`` events each until ``events`` are stored."""
    from eventscribe.store import open_store

    rng = random.Random(7)
    with open_store(path) as store:
        have = store.stats().events
        n = have // per_article
        while have < events:
            items = [_synthetic(n + i, rng, per_article) for i in range(batch)]
            have += store.save(items).events_added
            n += batch


def _synthetic(n: int, rng: random.Random, per_article: int) -> Any:
    from eventscribe.records import Actor, Article, Event, Evidence, Findings, Place, make_event_id

    sentences = [
        f"In report {n}.{k} the {rng.choice(SOURCES)[0]} acted near town {k}."
        for k in range(per_article)
    ]
    text = " ".join(sentences)
    article = Article(id=f"synthetic-{n}", text=text, title=f"Synthetic report {n}",
                      published=f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", source="bench")  # fmt: skip
    events, start = [], 0
    for sentence in sentences:
        end = start + len(sentence)
        name, admin1, country, lat, lon = rng.choice(PLACES)
        actor, sector = rng.choice(SOURCES)
        type_ = rng.choice(TYPES)
        events.append(Event(
            event_id=make_event_id(article.content_hash, start, end, type_, None), type=type_,  # type: ignore[arg-type]
            source_actors=[Actor(name=actor, text=actor, start=start, end=start + 1, country=country, sector=sector)],
            location=Place(name=name, text=name, start=start, end=start + 1, admin1=admin1, country=country, lat=lat, lon=lon),
            date=f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", date_precision="day",
            evidence=Evidence(text=sentence, start=start, end=end), confidence=round(rng.random(), 3),
        ))  # fmt: skip
        start = end + 1
    return article, Findings(
        id=article.id, title=article.title, published=article.published, events=events
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = f"from eventscribe.api import serve; serve(db={str(db)!r}, port={port})"
    server = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    import httpx

    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/stats", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


async def _load(base: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            response = await client.get(paths[i % len(paths)])
            latencies.append(time.perf_counter() - began)
            errors += response.status_code != 200
            i += concurrency

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await client.get(paths[0])  # warm the connection and the server's caches once
        began = time.perf_counter()
        await asyncio.gather(*(worker(client, k) for k in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50_ms": pick(0.5), "p95_ms": pick(0.95)}  # fmt: skip


def run_client(base: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    """Run the load generator in a second process and return its numbers."""
    args = [
        sys.executable,
        __file__,
        "client",
        base,
        json.dumps(paths),
        str(seconds),
        str(concurrency),
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        base, paths, seconds, concurrency = (
            sys.argv[2],
            json.loads(sys.argv[3]),
            float(sys.argv[4]),
            int(sys.argv[5]),
        )
        print(json.dumps(asyncio.run(_load(base, paths, seconds, concurrency))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", type=Path, help="reuse (or create) this store")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    began = time.perf_counter()
    build_store(db, events=args.events)
    print(f"store {db}: ready in {time.perf_counter() - began:.1f} s")
    port = free_port()
    server = start_server(db, port)
    try:
        import httpx

        stats = httpx.get(f"http://127.0.0.1:{port}/api/v1/stats").json()
        print(f"{stats['events']:,} events in {stats['articles']:,} articles; "
              f"{args.concurrency} connections, {args.seconds:g} s per scenario, client in a second process")  # fmt: skip
        print(f"{'scenario':<52} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for name, paths in SCENARIOS:
            r = run_client(f"http://127.0.0.1:{port}", paths, args.seconds, args.concurrency)
            print(
                f"{name:<52} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['errors']:>7}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
