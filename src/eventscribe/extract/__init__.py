"""Extraction stages: each takes a spaCy Doc (plus what earlier stages found) and returns records."""
