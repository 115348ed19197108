"""Actor mentions coded with country and sector (INTERFACE STUB: to be implemented).

    load_actor_dictionary(path: Path | None = None) -> ActorDictionary
    find_actors(doc: Doc, *, dictionary: ActorDictionary) -> list[Actor]
"""
