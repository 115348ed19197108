"""Hand-built spaCy Docs for tests that need a parse without loading a model."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

VOCAB = spacy.blank("en").vocab

# word, lemma, pos, dep, head index (absolute), entity IOB
Row = tuple[str, str, str, str, int, str]


def built_doc(rows: list[Row], *, starts: tuple[int, ...] = (0,)) -> Doc:
    """Return a Doc with the rows' annotation; sentences start at the ``starts`` tokens."""
    return Doc(
        VOCAB,
        words=[r[0] for r in rows],
        spaces=[i + 1 < len(rows) and rows[i + 1][2] != "PUNCT" for i in range(len(rows))],
        lemmas=[r[1] for r in rows],
        pos=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        heads=[r[4] for r in rows],
        ents=[r[5] for r in rows],
        sent_starts=[i in starts for i in range(len(rows))],
    )
