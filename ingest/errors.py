"""The one exception hierarchy of TreatyQA; every message says what to do next."""


class TreatyQAError(Exception):
    """Base class for errors shown to users as a message, never as a traceback."""


class DocumentError(TreatyQAError):
    """A source document could not be read or parsed."""


class StoreError(TreatyQAError):
    """The record store is unreachable or inconsistent with the configuration."""


class ConfigError(TreatyQAError):
    """A setting is missing or invalid."""


class QuestionError(TreatyQAError):
    """A question cannot be processed (empty, too long...)."""


class LimitError(TreatyQAError):
    """Too many questions from one client, or too many at once."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BusyError(LimitError):
    """Every answer slot is taken; the question may be asked again in a moment."""
