"""The static sentence vectors and the numpy MiniLM pieces they are built with (no model)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from eventscribe.errors import ModelError
from eventscribe.extract.events.minilm import WordPiece, read_safetensors, reduce_table
from eventscribe.extract.events.vectors import load_embedder, save_embedder

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "gun", "##men", "attack", "##ed", ",", "kazerun"]


def test_wordpiece_lowercases_strips_accents_and_splits_pieces() -> None:
    tok = WordPiece(vocab={p: i for i, p in enumerate(VOCAB)})
    assert tok.words("Gunmen attacked, Kāzerūn") == ["gunmen", "attacked", ",", "kazerun"]
    assert tok.encode("Gunmen attacked xyz") == [2, 4, 5, 6, 7, 1, 3]


def test_safetensors_are_read_without_torch() -> None:
    data = np.arange(6, dtype=np.float32)
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}).encode()
    blob = struct.pack("<Q", len(header)) + header + data.tobytes()
    assert read_safetensors(blob)["w"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_the_table_round_trips_and_pools_a_sentence(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    table, scales = reduce_table(rng.normal(size=(len(VOCAB), 16)).astype(np.float32), dims=4)
    assert table.dtype == np.int8 and table.shape == (len(VOCAB), 4)
    path = tmp_path / "v.npz"
    save_embedder(VOCAB, table, scales, path, id="test")
    embedder = load_embedder(path)
    vector = embedder.embed("Gunmen attacked")
    assert vector.shape == (4,) and np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert not embedder.embed("").any()


def test_the_packaged_table_loads() -> None:
    embedder = load_embedder()
    assert embedder.dims == 128 and embedder.meta["id"].startswith("minilm-l6-v2-static128")
    near = embedder.embed("Gunmen killed five villagers.") @ embedder.embed(
        "Militants shot dead 5 people."
    )
    far = embedder.embed("Gunmen killed five villagers.") @ embedder.embed(
        "Share prices rose on Tuesday."
    )
    assert near > far


def test_a_broken_table_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(b"nope")
    with pytest.raises(ModelError, match="train --distill"):
        load_embedder(path)
