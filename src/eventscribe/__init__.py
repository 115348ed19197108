"""eventscribe: turn news articles into a sourced, geocoded political event dataset."""

from eventscribe.errors import (
    ConfigError,
    EventscribeError,
    ExtractionError,
    InputError,
    ModelError,
    SkippedArticle,
    StoreError,
)
from eventscribe.records import (
    SCHEMA_VERSION,
    Actor,
    Article,
    Count,
    Event,
    Evidence,
    Findings,
    Place,
    Quote,
    StageError,
    from_json,
    to_json,
)

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Article",
    "ConfigError",
    "Count",
    "Event",
    "EventscribeError",
    "Evidence",
    "ExtractionError",
    "Findings",
    "InputError",
    "ModelError",
    "Place",
    "Quote",
    "SkippedArticle",
    "StageError",
    "StoreError",
    "__version__",
    "from_json",
    "to_json",
]
