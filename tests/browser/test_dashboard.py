"""The dashboard in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Each test starts the real server on a free loopback port over a store of hand-written
articles, drives the page like a user, and saves screenshots to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from api_server import build_db, running_server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("EVENTSCRIBE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y chromium (or set EVENTSCRIBE_CHROMIUM)"
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_db(tmp_path_factory.mktemp("browser") / "events.db")
    with running_server(db) as url:
        yield url


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()
    assert errors == [], errors


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def rows(page: Page) -> int:
    return page.locator("#events tr.event-row").count()


def apply(page: Page) -> None:
    page.evaluate("document.body.dataset.ready = 'false'")
    page.click("#apply")
    page.wait_for_selector("body[data-ready=true]")


def test_dashboard_shows_map_timeline_and_table(page: Page) -> None:
    assert rows(page) == 8
    assert page.locator("#count").inner_text() == "8 matching"
    assert (
        page.locator("#map path.leaflet-interactive.cluster").count() == 3
    )  # Shiraz+Tabriz, Goma, Berlin
    assert page.locator("#map path").count() > 100  # the Natural Earth basemap is drawn
    assert page.locator("#timeline rect.bar").count() == 5  # five days with events
    assert "8 events from 4 articles" in page.locator("#stats").inner_text()
    shot(page, "dashboard")


def test_filter_then_open_an_event_shows_highlighted_evidence(page: Page) -> None:
    page.select_option("#f-type", "ASSAULT")
    apply(page)
    assert rows(page) == 1
    page.fill("#f-text", "nothing like this")
    apply(page)
    assert rows(page) == 0
    page.fill("#f-text", "clash*")
    page.fill("#f-from", "2024-02-01")
    page.fill("#f-to", "2024-02-29")
    apply(page)
    assert rows(page) == 1
    page.click("#events tr.event-row")
    page.wait_for_selector("#event-view:not([hidden])")
    evidence = page.locator("#ev-text .hl-evidence")
    assert "".join(evidence.all_inner_texts()).startswith("Soldiers clashed with rebels near Goma")
    assert page.locator("#ev-text .hl-actor").all_inner_texts() == ["Soldiers", "rebels"]
    assert page.locator("#ev-text .hl-place").all_inner_texts() == ["Goma"]
    assert "at least 15" in page.locator("#ev-facts").inner_text()
    shot(page, "event-view")
    page.keyboard.press("Escape")
    assert page.locator("#event-view").is_hidden()


def test_event_view_highlights_quotes_and_links_reactions(page: Page) -> None:
    page.fill("#f-actor", "governor")
    apply(page)
    page.click("#events tr.event-row")
    page.wait_for_selector("#event-view:not([hidden])")
    assert page.locator("#ev-text .hl-quote").all_inner_texts() == [
        "We only want water for our fields,"
    ]
    assert "Reacts to" in page.locator("#ev-facts").inner_text()
    page.click("#ev-others button >> text=PROTEST")
    expect(page.locator("#ev-title")).to_contain_text("demo")
    evidence = "".join(page.locator("#ev-text .hl-evidence").all_inner_texts())
    assert evidence.startswith("Hundreds of farmers protested")


def test_clicking_a_day_on_the_timeline_filters_by_date(page: Page) -> None:
    page.evaluate("document.body.dataset.ready = 'false'")
    page.locator("#timeline rect.bar").first.click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#f-from") == page.input_value("#f-to") == "2024-01-10"
    assert rows(page) == 2


def test_actor_view_shows_who_acts_on_whom_and_reactions(page: Page) -> None:
    page.click("button.tab[data-view=actors]")
    page.wait_for_selector("#dyads tbody tr")
    dyads = page.locator("#dyads tbody").inner_text()
    assert "Iran police\t→\tprotesters\tCOERCE" in dyads
    assert "Fars governor" in page.locator("#reactions").inner_text()
    shot(page, "actor-view", full_page=True)
    page.click("#actors button >> text=DRC army")
    page.wait_for_selector("#view-events:not([hidden]) #events tr.event-row")
    expect(page.locator("#events tr.event-row")).to_have_count(1)


def test_hostile_article_text_is_shown_as_text_and_never_runs(
    browser: Browser, server: str
) -> None:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#f-text", "Tabriz")
    apply(page)
    assert rows(page) == 2  # full-text search finds the article, and both its events
    page.click("#events tr.event-row")
    page.wait_for_selector("#event-view:not([hidden])")
    page.locator("#ev-others button").first.click()  # the other hostile event, via its link
    expect(page.locator("#ev-title")).to_contain_text("CONSULT")
    text = page.locator("#ev-text").inner_text()
    assert "<script>window.__xss = 1</script>" in text
    assert '<img src=x onerror="window.__xss = 2">' in text
    assert '"><svg onload="window.__xss = 3">' in text
    assert "<script>window.__xss = 1</script>Breaking" in page.locator("#ev-title").inner_text()
    assert page.locator("#ev-meta a").count() == 0  # the javascript: URL is not made a link
    page.keyboard.press("Escape")
    tooltips = []
    clusters = page.locator("#map path.cluster")
    for n in range(clusters.count()):
        clusters.nth(n).hover(force=True)
        tooltips.append(page.locator(".leaflet-tooltip").last.inner_text())
    assert any("Tabriz <img src=x onerror=" in tip for tip in tooltips), tooltips
    page.click("button.tab[data-view=actors]")
    page.wait_for_selector("#reactions li")
    page.wait_for_timeout(300)
    injected = page.evaluate(
        """() => ({
            xss: window.__xss === undefined ? null : window.__xss,
            imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
            svgs: document.querySelectorAll('svg[onload]').length,
            scripts: [...document.scripts].filter((s) => !s.src).length,
            handlers: [...document.querySelectorAll('*')].filter(
                (el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        })"""
    )
    shot(page, "hostile-actors", full_page=True)
    context.close()
    assert injected == {"xss": None, "imgs": 0, "svgs": 0, "scripts": 0, "handlers": 0}
    assert dialogs == []


def test_no_request_leaves_the_server(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.goto(server + "/docs")
    page.wait_for_selector("#ops section")
    context.close()
    foreign = [url for url in requested if not url.startswith((server, "data:"))]
    assert foreign == []
    assert any("countries-110m.json" in url for url in requested)


def test_phone_width_fits_without_sideways_scrolling(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#map").bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    shot(page, "phone", full_page=True)
    page.locator("#events tr.event-row").first.tap()
    page.wait_for_selector("#event-view:not([hidden]) .hl-evidence")
    card = page.locator(".event-card").bounding_box()
    assert card is not None and card["width"] <= PHONE["width"]
    shot(page, "phone-event")
    context.close()


@pytest.mark.model
def test_sample_corpus_end_to_end(browser: Browser, tmp_path: Path) -> None:
    db = tmp_path / "sample.db"
    exe = str(Path(sys.executable).with_name("eventscribe"))
    run = subprocess.run(
        [exe, "run", str(REPO / "data" / "sample" / "articles.jsonl"), "--db", str(db), "--quiet"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with running_server(db) as url:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        assert rows(page) > 5
        assert page.locator("#map path.cluster").count() >= 1
        shot(page, "sample-dashboard")
        page.select_option("#f-type", "PROTEST")
        apply(page)
        assert rows(page) >= 1
        page.locator("#events tr.event-row").first.click()
        page.wait_for_selector("#event-view:not([hidden]) #ev-text .hl-evidence")
        evidence = "".join(page.locator("#ev-text .hl-evidence").all_inner_texts())
        assert len(evidence) > 20
        shot(page, "sample-event")
        context.close()
