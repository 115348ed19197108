"""spaCy's rule lemmatizer, with its answers kept per (form, part of speech, morphology).

The stock component walks every token in Python and asks ``rule_lemmatize``, which caches
only some answers (not a base form's) and builds a MorphAnalysis for each token to make its
cache key. A rule lemma depends on nothing else than the token's form, POS and morphology,
so ``CachedLemmatizer`` reads those for the whole Doc at once (``Doc.to_array``), asks the
stock component once per distinct triple, and sets the same lemma on every token the stock
component would (those without a lemma from the attribute_ruler). The stock component's
lemma index becomes sets of words instead of lists, which it searches for every new form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer

if TYPE_CHECKING:
    from spacy.tokens import Doc


class CachedLemmatizer:
    """The stock lemmatizer's lemmas, looked up per (ORTH, POS, MORPH) triple."""

    def __init__(self) -> None:
        self.stock: Lemmatizer | None = None
        self.lemmas: dict[tuple[int, int, int], int] = {}  # triple -> lemma's string hash

    def __call__(self, doc: Doc) -> Doc:
        """Set the lemma of every token that has none, as the stock lemmatizer would."""
        stock = self.stock
        assert stock is not None, "use_cached_lemmatizer sets the stock component"
        if stock.overwrite or stock.mode != "rule" or not stock._validated:
            return stock(doc)  # its first Doc checks its tables; other modes: as they are
        lemmas, strings = self.lemmas, doc.vocab.strings
        rows = doc.to_array([LEMMA, ORTH, POS, MORPH]).tolist()
        for i, (lemma, orth, pos, morph) in enumerate(rows):
            if lemma:
                continue
            token = doc[i]
            found = lemmas.get((orth, pos, morph))
            if found is None:
                found = strings.add(stock.lemmatize(token)[0])
                if pos:  # no POS: the stock component warns each time; keep that
                    lemmas[orth, pos, morph] = found
            token.lemma = found
        return doc


@Language.factory("cached_lemmatizer")
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    """Return a lemmatizer without its stock component; ``use_cached_lemmatizer`` sets it."""
    return CachedLemmatizer()


def use_cached_lemmatizer(nlp: Language) -> None:
    """Wrap the pipeline's lemmatizer in a CachedLemmatizer, at the same place."""
    names = nlp.pipe_names
    position = names.index("lemmatizer")
    _, stock = nlp.remove_pipe("lemmatizer")
    where: dict[str, Any] = {"after": names[position - 1]} if position else {"first": True}
    cached = nlp.add_pipe("cached_lemmatizer", name="lemmatizer", **where)
    assert isinstance(cached, CachedLemmatizer) and isinstance(stock, Lemmatizer)
    cached.stock = stock
    _index_as_sets(stock)


def _index_as_sets(stock: Lemmatizer) -> None:
    """Make the lemma index's word lists sets: ``rule_lemmatize`` only asks ``form in index``.

    A list makes each question a scan of every known noun or verb (most of the stock
    component's time); a set answers the same.
    """
    if "lemma_index" not in stock.lookups.tables:
        return
    table = stock.lookups.get_table("lemma_index")
    for key in list(table.keys()):
        table[key] = frozenset(table[key])
