"""The API's one JSON error shape, and the handlers that turn every error into it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventscribe.errors import ConfigError, EventscribeError, InputError, ModelError, StoreError


class ApiError(Exception):
    """An HTTP error with the API's error code; rendered in the one error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Sequence[Any] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = list(details), headers


_STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "invalid_parameter", 500: "internal_error", 503: "unavailable",
}  # fmt: skip


def error_response(error: ApiError) -> Response:
    """Render an ApiError as the API's one JSON error shape."""
    body = {
        "error": {
            "status": error.status,
            "code": error.code,
            "message": error.message,
            "details": error.details,
        }
    }
    return json_response(body, status=error.status, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = {404: "no such path; see /docs for the API"}.get(exc.status_code, str(exc.detail))
        return error_response(
            ApiError(exc.status_code, code, message, headers=dict(exc.headers or {}) or None)
        )

    async def invalid(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(_validation_error(exc))

    async def ours(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, EventscribeError)
        return error_response(_from_eventscribe(exc))

    async def bug(_: Request, exc: Exception) -> Response:
        message = f"internal error {type(exc).__name__}; please report it with the request"
        return error_response(ApiError(500, "internal_error", message))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(EventscribeError, ours)
    app.add_exception_handler(Exception, bug)


def _validation_error(exc: RequestValidationError) -> ApiError:
    details = []
    for item in exc.errors():
        loc = [str(part) for part in item.get("loc", ())]
        where = loc[0] if loc else "request"
        name = ".".join(loc[1:]) or where
        details.append({"location": where, "parameter": name, "message": item.get("msg", "")})
    summary = "; ".join(f"{d['parameter']}: {d['message']}" for d in details)
    return ApiError(422, "invalid_parameter", f"invalid parameters ({summary})", details=details)


def _from_eventscribe(exc: EventscribeError) -> ApiError:
    if isinstance(exc, ConfigError | InputError):
        return ApiError(422, "invalid_parameter", str(exc))
    if isinstance(exc, ModelError):
        return ApiError(503, "models_unavailable", str(exc))
    if isinstance(exc, StoreError):
        return ApiError(503, "store_unavailable", str(exc))
    return ApiError(500, "internal_error", str(exc))


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status_code=status, media_type="application/json", headers=headers)
