"""Ingest: turn text, HTML, JSONL, feed and WARC inputs into Articles, or failures that say why not.

Every reader is a generator over its input, so a directory, a JSONL file or a WARC of any size is
read one article at a time.
"""

from eventscribe.ingest.failure import IngestFailure
from eventscribe.ingest.feeds import fetch_feed, read_feed, read_feed_url
from eventscribe.ingest.files import read_file, read_inputs, walk_inputs
from eventscribe.ingest.html import read_html
from eventscribe.ingest.jsonl import read_jsonl, read_jsonl_stream
from eventscribe.ingest.language import detect_language, guess_language, load_language_identifier
from eventscribe.ingest.text import read_text
from eventscribe.ingest.warc import WarcCounts, read_warc, read_warc_stream

__all__ = [
    "IngestFailure",
    "WarcCounts",
    "detect_language",
    "fetch_feed",
    "guess_language",
    "load_language_identifier",
    "read_feed",
    "read_feed_url",
    "read_file",
    "read_html",
    "read_inputs",
    "read_jsonl",
    "read_jsonl_stream",
    "read_text",
    "read_warc",
    "read_warc_stream",
    "walk_inputs",
]
