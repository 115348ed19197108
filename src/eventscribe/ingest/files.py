"""Dispatch inputs (files, directories, "-" for stdin) to the readers, one item at a time."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from eventscribe.errors import InputError
from eventscribe.ingest.failure import IngestFailure, guarded, internal_failure
from eventscribe.ingest.feeds import FEED_URL_PREFIXES, read_feed, read_feed_url
from eventscribe.ingest.html import read_html
from eventscribe.ingest.jsonl import DEFAULT_MAX_BYTES, read_jsonl_stream
from eventscribe.ingest.text import read_text
from eventscribe.ingest.warc import WARC_SUFFIXES, read_warc
from eventscribe.records import Article

FEED_SUFFIXES = (".rss", ".atom", ".xml")
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", *FEED_SUFFIXES, *WARC_SUFFIXES)
STDIN_ORIGIN = "<stdin>"


def read_inputs(
    inputs: Sequence[str], *, stdin: TextIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestFailure]:
    """Yield articles (or failures) from files, directories, feed URLs and "-" (JSONL on stdin)."""
    for given in inputs:
        if given.lower().startswith(FEED_URL_PREFIXES):
            yield from guarded(read_feed_url(given, max_bytes=max_bytes), id=given, what="the feed")
        elif given == "-":
            # The raw bytes of the real stdin: a bad line then fails alone instead of the stream.
            stream = stdin if stdin is not None else sys.stdin.buffer
            lines = read_jsonl_stream(stream, origin=STDIN_ORIGIN, max_bytes=max_bytes)
            yield from guarded(lines, id=STDIN_ORIGIN, what="standard input")
        elif os.path.isdir(given):
            yield from _read_directory(Path(given), max_bytes=max_bytes)
        elif os.path.lexists(given):
            yield from read_file(Path(given), id=given, max_bytes=max_bytes)
        else:
            yield IngestFailure(id=given, message="no such file or directory; check the path")


def _read_directory(directory: Path, *, max_bytes: int) -> Iterator[Article | IngestFailure]:
    for found in walk_inputs(directory):
        if isinstance(found, IngestFailure):
            yield found
        else:
            yield from read_file(found, id=str(found), max_bytes=max_bytes)


def walk_inputs(directory: Path) -> Iterator[Path | IngestFailure]:
    """Yield the readable files (SUPPORTED_SUFFIXES) under a directory in path order, hidden ones skipped."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(
                (e for e in listing if not e.name.startswith(".")), key=lambda e: e.name
            )
    except OSError as e:
        yield IngestFailure(id=str(directory), message=_os_message("cannot list the directory", e))
        return
    for entry in entries:
        # Symlinked directories are not followed: they can loop back up the tree.
        if entry.is_dir(follow_symlinks=False):
            yield from walk_inputs(directory / entry.name)
        elif entry.name.lower().endswith(SUPPORTED_SUFFIXES) and entry.is_file():
            yield directory / entry.name


def read_file(
    path: Path, *, id: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestFailure]:
    """Yield the article in a .txt or .html file, or the articles in a .jsonl, feed or WARC file."""
    suffix = path.suffix.lower()
    if path.name.lower().endswith(WARC_SUFFIXES):
        yield from read_warc(path, id=id, max_bytes=max_bytes)
        return
    if suffix not in SUPPORTED_SUFFIXES:
        kind = suffix or "without an extension"
        yield IngestFailure(
            id=id,
            message=f"unsupported file type {kind}; give .txt, .html, .htm, .jsonl, a feed (.rss, .atom, .xml) or a WARC (.warc, .warc.gz)",
        )
        return
    try:
        if suffix == ".jsonl":
            with path.open("rb") as stream:
                yield from read_jsonl_stream(stream, origin=id, max_bytes=max_bytes)
        elif suffix in FEED_SUFFIXES:
            # feedparser needs the whole document; the size limit applies to the feed file.
            yield from read_feed(_read_limited(path, max_bytes=max_bytes), origin=id)
        else:
            yield _read_document(path, id=id, suffix=suffix, max_bytes=max_bytes)
    except InputError as e:
        yield IngestFailure(id=id, message=str(e))
    except OSError as e:
        yield IngestFailure(id=id, message=_os_message("cannot read the file", e))
    except Exception as e:  # a reader bug ends this file only, never the run
        yield internal_failure(e, id=id, what="the file")


def _read_document(path: Path, *, id: str, suffix: str, max_bytes: int) -> Article:
    """Read one .txt or .html file after checking its size (before reading it)."""
    raw = _read_limited(path, max_bytes=max_bytes)
    return read_text(raw, id=id) if suffix == ".txt" else read_html(raw, id=id)


def _read_limited(path: Path, *, max_bytes: int) -> bytes:
    """Read a whole file, refusing (before reading) one over ``max_bytes``."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes); "
            "split it or raise the limit"
        )
    return path.read_bytes()


def _os_message(what: str, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{what} ({reason}); check that it exists and that you may read it"


def count_items(inputs: Sequence[str]) -> int | None:
    """Return how many items read_inputs will yield, or None when that cannot be known cheaply.

    Text and HTML files count one each and JSONL files their non-blank lines (a fast byte scan);
    feeds, WARC archives, URLs and stdin make the total unknown. Used for a progress bar's ETA.
    """
    total = 0
    for given in inputs:
        if given == "-" or given.lower().startswith(FEED_URL_PREFIXES):
            return None
        paths = walk_inputs(Path(given)) if os.path.isdir(given) else iter([Path(given)])
        for path in paths:
            if isinstance(path, IngestFailure):
                total += 1
                continue
            count = _count_file(path)
            if count is None:
                return None
            total += count
    return total


def _count_file(path: Path) -> int | None:
    name = path.name.lower()
    if name.endswith((*WARC_SUFFIXES, *FEED_SUFFIXES)):
        return None
    if not name.endswith(".jsonl"):
        return 1
    try:
        with path.open("rb") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 1  # read_inputs reports it as one failure
