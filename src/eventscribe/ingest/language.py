"""Language identification with py3langid (its model ships inside the package)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

# py3langid labels that are varieties of an ISO 639-1 language: fold their score into it.
_VARIETIES = {
    "ary": "ar",  # Moroccan Arabic
    "arz": "ar",  # Egyptian Arabic
    "uzs": "uz",  # Southern Uzbek
    "wuu": "zh",  # Wu Chinese
    "yue": "zh",  # Cantonese
    "sdh": "ku",  # Southern Kurdish
    "hbo": "he",  # Ancient Hebrew
    "grc": "el",  # Ancient Greek
    "gug": "gn",  # Paraguayan Guarani
}
# Identification is linear in length; a long prefix decides as well as the whole article.
_MAX_CHARS = 20_000
# Below this many letters the model has little to go on: scale the confidence down.
_FULL_EVIDENCE_LETTERS = 40


@functools.cache
def load_language_identifier() -> Any:
    """Load py3langid's packaged model once, restricted to ISO 639-1 codes and their varieties.

    Its file is LZMA-compressed, which costs about a second at every start: the restricted
    identifier is kept, unpacked, in the cache directory (next to the gazetteer index) and
    read from there when its py3langid version matches.
    """
    cached = _cache_path()
    stale = (OSError, pickle.UnpicklingError, EOFError, AttributeError)
    with contextlib.suppress(*stale), cached.open("rb") as handle:
        return pickle.load(handle)
    identifier = _build_identifier()
    with contextlib.suppress(OSError):  # a read-only cache only means a slower start
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(identifier, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cached)
    return identifier


def _build_identifier() -> Any:
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    labels = [c for c in identifier.nb_classes if len(c) == 2 or c in _VARIETIES]
    identifier.set_languages(labels)
    # The packaged weights are float16 in column order: every article gathers rows of them,
    # which takes several times longer than from float32 rows (same scores, a third of the
    # time of identifying an article).
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc, dtype=np.float32)
    return identifier


def _cache_path() -> Path:
    from eventscribe.gazetteer import default_cache_dir

    version = metadata.version("py3langid")
    labels = hashlib.sha1(repr(sorted(_VARIETIES.items())).encode()).hexdigest()[:8]
    return default_cache_dir() / f"langid-{version}-{labels}-f32.pickle"


def detect_language(text: str) -> tuple[str, float]:
    """Return the ISO 639-1 code of ``text`` and a 0..1 confidence."""
    sample = text[:_MAX_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    if letters == 0:
        return "en", 0.0  # nothing to judge by: the default language, with no confidence
    scores: dict[str, float] = {}
    for label, score in load_language_identifier().rank(sample):
        code = _VARIETIES.get(label, label)
        scores[code] = scores.get(code, 0.0) + float(score)
    code, score = max(sorted(scores.items()), key=lambda item: item[1])
    evidence = min(1.0, letters / _FULL_EVIDENCE_LETTERS)
    return code, round(min(1.0, score) * evidence, 4)


# Below this confidence a guess is no reason to skip an article (short English headlines
# come out as Latin at ~0.3), so the language is left unknown and the article is processed.
MIN_CONFIDENCE = 0.5


def guess_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text`` when the identifier is confident, else None."""
    code, confidence = detect_language(text)
    return code if confidence >= MIN_CONFIDENCE else None
