"""Shared by the API and browser tests: hand-written articles and a real server on loopback.

The articles are composed for these tests (no public data). One of them is hostile: its
title, text, URL, actors, place and quote carry script and HTML-injection attempts that set
``window.__xss`` if they ever run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from eventscribe.api import create_app
from eventscribe.records import (
    Actor,
    Article,
    Count,
    Event,
    Evidence,
    Findings,
    Place,
    Quote,
    make_event_id,
)
from eventscribe.store import open_store

FARMERS = (
    "Hundreds of farmers protested outside the governor's office in Shiraz on Monday over water "
    "shortages. Police fired tear gas and arrested 12 protesters, witnesses said. "
    '"We only want water for our fields," said Reza Karimi, a farmer from Kazerun. '
    "The provincial governor rejected the protesters' demands on Tuesday."
)
GOMA = (
    "Soldiers clashed with rebels near Goma on Friday, leaving at least 15 people dead. "
    "The army said it had regained control of two villages."
)
BERLIN = (
    "The foreign ministers of France and Germany met in Berlin on Wednesday to discuss aid. "
    "They agreed to send more humanitarian supplies to the region."
)
XSS_SCRIPT = "<script>window.__xss = 1</script>"
XSS_IMG = '<img src=x onerror="window.__xss = 2">'
XSS_SVG = '"><svg onload="window.__xss = 3">'
XSS_TEXT = (
    f"Crowds gathered in Tabriz {XSS_SCRIPT} to protest. Officials said {XSS_IMG} the march was "
    f"peaceful. A spokesman added {XSS_SVG} that talks would follow."
)


def _at(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def _actor(text: str, needle: str, name: str, **kw: Any) -> Actor:
    start, end = _at(text, needle)
    return Actor(name=name, text=needle, start=start, end=end, **kw)


def _place(text: str, needle: str, **kw: Any) -> Place:
    start, end = _at(text, needle)
    return Place(name=kw.pop("name", needle), text=needle, start=start, end=end, **kw)


def _sentence(text: str, needle: str) -> Evidence:
    start = text.rfind(". ", 0, text.index(needle))
    start = 0 if start < 0 else start + 2
    end = (
        text.index(". ", text.index(needle)) + 1
        if ". " in text[text.index(needle) :]
        else len(text)
    )
    return Evidence(text=text[start:end], start=start, end=end)


def _event(article: Article, needle: str, type_: str, mode: str | None = None, **kw: Any) -> Event:
    evidence = _sentence(article.text, needle)
    event_id = make_event_id(article.content_hash, evidence.start, evidence.end, type_, mode)
    return Event(event_id=event_id, type=type_, mode=mode, evidence=evidence, **kw)  # type: ignore[arg-type]


def farmers() -> tuple[Article, Findings]:
    """A protest in Shiraz, arrests by the police, a quote, and a reaction by the governor."""
    art = Article(id="farmers-shiraz", text=FARMERS, title="Farmers protest water shortages in Shiraz",
                  published="2024-03-05", url="https://news.example/farmers", source="Example News")  # fmt: skip
    shiraz = _place(FARMERS, "Shiraz", lat=29.61, lon=52.54, country="IRN", admin1="Fars", precision="city", feature="city", confidence=0.9)  # fmt: skip
    farmers_ = _actor(FARMERS, "farmers", "farmers", kind="group", country="IRN", sector="CVL")
    police = _actor(
        FARMERS, "Police", "Iran police", kind="organization", country="IRN", sector="COP"
    )
    crowd = _actor(FARMERS, "protesters", "protesters", kind="group", country="IRN", sector="CVL")
    governor = _actor(FARMERS, "provincial governor", "Fars governor", kind="person", country="IRN", sector="GOV")  # fmt: skip
    karimi = _actor(
        FARMERS, "Reza Karimi", "Reza Karimi", kind="person", country="IRN", sector="CVL"
    )
    protest = _event(art, "Hundreds of farmers", "PROTEST", "demo", source_actors=[farmers_], location=shiraz,
                     date="2024-03-04", date_precision="day", acled_event_type="Protests",
                     acled_sub_event_type="Peaceful protest", participants=Count(min=200, max=999, text="Hundreds"), confidence=0.86)  # fmt: skip
    arrest = _event(art, "Police fired", "COERCE", "arrest", source_actors=[police], target_actors=[crowd],
                    location=shiraz, date="2024-03-04", date_precision="day", acled_event_type="Protests",
                    acled_sub_event_type="Protest with intervention", arrests=Count(value=12, text="12"), confidence=0.78)  # fmt: skip
    reject = _event(art, "rejected", "REJECT", source_actors=[governor], target_actors=[crowd], location=shiraz,
                    date="2024-03-05", date_precision="day", reacts_to=protest.event_id, confidence=0.64)  # fmt: skip
    q_start, q_end = _at(FARMERS, "We only want water for our fields,")
    quote = Quote(text="We only want water for our fields,", start=q_start, end=q_end, kind="direct", cue="said",
                  speaker=karimi, speaker_text="Reza Karimi", speaker_start=karimi.start, speaker_end=karimi.end)  # fmt: skip
    kazerun = _place(
        FARMERS, "Kazerun", lat=29.62, lon=51.65, country="IRN", admin1="Fars", precision="city"
    )
    findings = Findings(id=art.id, title=art.title, published=art.published, events=[protest, arrest, reject],
                        quotes=[quote], places=[shiraz, kazerun], actors=[farmers_, police, crowd, karimi, governor])  # fmt: skip
    return art, findings


def goma() -> tuple[Article, Findings]:
    """An armed clash near Goma with fatalities."""
    art = Article(id="goma-clash", text=GOMA, title="Clashes near Goma", published="2024-02-17", source="Example Wire")  # fmt: skip
    place = _place(
        GOMA, "Goma", lat=-1.68, lon=29.22, country="COD", admin1="North Kivu", precision="city"
    )
    soldiers = _actor(
        GOMA, "Soldiers", "DRC army", kind="organization", country="COD", sector="MIL"
    )
    rebels = _actor(GOMA, "rebels", "rebels", kind="group", country="COD", sector="REB")
    clash = _event(art, "Soldiers clashed", "ASSAULT", "firearms", source_actors=[soldiers], target_actors=[rebels],
                   location=place, date="2024-02-16", date_precision="day", acled_event_type="Battles",
                   acled_sub_event_type="Armed clash", fatalities=Count(min=15, text="at least 15"), confidence=0.91)  # fmt: skip
    findings = Findings(id=art.id, title=art.title, published=art.published, events=[clash], places=[place], actors=[soldiers, rebels])  # fmt: skip
    return art, findings


def berlin() -> tuple[Article, Findings]:
    """A meeting in Berlin and an agreement on aid."""
    art = Article(id="berlin-talks", text=BERLIN, title="Ministers meet in Berlin", published="2024-01-10", source="Example Daily")  # fmt: skip
    place = _place(
        BERLIN, "Berlin", lat=52.52, lon=13.40, country="DEU", admin1="Berlin", precision="city"
    )
    france = _actor(BERLIN, "France", "France", kind="state", country="FRA", sector="GOV")
    germany = _actor(BERLIN, "Germany", "Germany", kind="state", country="DEU", sector="GOV")
    meet = _event(art, "met in Berlin", "CONSULT", source_actors=[france], target_actors=[germany], location=place,
                  date="2024-01-10", date_precision="day", confidence=0.7)  # fmt: skip
    agree = _event(art, "They agreed", "AID", source_actors=[france, germany], location=place,
                   date="2024-01-10", date_precision="day", confidence=0.55)  # fmt: skip
    findings = Findings(id=art.id, title=art.title, published=art.published, events=[meet, agree], places=[place], actors=[france, germany])  # fmt: skip
    return art, findings


def hostile() -> tuple[Article, Findings]:
    """An article whose every string tries to inject HTML or script."""
    art = Article(id='xss"><img src=x onerror="window.__xss = 6">', text=XSS_TEXT,
                  title=f"{XSS_SCRIPT}Breaking {XSS_IMG}", published="2024-03-06",
                  url="javascript:window.__xss = 4", source=XSS_SVG)  # fmt: skip
    tabriz = _place(XSS_TEXT, "Tabriz", name=f"Tabriz {XSS_IMG}", lat=38.08, lon=46.29, country="IRN", admin1=XSS_SVG, precision="city")  # fmt: skip
    crowd = _actor(
        XSS_TEXT, "Crowds", f"Crowds {XSS_SCRIPT}", kind="group", country="IRN", sector="CVL"
    )
    officials = _actor(XSS_TEXT, "Officials", f"Officials {XSS_SVG}", kind="organization", country="IRN", sector="GOV")  # fmt: skip
    protest = _event(art, "Crowds gathered", "PROTEST", "demo", source_actors=[crowd], location=tabriz,
                     date="2024-03-06", date_precision="day", confidence=0.8, contexts=[XSS_IMG])  # fmt: skip
    statement = _event(art, "Officials said", "CONSULT", source_actors=[officials], target_actors=[crowd],
                       location=tabriz, date="2024-03-06", reacts_to=protest.event_id, confidence=0.5)  # fmt: skip
    q_start, q_end = _at(XSS_TEXT, "the march was peaceful")
    quote = Quote(text=f"the march was peaceful {XSS_IMG}", start=q_start, end=q_end, kind="indirect", cue="said",
                  speaker=officials, speaker_text="Officials", speaker_start=officials.start, speaker_end=officials.end)  # fmt: skip
    findings = Findings(id=art.id, title=art.title, published=art.published, events=[protest, statement],
                        quotes=[quote], places=[tabriz], actors=[crowd, officials])  # fmt: skip
    return art, findings


def all_articles(*, include_hostile: bool = True) -> list[tuple[Article, Findings]]:
    """Return the hand-written articles with their findings (and the hostile one)."""
    return [farmers(), goma(), berlin()] + ([hostile()] if include_hostile else [])


def build_db(path: Path, *, include_hostile: bool = True) -> Path:
    """Save the hand-written articles (and the hostile one) into a new SQLite store."""
    with open_store(path) as store:
        store.save(all_articles(include_hostile=include_hostile))
    return path


def free_socket() -> socket.socket:
    """Bind a loopback socket on a free port (kept open so no other process can take it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def running_server(db: Path | str, **options: Any) -> Iterator[str]:
    """Run the real app under uvicorn in a thread on a free loopback port; yield its base URL."""
    sock = free_socket()
    config = uvicorn.Config(create_app(db=str(db), **options), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
