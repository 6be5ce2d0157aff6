"""``Library``: the one facade of the assistant's use cases, for every client.

The command line, the window and its API for programs all call it; none reaches past it
to the store or the tables. It owns the locks: questions share the library, a write
takes it alone only for the moment a document becomes visible.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from assistant.service.conversations import Conversations
from assistant.service.documents import Documents
from assistant.service.drafts import Drafts
from assistant.service.evaluating import Evaluating
from assistant.service.locks import ReadWriteLock
from assistant.service.sources import Sources
from assistant.service.tables import Tables
from assistant.service.views import About, describe

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.conversation import Conversation
    from core.settings import Settings


class Library(Conversations, Sources, Documents, Tables, Drafts, Evaluating):
    """The assistant's use cases for every client, safe to call from many threads.

    Each part is a module of :mod:`assistant.service` named by its job: questions and
    conversations, sources, documents, tables, drafts and evaluation.
    """

    def __init__(self, assistant: Assistant) -> None:
        """Serve ``assistant``."""
        self.assistant = assistant
        self.settings = assistant.settings
        self.lock = ReadWriteLock()
        self._sessions: OrderedDict[str, Conversation] = OrderedDict()
        self._sessions_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, **parts: Any) -> Library:
        """The library the settings name, wired by the composition root.

        ``parts`` replace parts of it (see :func:`assistant.app.build_assistant`).
        """
        from assistant.app import build_assistant

        return cls(build_assistant(settings, **parts))

    def about(self) -> About:
        """Answer mode, model, data location and whether anything leaves the machine."""
        return describe(self.settings)

    def close(self) -> None:
        """Stop what the library started (a local model server)."""
        self.assistant.close()
