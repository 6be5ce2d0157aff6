"""Credentials inside URLs are never shown or logged.

``https://user:pass@host/v1`` is shown as ``https://***@host/v1`` and ``?api_key=…`` as
``?api_key=***``, in the About panel, in error messages and (through
:class:`RedactingFormatter`) in every log line. The patterns run in linear time.
"""

from __future__ import annotations

import logging
import re

# the user information of a URL: from "://" to "@", never past a "/", "?", "#" or space
_USERINFO = re.compile(r"://[^/?#@\s]*@")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:api[_-]?key|key|access[_-]?token|token|password|passwd|secret|"
    r"sig|signature|auth)=)[^&#\s]*"
)
HIDDEN = "***"


def redact_urls(text: str) -> str:
    """``text`` with the user, password and secret query values of any URL in it hidden."""
    if "://" not in text and "=" not in text:
        return text
    text = _USERINFO.sub(f"://{HIDDEN}@", text)
    return _QUERY_SECRET.sub(rf"\g<1>{HIDDEN}", text)


def redact_url(url: str | None) -> str | None:
    """A URL fit to show (None stays None)."""
    return None if url is None else redact_urls(url)


class RedactingFormatter(logging.Formatter):
    """A log formatter that hides credentials of URLs (message, arguments and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, redacted."""
        return redact_urls(super().format(record))
