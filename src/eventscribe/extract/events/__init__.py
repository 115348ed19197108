"""Event detection and typing, one module per step.

``triggers`` finds trigger candidates from the lexicon, ``args`` and ``slots`` fill their actors,
places and contexts, ``drafts`` holds a draft event, ``vectors`` and ``minilm`` give the static
MiniLM sentence vector, ``classifier`` and ``judge`` let the trained sentence classifier lead
detection and typing, ``domain`` holds the sport/market/crime and habitual checks,
``confidence`` maps features to a calibrated score, and ``stage`` runs them over a Doc
(``stage.extract_events``).
"""
