"""How many were killed, injured, arrested or took part (INTERFACE STUB: to be implemented).

    parse_quantity(text: str) -> Count | None
    find_counts(span: Span) -> list[CountMention]   # CountMention(category, count, start, end)
"""
