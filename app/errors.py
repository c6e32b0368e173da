"""Every error TreatyQA shows to users: a message that says what to do, never a traceback.

    TreatyQAError
    ├── DocumentError     a source document cannot be read or parsed (ingest)
    ├── StoreError        the record store is unreachable or does not fit the configuration
    ├── ConfigError       a setting is missing or invalid
    ├── QuestionError     a question cannot be asked as given (empty, too long, unknown filter)
    └── LimitError        too many questions from one client (HTTP 429)
        └── BusyError     every answer slot is taken; ask again in a moment (HTTP 503)

The first four are raised while reading sources and keeping the store, and live in
`ingest.errors`; they are the same classes here."""

from __future__ import annotations

from ingest.errors import ConfigError, DocumentError, StoreError, TreatyQAError

__all__ = [
    "BusyError",
    "ConfigError",
    "DocumentError",
    "LimitError",
    "QuestionError",
    "StoreError",
    "TreatyQAError",
]


class QuestionError(TreatyQAError):
    """A question cannot be processed (empty, too long...)."""


class LimitError(TreatyQAError):
    """Too many questions from one client, or too many at once."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BusyError(LimitError):
    """Every answer slot is taken; the question may be asked again in a moment."""
