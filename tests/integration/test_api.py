"""The HTTP API over real HTTP: uvicorn on a free loopback port, httpx as the client."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api_server import FARMERS, all_articles, berlin, build_db, farmers, goma, running_server
from eventscribe.api import WEB_DIR
from eventscribe.records import Article
from eventscribe.store import open_store
from pg_server import PgServer

API = "/api/v1"
INGEST_TOKEN = "ingest-secret-1234"
READ_TOKEN = "read-secret-5678"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("api") / "events.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with running_server(db) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def events(client: httpx.Client, **params: object) -> dict[str, object]:
    response = client.get(f"{API}/events", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def types_of(page: dict[str, object]) -> list[str]:
    return [item["event"]["type"] for item in page["items"]]  # type: ignore[attr-defined,index]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """The one error shape: exactly these keys, whatever raised the error."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert sorted(error) == ["code", "details", "message", "status"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error  # type: ignore[no-any-return]


def test_every_error_has_the_one_json_shape(db: Path) -> None:
    with (
        running_server(db, read_token=READ_TOKEN) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {READ_TOKEN}"}) as http,
    ):
        assert_error(http.get(f"{API}/events/ev_doesnotexist"), 404, "not_found")
        assert_error(http.get(f"{API}/articles/{'0' * 64}"), 404, "not_found")
        assert_error(http.get("/no/such/page"), 404, "not_found")
        assert_error(http.get(f"{API}/events", params={"type": "DANCE"}), 422, "invalid_parameter")
        assert_error(
            http.get(f"{API}/events", headers={"Authorization": "Bearer wrong"}),
            401,
            "unauthorized",
        )
        assert_error(
            http.post(f"{API}/articles", json={"id": "a", "text": "b"}), 403, "ingest_disabled"
        )
        assert_error(http.delete(f"{API}/events"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"type": "DANCE"}, "type"),
        ({"date_from": "2024-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"min_confidence": "1.5"}, "min_confidence"),
        ({"min_confidence": "high"}, "min_confidence"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"offset": "1e99"}, "offset"),
        ({"sort": "random"}, "sort"),
        ({"country": "IR"}, "country"),
        ({"date_from": "2024-03-05", "date_to": "2024-03-01"}, "date_from"),
    ],
)
def test_invalid_parameters_give_422_naming_the_parameter(
    client: httpx.Client, params: dict[str, str], parameter: str
) -> None:
    error = assert_error(client.get(f"{API}/events", params=params), 422, "invalid_parameter")
    assert parameter in error["message"]  # type: ignore[operator]
    assert any(d["parameter"].startswith(parameter) for d in error["details"])  # type: ignore[attr-defined,index]


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/stats/counts?by=week",
        f"{API}/export?format=xml",
        f"{API}/export",
        f"{API}/places?limit=-3",
        f"{API}/articles/not-a-hash",
        f"{API}/quotes?limit=5000",
    ],
)
def test_other_bad_requests_are_422_not_500(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path), 422, "invalid_parameter")


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("\x00", 0), ("'; DROP TABLE events; --", 0), ("%", 0), ("_", 2),  # no LIKE wildcards
        ("ünïcödé 🙂", 0), ("<script>", 1), ("a" * 500, 0),
    ],
)  # fmt: skip
def test_odd_search_text_is_data_not_sql(client: httpx.Client, text: str, total: int) -> None:
    assert events(client, text=text)["total"] == total
    assert events(client)["total"] == 8  # nothing was dropped


def test_events_are_paged_with_a_total_newest_first(client: httpx.Client) -> None:
    first = events(client, limit=3)
    second = events(client, limit=3, offset=3)
    assert first["total"] == second["total"] == 8
    assert (first["limit"], first["offset"], first["sort"]) == (3, 0, "-date")
    dates = [item["event"]["date"] for item in first["items"] + second["items"]]  # type: ignore[operator,index]
    assert dates == sorted(dates, reverse=True)
    ids = [item["event"]["event_id"] for item in first["items"] + second["items"]]  # type: ignore[operator,index]
    assert len(set(ids)) == 6
    oldest = events(client, sort="date", limit=1)["items"][0]  # type: ignore[index]
    assert oldest["event"]["date"] == "2024-01-10"
    confident = events(client, sort="-confidence", limit=2)
    assert [i["event"]["confidence"] for i in confident["items"]] == [0.91, 0.86]  # type: ignore[attr-defined,index]


