"""The one exception hierarchy of towngown; every error knows its HTTP status."""

from __future__ import annotations

__all__ = [
    "TowngownError",
    "InputError",
    "ParseError",
    "ValidationFailed",
    "QuestionnaireError",
    "NotFound",
    "Unauthorized",
    "Forbidden",
    "PreconditionFailed",
    "Unprocessable",
    "FetchFailed",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "TooManyRequests",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "ResultTooLarge",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "ConfigError",
    "StorageUnavailable",
]


class TowngownError(Exception):
    """Base of every error towngown raises on purpose."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputError(TowngownError):
    """The caller sent something we cannot use."""

    status = 400
    title = "Bad request"


class ParseError(InputError):
    """RDF or SPARQL that does not parse; carries source, line and column when known."""

    title = "Syntax error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        where = ":".join(str(p) for p in (source, line, column) if p is not None) if source else ""
        super().__init__(f"{where}: {message}" if where else message, source=source, line=line, column=column)
        self.source = source
        self.line = line
        self.column = column


class ValidationFailed(TowngownError):
    """Data that parses but violates the shapes; carries the report."""

    status = 422
    title = "Validation failed"

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class QuestionnaireError(InputError):
    """A filled-in questionnaire (YAML, XLSX or the web form) with mistakes; carries every problem found,
    each naming the field and the cell or line."""

    title = "Mistakes in the questionnaire"

    def __init__(self, message: str, problems: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class NotFound(TowngownError):
    status = 404
    title = "Not found"


class Unauthorized(TowngownError):
    """No credentials, or credentials that are not valid (wrong, expired, revoked)."""

    status = 401
    title = "Authentication required"


class Forbidden(TowngownError):
    """Valid credentials that do not allow this (a token for another partnership)."""

    status = 403
    title = "Forbidden"


class PreconditionFailed(TowngownError):
    """If-Match did not match: someone else changed the resource first (lost update prevented)."""

    status = 412
    title = "Precondition failed"


class Unprocessable(InputError):
    """Well-formed input that towngown will not take as it is (a graph outside its partnership, ...)."""

    status = 422
    title = "Unprocessable content"


class FetchFailed(TowngownError):
    """A registered source (a file or a SPARQL endpoint) could not be fetched: unreachable, refused, too slow or too large."""

    status = 502
    title = "Source unavailable"


class PayloadTooLarge(InputError):
    status = 413
    title = "Request too large"


class UnsupportedMediaType(InputError):
    status = 415
    title = "Unsupported media type"


class TooManyRequests(TowngownError):
    status = 429
    title = "Too many requests"


class QueryError(InputError):
    """A SPARQL query the engine rejected."""

    title = "Query error"


class QueryRefused(InputError):
    """A query towngown will not run (update, SERVICE, too large)."""

    status = 400
    title = "Query refused"


class QueryTimeout(TowngownError):
    status = 503
    title = "Query time limit reached"


class ResultTooLarge(TowngownError):
    """A result larger than the configured limit: refused whole, never truncated."""

    status = 503
    title = "Result size limit reached"


class StoreBusy(TowngownError):
    """Every query slot is taken; try again shortly."""

    status = 503
    title = "Too many concurrent queries"


class StoreError(TowngownError):
    """The store answered something unexpected."""

    status = 502
    title = "Store error"


class StoreUnavailable(StoreError):
    """The store cannot be reached or is restarting."""

    status = 503
    title = "Store unavailable"


class StorageUnavailable(TowngownError):
    """The data directory (versions, tokens, locks) cannot be written: full, read-only or missing (issue 7)."""

    status = 507
    title = "Insufficient storage"


class ConfigError(TowngownError):
    title = "Configuration error"
