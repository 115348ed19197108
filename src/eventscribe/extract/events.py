"""Events: trigger lexicon + dependency patterns -> PLOVER/ACLED (INTERFACE STUB).

    load_lexicon(path: Path | None = None) -> Lexicon
    extract_events(doc, *, article_key, published, actors, places, quotes, lexicon) -> list[Event]
"""
