"""The project's error hierarchy: every error a user can see is one of these."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for errors reported to the user as a one-line message."""


class ConfigError(AssistantError):
    """Settings are missing, inconsistent or name something that does not exist."""


class IngestError(AssistantError):
    """A file could not be read, parsed or cleaned into text."""


class UnsupportedFileError(IngestError):
    """The file's content is of a type the assistant does not read."""


class EmptyDocumentError(IngestError):
    """The file was read but holds no usable text."""


class LimitError(IngestError):
    """The file is refused by a safety limit (decompressed size, pages, parse memory or time)."""


class StoreError(AssistantError):
    """The vector store or document index failed or is unreachable."""


class EmbeddingError(AssistantError):
    """The embedding model could not be loaded or run."""


class ProviderError(AssistantError):
    """A language-model provider failed (bad key, unknown model, unreachable)."""


class NoContextError(AssistantError):
    """Nothing relevant was retrieved to answer from."""


class InputError(AssistantError):
    """A question, batch file or argument supplied by the user is invalid."""


class ProviderUnreachableError(ProviderError):
    """The language model could not be reached (connection refused, dropped or timed out)."""