def test_events_filter_by_each_field(client: httpx.Client) -> None:
    assert sorted(types_of(events(client, type=["PROTEST", "ASSAULT"]))) == [
        "ASSAULT",
        "PROTEST",
        "PROTEST",
    ]
    assert types_of(events(client, mode="arrest")) == ["COERCE"]
    assert types_of(events(client, acled_type="Battles")) == ["ASSAULT"]
    assert events(client, country="irn")["total"] == 5
    assert events(client, country=["COD", "DEU"])["total"] == 3
    assert events(client, place="fars")["total"] == 3
    assert types_of(events(client, actor="police")) == ["COERCE"]
    assert types_of(events(client, text="TEAR GAS")) == ["COERCE"]
    assert events(client, date_from="2024-03-04", date_to="2024-03-05")["total"] == 3
    assert types_of(events(client, min_confidence=0.9)) == ["ASSAULT"]
    assert events(client, article_id="berlin-talks")["total"] == 2
    assert events(client, search="farmers WATER")["total"] == 3  # full-text: every word, any case
    assert events(client, search="humanit*")["total"] == 2  # prefix, in the article text
    assert events(client, search='"; DROP')["total"] == 0  # never an FTS syntax error
    assert events(client, cluster_id="no-such-cluster")["total"] == 0
    only = events(client, type="PROTEST", country="IRN", date_to="2024-03-05")
    assert only["total"] == 1 and only["items"][0]["article"]["id"] == "farmers-shiraz"  # type: ignore[index]


def test_event_detail_carries_evidence_article_text_and_findings(client: httpx.Client) -> None:
    item = events(client, mode="arrest")["items"][0]  # type: ignore[index]
    event_id = item["event"]["event_id"]
    detail = client.get(f"{API}/events/{event_id}").json()
    text = detail["article"]["text"]
    evidence = detail["event"]["evidence"]
    assert text == FARMERS
    assert detail["cluster"] is None
    assert text[evidence["start"] : evidence["end"]] == evidence["text"]
    assert "arrested 12 protesters" in evidence["text"]
    assert detail["event"]["arrests"]["value"] == 12
    assert [e["type"] for e in detail["findings"]["events"]] == ["PROTEST", "COERCE", "REJECT"]
    quote = detail["findings"]["quotes"][0]
    assert text[quote["start"] : quote["end"]] == quote["text"]
    assert quote["speaker"]["name"] == "Reza Karimi"
    protest_id = detail["findings"]["events"][0]["event_id"]
    protest = client.get(f"{API}/events/{protest_id}").json()
    assert protest["reactions"] == [detail["findings"]["events"][2]["event_id"]]


