"""Quotes and their speakers (INTERFACE STUB: to be implemented).

    extract_quotes(doc: Doc, *, actors: list[Actor]) -> list[Quote]
"""
