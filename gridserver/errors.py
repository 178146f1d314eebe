"""Errors that become a JSON ``ErrorBody`` (stable code + Chinese message), never a
traceback."""

from __future__ import annotations

from pydantic import JsonValue

from gridcore.protocol import ErrorBody, OpReason


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        detail: JsonValue = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=self.message, detail=self.detail)


class OpRejected(Exception):
    """One op cannot be applied; the rest of the push goes on."""

    def __init__(self, reason: OpReason, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.field = field