def test_articles_list_and_one_article(client: httpx.Client) -> None:
    page = client.get(f"{API}/articles", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert page["items"][0]["published"] == "2024-03-06"
    found = client.get(f"{API}/articles", params={"text": "clash* goma"}).json()  # full-text
    assert [a["id"] for a in found["items"]] == ["goma-clash"]
    assert found["items"][0]["events"] == 1
    article = client.get(f"{API}/articles/{found['items'][0]['hash']}").json()
    assert article["article"]["title"] == "Clashes near Goma"
    assert article["findings"]["events"][0]["fatalities"]["min"] == 15


def test_actors_are_aggregated_by_canonical_name(client: httpx.Client) -> None:
    page = client.get(f"{API}/actors", params={"limit": 100}).json()
    by_name = {a["name"]: a for a in page["items"]}
    assert len(by_name) == len(page["items"]) == 11  # 10 in events, Reza Karimi only speaks
    assert (by_name["protesters"]["as_source"], by_name["protesters"]["as_target"]) == (0, 2)
    assert by_name["France"]["as_source"] == 2
    assert by_name["Reza Karimi"]["quotes"] == 1
    assert by_name["DRC army"]["country"] == "COD"
    only_cod = client.get(f"{API}/actors", params={"country": "cod"}).json()
    assert {a["name"] for a in only_cod["items"]} == {"DRC army", "rebels"}
    police = client.get(f"{API}/actors", params={"name": "POLICE", "sector": "cop"}).json()
    assert [a["name"] for a in police["items"]] == ["Iran police"]


def test_who_acts_on_whom_and_who_reacts_to_what(client: httpx.Client) -> None:
    dyads = client.get(f"{API}/actors/dyads").json()
    assert {"source": "Iran police", "target": "protesters", "type": "COERCE", "events": 1} in dyads
    reactions = client.get(
        f"{API}/actors/reactions", params={"country": "IRN", "type": "REJECT"}
    ).json()
    assert len(reactions) == 1
    assert reactions[0]["actors"] == ["Fars governor"]
    assert reactions[0]["reacts_to"]["type"] == "PROTEST"


def test_quotes_filter_by_speaker_and_text(client: httpx.Client) -> None:
    assert client.get(f"{API}/quotes").json()["total"] == 2
    by_speaker = client.get(f"{API}/quotes", params={"speaker": "karimi"}).json()
    assert [q["quote"]["text"] for q in by_speaker["items"]] == [
        "We only want water for our fields,"
    ]
    assert by_speaker["items"][0]["article"]["id"] == "farmers-shiraz"
    assert client.get(f"{API}/quotes", params={"text": "WATER"}).json()["total"] == 1
    assert client.get(f"{API}/quotes", params={"text": "nothing like this"}).json()["total"] == 0


def test_places_and_counts_for_the_map_and_charts(client: httpx.Client) -> None:
    places = client.get(f"{API}/places").json()
    shiraz = next(p for p in places if p["name"] == "Shiraz")
    assert shiraz["events"] == 3 and shiraz["types"] == {"PROTEST": 1, "COERCE": 1, "REJECT": 1}
    assert (shiraz["lat"], shiraz["lon"]) == (29.61, 52.54)
    by_type = client.get(f"{API}/stats/counts", params={"by": "type"}).json()
    assert {r["key"]: r["count"] for r in by_type["items"]}["PROTEST"] == 2
    by_day = client.get(f"{API}/stats/counts", params={"by": "day", "country": "IRN"}).json()[
        "items"
    ]
    assert by_day == [
        {"key": "2024-03-04", "count": 2}, {"key": "2024-03-05", "count": 1}, {"key": "2024-03-06", "count": 2},
    ]  # fmt: skip
    by_country = client.get(f"{API}/stats/counts", params={"by": "country"}).json()["items"]
    assert {r["key"]: r["count"] for r in by_country} == {"COD": 1, "DEU": 2, "IRN": 5}
    stats = client.get(f"{API}/stats").json()
    assert (stats["articles"], stats["events"], stats["quotes"]) == (4, 8, 2)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson", "acled", "plover"])
def test_export_streams_every_format(client: httpx.Client, fmt: str) -> None:
    with client.stream(
        "GET", f"{API}/export", params={"format": fmt, "country": "IRN"}
    ) as response:
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        body = response.read().decode("utf-8")
    if fmt in ("csv", "acled"):
        rows = list(csv.DictReader(io.StringIO(body)))
        assert len(rows) == (
            5 if fmt == "csv" else 2
        )  # ACLED leaves out events without an ACLED type
    elif fmt == "geojson":
        assert len(json.loads(body)["features"]) == 5
    else:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        assert len(lines) == 5


def test_big_export_is_streamed_in_chunks(tmp_path: Path) -> None:
    from eventscribe.store import open_store

    base, findings = farmers()
    with open_store(tmp_path / "big.db") as store:
        store.save([(Article(id=f"a{n}", text=base.text + f" ({n})", title=base.title,
                             published=base.published), findings) for n in range(400)])  # fmt: skip
    with (
        running_server(tmp_path / "big.db") as url,
        httpx.stream("GET", f"{url}{API}/export", params={"format": "jsonl"}) as response,
    ):
        chunks = list(response.iter_raw())
    assert sum(chunk.count(b"\n") for chunk in chunks) == 1200
    assert len(chunks) > 1


def test_openapi_is_served_and_docs_use_no_cdn(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/events",
        "/events/{event_id}",
        "/articles",
        "/actors",
        "/quotes",
        "/places",
        "/stats/counts",
        "/export",
    ):
        assert f"{API}{path}" in spec["paths"]
    params = {p["name"] for p in spec["paths"][f"{API}/events"]["get"]["parameters"]}
    assert {
        "type",
        "country",
        "date_from",
        "date_to",
        "text",
        "actor",
        "place",
        "limit",
        "offset",
        "sort",
    } <= params
    assert client.get("/docs").status_code == 200
    assert client.get("/").status_code == 200


def test_no_asset_comes_from_another_host() -> None:
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
    pages = list(WEB_DIR.glob("*.html"))
    assert pages
    for page in pages:
        assert not external.search(page.read_text(encoding="utf-8")), page
    for script in WEB_DIR.glob("*.js"):
        assert "http://" not in script.read_text(encoding="utf-8").replace(
            '"http://www.w3.org/2000/svg"', ""
        )
    size = sum(f.stat().st_size for f in WEB_DIR.rglob("*") if f.is_file())
    assert size < 2_000_000


def test_security_headers_forbid_inline_script(client: httpx.Client) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert client.get(f"{API}/stats").headers["x-content-type-options"] == "nosniff"


def test_read_token_guards_reads_but_not_the_static_dashboard(db: Path) -> None:
    with running_server(db, read_token=READ_TOKEN) as url, httpx.Client(base_url=url) as http:
        assert_error(http.get(f"{API}/events"), 401, "unauthorized")
        assert (
            http.get(f"{API}/events", headers={"Authorization": f"Bearer {READ_TOKEN}"}).status_code
            == 200
        )
        assert http.get("/").status_code == 200


def _no_models() -> object:
    raise AssertionError("models must not load for a request that is refused")


def test_ingest_is_refused_without_the_token_and_checks_the_body(db: Path) -> None:
    with (
        running_server(db, ingest_token=INGEST_TOKEN, models_loader=_no_models) as url,
        httpx.Client(base_url=url) as http,
    ):
        auth = {"Authorization": f"Bearer {INGEST_TOKEN}"}
        assert_error(
            http.post(f"{API}/articles", json={"id": "a", "text": "b"}), 401, "unauthorized"
        )
        wrong = {"Authorization": "Bearer not-the-token"}
        assert_error(
            http.post(f"{API}/articles", json={"id": "a", "text": "b"}, headers=wrong),
            401,
            "unauthorized",
        )
        assert_error(
            http.post(
                f"{API}/articles", content=b"x", headers=auth | {"Content-Type": "image/png"}
            ),
            415,
            "unsupported_media_type",
        )
        assert_error(
            http.post(
                f"{API}/articles",
                content=b"{nope",
                headers=auth | {"Content-Type": "application/json"},
            ),
            422,
            "invalid_parameter",
        )
        assert_error(
            http.post(f"{API}/articles", json={"id": "a"}, headers=auth), 422, "invalid_parameter"
        )
        error = assert_error(
            http.post(
                f"{API}/articles", content=b"<p>x</p>", headers=auth | {"Content-Type": "text/html"}
            ),
            422,
            "invalid_parameter",
        )
        assert "id" in error["message"]  # type: ignore[operator]
        # reads stay open without a token
        assert http.get(f"{API}/stats").status_code == 200


@pytest.mark.model
def test_ingest_runs_the_pipeline_and_stores_the_findings(tmp_path: Path, models: object) -> None:
    text = (
        "Thousands of teachers marched in Isfahan on Sunday to demand higher wages, "
        "and police detained five union leaders, the union said."
    )
    with (
        running_server(
            tmp_path / "ingest.db", ingest_token=INGEST_TOKEN, models_loader=lambda: models
        ) as url,
        httpx.Client(
            base_url=url, timeout=300, headers={"Authorization": f"Bearer {INGEST_TOKEN}"}
        ) as http,
    ):
        article = {
            "id": "teachers",
            "text": text,
            "published": "2024-05-06",
            "title": "Teachers march",
        }
        first = http.post(f"{API}/articles", json=article)
        assert first.status_code == 200, first.text
        result = first.json()
        assert result["stored"] == 1 and result["events"] >= 1
        findings = result["articles"][0]["findings"]
        assert "PROTEST" in {e["type"] for e in findings["events"]}
        listed = http.get(f"{API}/events", params={"article_id": "teachers"}).json()
        assert listed["total"] == result["events"]
        again = http.post(f"{API}/articles", json=article).json()
        assert again["stored"] == 0 and again["articles"][0]["already_stored"] is True
        assert again["articles"][0]["findings"]["events"] == findings["events"]
        lines = "\n".join(
            json.dumps({"id": f"l{n}", "text": text.replace("Sunday", d)})
            for n, d in enumerate(["Monday", "Friday"])
        )
        batch = http.post(
            f"{API}/articles",
            content=lines.encode(),
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        assert batch["stored"] == 2


def test_undated_events_come_last_in_both_date_orders(tmp_path: Path) -> None:
    art, findings = goma()
    undated = replace(findings.events[0], event_id="ev_undated", date=None, date_precision=None)
    findings.events.append(undated)
    with open_store(tmp_path / "dates.db") as store:
        store.save([(art, findings), berlin()])
    with running_server(tmp_path / "dates.db") as url, httpx.Client(base_url=url) as http:
        for sort in ("date", "-date"):
            ids = [
                i["event"]["event_id"]
                for offset in range(4)
                for i in http.get(
                    f"{API}/events", params={"sort": sort, "limit": 1, "offset": offset}
                ).json()["items"]
            ]
            assert len(set(ids)) == 4 and ids[-1] == "ev_undated", sort
        dates = [
            i["event"]["date"]
            for i in http.get(f"{API}/events", params={"sort": "date"}).json()["items"]
        ]
        assert dates == ["2024-01-10", "2024-01-10", "2024-02-16", None]


def test_cached_totals_follow_writes_by_other_processes(tmp_path: Path) -> None:
    db = build_db(tmp_path / "live.db", include_hostile=False)
    with running_server(db) as url, httpx.Client(base_url=url) as http:
        totals = [
            http.get(f"{API}/events", params={"country": "COD"}).json()["total"] for _ in range(8)
        ]
        assert totals == [1] * 8  # cached after the first
        art, findings = goma()
        with open_store(db) as store:
            store.save([(replace(art, id="goma-again", text=art.text + " More soon."), findings)])
        totals = [
            http.get(f"{API}/events", params={"country": "COD"}).json()["total"] for _ in range(8)
        ]
        assert totals == [2] * 8


# every read the dashboard makes, which the PostgreSQL store must answer as SQLite does
SAME_ON_BOTH = [
    ("/events", {}),
    ("/events", {"sort": "date", "limit": 3, "offset": 1}),
    ("/events", {"sort": "confidence"}),
    ("/events", {"sort": "-confidence", "type": "PROTEST"}),
    ("/events", {"country": "IRN", "actor": "police", "search": "tear gas"}),
    ("/places", {}),
    ("/places", {"type": "COERCE"}),
    ("/stats/counts", {"by": "day"}),
    ("/stats/counts", {"by": "month", "country": "IRN"}),
    ("/stats/counts", {"by": "type"}),
    ("/stats/counts", {"by": "country"}),
    ("/stats/counts", {"by": "acled_type"}),
    ("/actors", {}),
    ("/actors", {"country": "IRN", "sector": "GOV"}),
    ("/actors/dyads", {}),
    ("/actors/reactions", {}),
    ("/stats", {}),
]


@pytest.fixture(scope="module")
def pg_url(pg_server: PgServer) -> Iterator[str]:
    url = pg_server.new_database()
    with open_store(url) as store:
        store.save(all_articles())
    yield url
    pg_server.drop_database(url)


def test_a_postgresql_store_answers_as_sqlite_does(client: httpx.Client, pg_url: str) -> None:
    with running_server(pg_url) as url, httpx.Client(base_url=url, timeout=30) as pg:
        for path, params in SAME_ON_BOTH:
            expected = client.get(f"{API}{path}", params=params)  # type: ignore[arg-type]
            answer = pg.get(f"{API}{path}", params=params)  # type: ignore[arg-type]
            assert expected.status_code == answer.status_code == 200, (path, answer.text)
            assert answer.json() == expected.json(), (path, params)
            assert answer.json(), (path, params)  # an empty answer would prove nothing
        assert len(pg.get(f"{API}/events").json()["items"]) == 8
        first = pg.get(f"{API}/events", params={"limit": 1}).json()["items"][0]["event"]
        detail = pg.get(f"{API}/events/{first['event_id']}").json()
        assert detail["event"] == first
