"""The facade's questions: one-off, in a conversation, or after a client's own history."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant import openai_format
from assistant.models import Answer, Citation

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.conversation import Conversation
    from assistant.service.locks import ReadWriteLock
    from vectorstore.store import DocumentRecord, Filters

MAX_SESSIONS = 500
MAX_CLIENT_TURNS = 20  # of a client's history, the latest turns read (a follow-up needs one)


class Conversations:
    """Questions and the conversations they belong to (a part of :class:`Library`)."""

    assistant: Assistant
    lock: ReadWriteLock
    _sessions: OrderedDict[str, Conversation]
    _sessions_lock: threading.Lock

    def conversation(self, session: str | None) -> tuple[str, Conversation]:
        """The conversation with this id (a new one, with a new id, when empty or unknown).

        The id is the client's to keep and send back: the window keeps it in the page,
        and the ``/ask`` API takes and returns it. The oldest are forgotten.
        """
        from assistant.conversation import Conversation

        with self._sessions_lock:
            if session and session in self._sessions:
                self._sessions.move_to_end(session)
                return session, self._sessions[session]
            session = uuid.uuid4().hex
            self._sessions[session] = Conversation(self.assistant)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
            return session, self._sessions[session]

    def forget_conversation(self, session: str | None) -> None:
        """Forget a conversation (the next question with no id starts a new one)."""
        with self._sessions_lock:
            if session:
                self._sessions.pop(session, None)

    def filters(
        self,
        *,
        authorities: Sequence[str] = (),
        kinds: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        docs: Sequence[str] = (),
    ) -> Filters | None:
        """Checked filters (None when nothing is chosen); bad values raise ``InputError``."""
        since = (since or "").strip() or None
        until = (until or "").strip() or None
        if not (authorities or kinds or since or until or docs):
            return None
        with self.lock.reading():
            return self.assistant.make_filters(
                authorities=authorities, kinds=kinds, since=since, until=until, docs=docs
            )

    def start_conversation(self) -> str:
        """A new conversation's id."""
        return self.conversation(None)[0]

    def ask(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """Answer one question on its own (no conversation): the checked, cited ``Answer``."""
        with self.lock.reading():
            return self.assistant.ask(question, id=id, k=k, filters=filters)

    def rewrite(self, session: str | None, question: str) -> str:
        """How a session's next question will be asked (a follow-up made standalone)."""
        _, conversation = self.conversation(session)
        with self.lock.reading():
            return conversation.rewrite(question)

    def stream(
        self,
        session: str | None,
        question: str,
        filters: Filters | None = None,
        *,
        k: int | None = None,
        standalone: str | None = None,
    ) -> Iterator[str | Answer]:
        """Answer in a session: text pieces, then the final ``Answer`` (checked, cited).

        ``standalone`` is the question as :meth:`rewrite` gave it (else it is rewritten here).
        """
        self.assistant.checked_question(question)
        _, conversation = self.conversation(session)
        with self.lock.reading():
            yield from conversation.stream(question, standalone=standalone, filters=filters, k=k)

    def stream_after(
        self,
        history: Sequence[tuple[str, str]],
        question: str,
        filters: Filters | None = None,
        *,
        k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Answer after the earlier ``(question, reply)`` turns a client sends (no session).

        As :meth:`stream`; the final ``Answer.question`` is the question as asked (a
        follow-up rewritten in the light of the turns). Only the latest
        :data:`MAX_CLIENT_TURNS` turns are read.
        """
        from assistant.conversation import Conversation

        self.assistant.checked_question(question)
        conversation = Conversation(self.assistant)
        with self.lock.reading():
            for asked, reply in history[-MAX_CLIENT_TURNS:]:
                conversation.remember(asked, openai_format.earlier_answer(asked, reply))
            yield from conversation.stream(question, filters=filters, k=k)

    def authorities_cited(self, answer: Answer) -> dict[str, tuple[str, ...]]:
        """The authorities each document an answer cites is about, by document id."""
        cited = self.cited_documents(answer.citations)
        return {doc_id: tuple(r.meta.authorities) for doc_id, r in cited.items()}

    def cited_documents(self, citations: Sequence[Citation]) -> dict[str, DocumentRecord]:
        """The stored records of the documents ``citations`` cite, by document id."""
        ids = {c.doc_id for c in citations if c.doc_id}
        with self.lock.reading():
            records = [self.assistant.store.get_document(doc_id) for doc_id in sorted(ids)]
        return {r.doc_id: r for r in records if r is not None}

    def rewritten(self, session: str | None) -> str | None:
        """How the last question of a session was read, when it was rewritten."""
        _, conversation = self.conversation(session)
        if conversation.turns and conversation.turns[-1].rewritten:
            return conversation.turns[-1].standalone
        return None

    # -- sources ----------------------------------------------------------------------
