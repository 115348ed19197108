"""One article that breaks a stage fails alone: parse, and store, on real spaCy and SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventscribe.parse import Parsed
from eventscribe.pipeline import Item, Models, _parse_safely, _rejection, run_into
from eventscribe.records import Article, Event, Evidence, Findings, make_event_id
from eventscribe.store import open_store


@Language.component("explode_on_boom")
def explode_on_boom(doc: Doc) -> Doc:
    """A parser stage with a bug that only one article's text triggers."""
    if "BOOM" in doc.text:
        raise IndexError("list index out of range")
    return doc


def _models(nlp: Language) -> Models:
    return Models(nlp=nlp, gazetteer=None, actors=None, lexicon=None)  # type: ignore[arg-type]


def test_a_parse_bug_on_one_article_fails_that_article_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("explode_on_boom")
    articles = [Article(id=n, text=t) for n, t in [("a", "Fine."), ("b", "BOOM."), ("c", "Ok.")]]
    with caplog.at_level("ERROR", logger="eventscribe.pipeline"):
        out = list(_parse_safely(articles, models=_models(nlp), batch_size=8))
    assert [type(x).__name__ for x in out] == ["Parsed", "Findings", "Parsed"]
    assert isinstance(out[0], Parsed) and out[0].article.id == "a"
    assert isinstance(out[1], Findings) and out[1].id == "b"
    [error] = out[1].errors
    assert error.stage == "parse"
    assert error.message.startswith("internal error IndexError: list index out of range")
    assert caplog.records[-1].exc_info is not None  # the bug keeps its traceback in the log


def test_a_text_over_the_parsers_limit_is_refused_with_advice() -> None:
    nlp = spacy.blank("en")
    nlp.max_length = 10
    stage, message = _rejection(Article(id="long", text="x" * 11), _models(nlp)) or ("", "")
    assert stage == "parse"
    assert (
        message
        == "the text is 11 characters, over the parser's limit of 10; split the article into parts"
    )


def _findings(batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[Findings]]]:
    """Findings as an extractor with a bug would give them: one event's confidence is NaN."""
    for batch in batches:
        yield batch, [_coded(item) for item in batch]


def _coded(item: Item) -> Findings:
    findings = Findings(id=item.id)
    if isinstance(item, Article):
        span = Evidence(text=item.text, start=0, end=len(item.text))
        confidence = float("nan") if item.id == "bad" else 0.5
        event_id = make_event_id(item.content_hash, 0, len(item.text), "COERCE", None)
        findings.events = [
            Event(event_id=event_id, type="COERCE", evidence=span, confidence=confidence)
        ]
    return findings


def test_an_article_the_database_cannot_hold_fails_alone_and_the_batch_is_saved(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = [Article(id=f"g{n}", text=f"Police arrested {n} people.") for n in range(3)]
    bad = Article(id="bad", text="Police arrested an unknown number of people.")
    with (
        caplog.at_level("ERROR", logger="eventscribe.pipeline"),
        open_store(tmp_path / "e.db") as store,
    ):
        summary = run_into([good[0], bad, *good[1:]], store=store, process=_findings, batch_size=8)
        assert store.known_hashes([a.content_hash for a in [*good, bad]]) == {
            a.content_hash for a in good
        }
    assert (summary.articles, summary.stored, summary.events) == (4, 3, 3)
    [(failed_id, message)] = summary.failures
    assert failed_id == "bad"
    assert message.startswith("store: internal error ValueError: Out of range float values")
    assert caplog.records[-1].exc_info is not None
