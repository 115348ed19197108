"""Actor finding, one module per step.

``dictionary`` is the editable actor dictionary (codes, countries, sectors), ``names`` finds
named mentions, ``people`` people and their titles, ``roles`` groups and posts, and ``stage``
runs them over a Doc (``stage.find_actors``).
"""
