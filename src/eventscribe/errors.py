"""One exception tree for eventscribe.

::

    EventscribeError
    ├── ConfigError          bad settings or flags
    ├── InputError           an input cannot be read or decoded (one article or one file)
    │   └── SkippedArticle   readable, but out of scope (e.g. a language we do not support yet)
    ├── ModelError           a model or data package is missing or broken
    ├── StoreError           the database cannot be opened, migrated or written
    └── ExtractionError      a stage failed on one article (recorded, the run goes on)

The library raises these and never prints or exits; the CLI turns them into one-line messages.
"""

from __future__ import annotations


class EventscribeError(Exception):
    """Root of every error eventscribe raises on purpose."""


class ConfigError(EventscribeError):
    """Settings, flags or environment variables are invalid."""


class InputError(EventscribeError):
    """An input (file, line, article) cannot be read or decoded."""


class SkippedArticle(InputError):
    """An article was read but is out of scope; the message says why."""


class ModelError(EventscribeError):
    """A model or data package is missing or unusable."""


class StoreError(EventscribeError):
    """The store cannot be opened, migrated, read or written."""


class ExtractionError(EventscribeError):
    """An extraction stage failed on one article."""
