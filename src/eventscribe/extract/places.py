"""Toponyms -> gazetteer places (INTERFACE STUB: to be implemented).

Contract used by the pipeline and events stage:

    load_gazetteer(*, cache_dir: Path | None = None) -> Gazetteer
        Build (first use) or open the compact offline index; no network.
    find_places(doc: Doc, *, gazetteer: Gazetteer) -> list[Place]
        Every place mention in the doc, resolved and disambiguated at article level,
        in text order, offsets into doc.text. Demonyms ("Iranian", "Dutch") are returned
        as country mentions with feature="country", precision="country".
"""
