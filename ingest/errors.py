"""The errors of reading sources and keeping the store; `app.errors` adds those of
answering questions and holds the whole hierarchy. Every message says what to do next."""


class TreatyQAError(Exception):
    """Base class for errors shown to users as a message, never as a traceback."""


class DocumentError(TreatyQAError):
    """A source document could not be read or parsed."""


class StoreError(TreatyQAError):
    """The record store is unreachable or inconsistent with the configuration."""


class ConfigError(TreatyQAError):
    """A setting is missing or invalid."""
