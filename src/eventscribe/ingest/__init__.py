"""Ingest: turn .txt, .html and .jsonl inputs into Articles, or failures that say why not.

Every reader is a generator over its input, so a directory or a JSONL file of any size is read
one article at a time.
"""

from eventscribe.ingest.failure import IngestFailure
from eventscribe.ingest.files import read_file, read_inputs, walk_inputs
from eventscribe.ingest.html import read_html
from eventscribe.ingest.jsonl import read_jsonl, read_jsonl_stream
from eventscribe.ingest.language import detect_language, guess_language, load_language_identifier
from eventscribe.ingest.text import read_text

__all__ = [
    "IngestFailure",
    "detect_language",
    "guess_language",
    "load_language_identifier",
    "read_file",
    "read_html",
    "read_inputs",
    "read_jsonl",
    "read_jsonl_stream",
    "read_text",
    "walk_inputs",
]
