"""The HTTP API and the dashboard: one FastAPI app over one store.

``create_app`` builds it, ``serve`` runs it (``eventscribe serve``).

Reads go through a few "lanes": each lane is one thread that owns its own store connection
(SQLite connections must stay in the thread that opened them), so the event loop never blocks
on the database and a slow query holds up only its own lane. Every error, whatever raised it,
leaves as one JSON shape::

    {"error": {"status": 422, "code": "invalid_parameter", "message": "...", "details": [...]}}

Ingest over HTTP is off unless an ingest token is configured; reads need a token only when a
read token is configured. The dashboard is static (``web/``): no CDN, no tile server.
"""

from eventscribe.api.app import WEB_DIR, create_app, serve
from eventscribe.api.errors import ApiError, error_response
from eventscribe.api.params import API

__all__ = ["API", "WEB_DIR", "ApiError", "create_app", "error_response", "serve"]
