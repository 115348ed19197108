"""Dates resolved against the publication date (INTERFACE STUB: to be implemented).

    resolve_date(text: str, *, published: datetime.date | None) -> DateValue | None
    find_dates(doc: Doc, *, published: datetime.date | None) -> list[DateMention]
"""
