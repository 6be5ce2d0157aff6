"""The assistant as a service shared by many users of the chat window.

``Library`` wraps one :class:`~assistant.app.Assistant` with what a window needs on
top of the use cases: conversations per session, a passage shown in its document,
uploads kept under the data directory, filter choices, totals, the grades and case
studies views, and a lock so that a document being added or removed is never half
seen by a question. Questions share the lock; a write takes it alone only for the
moment a document becomes visible (its record written, the lexical index built
beforehand swapped in): parsing, embedding and writing the chunks of an upload
happen before, without it, so answers keep flowing during a long upload.
"""

from __future__ import annotations

import contextvars
import dataclasses
import ipaddress
import logging
import os
import re
import threading
import unicodedata
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from assistant import openai_format
from assistant.accounts import Accounts as Accounts
from assistant.accounts import Role as Role
from assistant.models import Answer, Citation, IngestOutcome, IngestProgress, IngestReport
from assistant.redact import redact_url
from core.dates import document_dates
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.conversation import Conversation
    from assistant.structured import CaseRow, GradeRow
    from ingest.authorities import AuthorityIndex
    from vectorstore.store import DocumentRecord, Filters

# The window (ui/) imports nothing of assistant/ but this module (an import-linter contract
# in pyproject.toml): the data types it shows (Answer, Citation, the Ingest* outcomes,
# DocumentRecord, CaseRow, GradeRow), the accounts that sign in (Accounts, Role) and the
# OpenAI wire format of its API for programs (openai_format) are taken from here.

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_SESSIONS = 500
MAX_CLIENT_TURNS = 20  # of a client's history, the latest turns read (a follow-up needs one)
_CONTEXT_CHARS = 700
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class ReadWriteLock:
    """Many readers or one writer; a waiting writer stops new readers (no starvation)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock shared."""
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock alone."""
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass(frozen=True)
class PassageView:
    """A cited passage in its document: the quote with the text around it."""

    n: int
    title: str
    source: str
    page: int | None
    section: str | None
    before: str
    quote: str
    after: str
    original: Path | None
    file_type: str | None
    dates: str = ""  # the document's labelled dates (see core.dates)


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can offer, from the documents in the library."""

    authorities: list[str]
    kinds: list[str]
    documents: list[tuple[str, str]]  # (label, doc id)


@dataclass(frozen=True)
class Totals:
    """The size of the library."""

    documents: int
    pages: int
    chunks: int


@dataclass(frozen=True)
class About:
    """What the window says about itself: answer mode, data location, what leaves the machine."""

    mode: str
    model: str | None
    endpoint: str | None
    data_dir: str
    store: str
    leaves_machine: str


def safe_upload_name(name: str) -> str:
    """A file name safe to keep: no folders, no control or reserved characters, not hidden."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not base:
        base = "upload"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[:150]}.{suffix.lower()}" if stem else f"upload.{suffix.lower()}"
    return base[:160]


def answer_with_references(answer: Answer) -> str:
    """The answer with its references written out, for pasting into a paper."""
    lines = [answer.text.strip()]
    if answer.citations:
        lines += ["", "References"]
        for c in answer.citations:
            lines.append(f"[{c.n}] {citation_place(c)}: “{c.quote}”")
    return "\n".join(lines)


def citation_place(c: Citation) -> str:
    """Title, file, page and section of a citation, as a reference list writes them."""
    from assistant.render import where

    place = c.title + (f" ({c.source})" if c.source and c.source != c.title else "")
    loc = where(c)
    return place + (f", {loc}" if loc else "")


def authority_names(
    index: AuthorityIndex | None, names: Sequence[str] = (), neighbours_of: str | None = None
) -> list[str]:
    """Canonical names of ``names``, then ``neighbours_of`` and its DfE statistical neighbours.

    An unknown (or ambiguous) name raises ``InputError``.
    """
    out: list[str] = []
    for name in [*(names or ()), *([neighbours_of] if neighbours_of else [])]:
        found = index.resolve(name) if index else None
        if found is None:
            raise InputError(f"unknown local authority {name!r}")
        out.append(found.name)
    if neighbours_of and index is not None:
        out += [a.name for a in index.neighbours(out[-1])]
    return out


class Library:
    """The assistant's use cases for a multi-user window, safe to call from many threads."""

    def __init__(self, assistant: Assistant) -> None:
        """Serve ``assistant``."""
        self.assistant = assistant
        self.settings = assistant.settings
        self.lock = ReadWriteLock()
        self._sessions: OrderedDict[str, Conversation] = OrderedDict()
        self._sessions_lock = threading.Lock()

    # -- conversations ----------------------------------------------------------------

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

    def stream(
        self, session: str | None, question: str, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Answer in a session: text pieces, then the final ``Answer`` (checked, cited)."""
        self.assistant._checked_question(question)
        _, conversation = self.conversation(session)
        with self.lock.reading():
            yield from conversation.stream(question, filters=filters)

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

        self.assistant._checked_question(question)
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

    def passage(self, citation: Citation) -> PassageView:
        """A citation's quote in its document, with the paragraphs around it."""
        with self.lock.reading():
            text = self.assistant.store.document_text(citation.doc_id)
            record = self.assistant.store.get_document(citation.doc_id)
        before = after = ""
        quote = citation.quote
        if text:
            at = text.find(quote)
            if at < 0:
                at = text.find(quote[:80])
            if at >= 0:
                start = _line_start(text, max(0, at - _CONTEXT_CHARS))
                end = _line_end(text, min(len(text), at + len(quote) + _CONTEXT_CHARS))
                before, after = text[start:at], text[at + len(quote) : end]
        return PassageView(
            n=citation.n,
            title=citation.title,
            source=citation.source,
            page=citation.page,
            section=citation.section,
            before=before,
            quote=quote,
            after=after,
            original=self.assistant.original_file(citation.doc_id),
            file_type=record.file_type if record else None,
            dates=document_dates(record.meta) if record else "",
        )

    def original(self, doc_id: str) -> Path | None:
        """The kept copy of a document's file."""
        return self.assistant.original_file(doc_id)

    def original_download(self, doc_id: str) -> tuple[Path, str] | None:
        """A stored document's kept file and the name to save it as (its own file name).

        None when the document is not in the library (a file left behind by a
        replaced or deleted document is never offered) or its file was not kept.
        """
        with self.lock.reading():
            record = self.assistant.store.get_document(doc_id)
            kept = self.assistant.original_file(doc_id) if record else None
        if record is None or kept is None:
            return None
        name = safe_upload_name(PurePosixPath(record.source.replace("\\", "/")).name)
        if Path(name).suffix.lower() != kept.suffix.lower():
            name += kept.suffix.lower()
        return kept, name

    # -- documents --------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        with self.lock.reading():
            return self.assistant.documents()

    def totals(self, docs: Sequence[DocumentRecord] | None = None) -> Totals:
        """Documents, pages and chunks in the library."""
        docs = self.documents() if docs is None else docs
        return Totals(
            documents=len(docs),
            pages=sum(d.page_count for d in docs),
            chunks=sum(d.chunk_count for d in docs),
        )

    def filter_choices(self, docs: Sequence[DocumentRecord] | None = None) -> FilterChoices:
        """Authorities, report kinds and documents present in the library."""
        docs = self.documents() if docs is None else docs
        authorities = sorted({a for d in docs for a in d.meta.authorities})
        kinds = sorted({d.meta.kind for d in docs if d.meta.kind != "unknown"})
        labels = Counter(f"{d.title} ({d.source})" for d in docs)
        documents = sorted(
            (
                (
                    f"{d.title} ({d.source})"
                    + (f" · {d.doc_id[:8]}" if labels[f"{d.title} ({d.source})"] > 1 else ""),
                    d.doc_id,
                )
                for d in docs
            ),
            key=lambda x: x[0].lower(),
        )
        return FilterChoices(authorities, kinds, documents)

    def upload(
        self,
        files: Sequence[tuple[Path, str]],
        progress: Callable[[IngestProgress], None] | None = None,
        *,
        replace: Collection[str] = (),
        account: str = "",
    ) -> IngestReport:
        """Ingest uploaded files ``(temporary path, name as uploaded)``, one at a time.

        Names are reduced to a safe file name; files over the size limit are refused
        before they are read; the type is checked from the content by ingest. An
        upload replaces a stored document only when it is the same report (see
        :mod:`assistant.identity`) and that document's id is in ``replace`` (the
        user confirmed it); otherwise the file is ``held`` and its outcome says what
        it would replace. Questions wait only while each document becomes visible,
        not while it is read and embedded; that work runs on a thread of lower CPU
        priority than the questions' (and the reading in a child process of lower
        priority still). ``account`` (who is signed in; empty without a login) is
        recorded with each document. ``progress`` is told as each stage of each file
        starts (reading, chunking, embedding n of N chunks, indexing, done).
        """
        report = _in_background(lambda: self._upload(files, progress, replace, account))
        if any(o.status in ("added", "updated") for o in report.outcomes):
            from assistant.structured import structured_data

            if progress is not None:
                progress(IngestProgress(len(files), len(files), "the grades table", "indexing"))
            structured_data(self.assistant).refresh()  # here, not in the next grade question
        return report

    def _upload(
        self,
        files: Sequence[tuple[Path, str]],
        progress: Callable[[IngestProgress], None] | None,
        replace: Collection[str],
        account: str,
    ) -> IngestReport:
        limit = self.settings.ui.max_upload_mb * 1024 * 1024
        self.sweep_window_files(keep=[path for path, _ in files])
        outcomes: list[IngestOutcome] = []
        seconds = 0.0
        for i, (path, name) in enumerate(files):
            source = safe_upload_name(name)

            def on_stage(p: IngestProgress, i: int = i) -> None:
                if progress is not None:  # the file's place in the whole upload
                    progress(dataclasses.replace(p, file=i + 1, files=len(files)))

            try:
                size = path.stat().st_size
            except OSError as exc:
                outcomes.append(IngestOutcome(source, "failed", reason=f"cannot read: {exc}"))
                continue
            if size > limit:
                outcomes.append(
                    IngestOutcome(
                        source,
                        "failed",
                        reason=f"{size / 1e6:.1f} MB is over the upload limit of "
                        f"{self.settings.ui.max_upload_mb} MB",
                    )
                )
                continue
            report = self.assistant.ingest(
                [(path, source)],
                origin="upload",
                confirmed=frozenset(replace),
                visible=self.lock.writing,
                added_by=account or "window (no login)",
                on_stage=on_stage,
            )
            outcomes.extend(report.outcomes)
            seconds += report.seconds
        return IngestReport(tuple(outcomes), seconds)

    def document(self, doc_id: str) -> DocumentRecord:
        """The stored document with this id (``InputError`` when there is none)."""
        if not doc_id:
            raise InputError("choose a document first")
        with self.lock.reading():
            return self.assistant.resolve_document(doc_id)

    def remove(self, doc_id: str) -> DocumentRecord:
        """Remove a stored document, its kept file, its drafts and the window's copies.

        The index is compacted so that the document's text is not readable on disk.
        """
        if not doc_id:
            raise InputError("choose a document to delete")
        return self.assistant.remove(doc_id, visible=self.lock.writing)

    def sweep_window_files(self, keep: Sequence[Path] = ()) -> int:
        """Delete the window's temporary files older than the retention time (not ``keep``)."""
        from assistant.housekeeping import sweep_window_files

        minutes = self.settings.ui.upload_retention_minutes
        return sweep_window_files(self.settings.window_files_dir, minutes * 60, keep=keep)

    def housekeeping(self) -> None:
        """The window's chores, at start and every few minutes.

        Old temporary files go, and removals not yet made unreadable on disk (a
        compaction another program kept busy, a removal a crash interrupted) are.
        """
        self.sweep_window_files()
        store = self.assistant.store
        if store.has_removed() or store.compaction_pending():  # else no need to stop questions
            with store.writing(), self.lock.writing():  # in the order every write takes them
                self.assistant.tidy()

    def start_housekeeping(self) -> threading.Event:
        """Do the chores now, then every few minutes in a daemon thread; set the event to stop."""
        self.housekeeping()
        stop = threading.Event()
        every = min(300.0, self.settings.ui.upload_retention_minutes * 60 / 4)

        def loop() -> None:
            while not stop.wait(every):
                try:
                    self.housekeeping()
                except Exception:  # a chore failing must not end the window
                    logger.exception("housekeeping failed")

        threading.Thread(target=loop, name="housekeeping", daemon=True).start()
        return stop

    # -- drafts -----------------------------------------------------------------------

    def template_names(self) -> tuple[str, ...]:
        """The shipped draft templates (board paper, briefing note)."""
        from assistant.drafting.templates import available_templates

        return available_templates()

    def draft(self, doc_ids: Sequence[str], template: str) -> tuple[str, Path, Path]:
        """A cited draft of stored reports: its Markdown, and Word and Markdown files.

        The files are written under ``drafts/`` in the data directory (one folder per
        draft), so that the window can offer them for download.
        """
        from assistant.drafting import draft_report, write_docx
        from assistant.housekeeping import write_draft_sources

        if not doc_ids:
            raise InputError("choose at least one report to draft from")
        if template not in self.template_names():
            raise InputError(f"unknown template {template!r}")
        with self.lock.reading():
            draft = draft_report(self.assistant, list(doc_ids), template)
        markdown = draft.to_markdown()
        folder = self.settings.drafts_dir / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        cited = [r.doc_id for r in draft.references]
        write_draft_sources(folder, sorted(set(doc_ids) | set(cited)))
        stem = safe_upload_name(draft.title)[:80].rstrip(" .") or "draft"
        md_path = folder / f"{stem}.md"
        md_path.write_text(markdown, encoding="utf-8")
        docx_path = write_docx(draft, folder / f"{stem}.docx")
        return markdown, docx_path, md_path

    # -- about ------------------------------------------------------------------------

    def about(self) -> About:
        """Answer mode, model, data location and whether anything leaves the machine."""
        s = self.settings
        mode = s.llm.mode
        store = (
            f"Chroma server at {s.store.host}:{s.store.port}"
            if s.store.mode == "http"
            else f"embedded Chroma in {s.chroma_dir}"
        )
        if mode == "extractive":
            return About(
                mode="offline extractive (quotes, no language model)",
                model=None,
                endpoint=None,
                data_dir=str(s.data_dir),
                store=store,
                leaves_machine=_leaves(s, "Nothing: answers are quoted from the reports here."),
            )
        if mode == "local":
            name = s.llm.gguf_path.name if s.llm.gguf_path else "local model"
            return About(
                mode="local language model",
                model=name,
                endpoint=f"llama.cpp on {s.llm.local_host}",
                data_dir=str(s.data_dir),
                store=store,
                leaves_machine=_leaves(s, "Nothing: the model runs on this machine."),
            )
        endpoint = redact_url(s.llm.base_url) or "https://api.openai.com/v1"
        local = _is_loopback_url(endpoint)
        return About(
            mode="language model (OpenAI-compatible API)",
            model=s.llm.model,
            endpoint=endpoint,
            data_dir=str(s.data_dir),
            store=store,
            leaves_machine=_leaves(
                s,
                "Nothing: the model server is on this machine."
                if local
                else f"Questions and the retrieved report passages are sent to {endpoint}.",
            ),
        )

    # -- grades and case studies ------------------------------------------------------

    def grades(
        self,
        *,
        authority: str | None = None,
        area: str | None = None,
        latest: bool = False,
        with_neighbours: bool = False,
    ) -> list[GradeRow]:
        """Judgements read from the reports, filtered; optionally with statistical neighbours."""
        from assistant.structured import structured_data

        names = (
            authority_names(self.assistant.authorities, (), authority)
            if with_neighbours
            else authority_names(self.assistant.authorities, [authority] if authority else ())
        )
        with self.lock.reading():
            data = structured_data(self.assistant)
            areas = (data.resolve_area(area),) if area else ()
            return data.grades(authorities=names, areas=areas, latest=latest)

    def cases(
        self,
        query: str | None = None,
        *,
        themes: Sequence[str] = (),
        like: str | None = None,
        neighbours_of: str | None = None,
        limit: int = 20,
    ) -> list[tuple[CaseRow, float, str]]:
        """Case studies ranked by likeness to ``query`` (or to case ``like``), with why.

        ``neighbours_of`` keeps the cases of that authority and its statistical neighbours.
        """
        from assistant.structured import THEME_NAMES, rank_cases, structured_data

        for theme in themes:
            if theme not in THEME_NAMES:
                raise InputError(f"unknown theme {theme!r}: one of {', '.join(THEME_NAMES)}")
        names = authority_names(self.assistant.authorities, (), neighbours_of)
        if like:
            base = self.case(like)
            query = f"{base.title}. {base.summary or ''}"
        with self.lock.reading():
            data = structured_data(self.assistant)
            rows = data.cases(authorities=names, themes=tuple(themes))
            if like:
                rows = [r for r in rows if r.id != like]
            query = (query or "").strip() or None
            return rank_cases(self.assistant.store.embeddings, query, rows)[:limit]

    def case(self, case_id: str) -> CaseRow:
        """One case study by its id (``InputError`` when there is none)."""
        from assistant.structured import structured_data

        with self.lock.reading():
            found = next(
                (r for r in structured_data(self.assistant).cases() if r.id == case_id), None
            )
        if found is None:
            raise InputError(f"no case study with id {case_id!r}")
        return found

    def theme_names(self) -> tuple[str, ...]:
        """The controlled vocabulary of case-study themes."""
        from assistant.structured import THEME_NAMES

        return THEME_NAMES

    def judgement_names(self, short: bool = False) -> dict[str, str]:
        """Judgement area keys and their names (``short``: the brief names of a legend)."""
        from assistant.structured import AREA_NAMES, SHORT_AREA_NAMES

        return dict(SHORT_AREA_NAMES if short else AREA_NAMES)

    def judgements_held(self) -> list[str]:
        """The brief names of the judgements the library holds, in the usual order (a legend)."""
        from assistant.structured import SHORT_AREA_NAMES, structured_data

        with self.lock.reading():
            held = {r.area for r in structured_data(self.assistant).grades()}
        return [name for key, name in SHORT_AREA_NAMES.items() if key in held] + sorted(
            held - set(SHORT_AREA_NAMES)
        )

    def authority_names(self) -> list[str]:
        """Every English authority's canonical name."""
        index = self.assistant.authorities
        return sorted(a.name for a in index.all()) if index else []


def _in_background(work: Callable[[], T]) -> T:
    """Run ``work`` on a new thread of lower CPU priority (Linux nice +10) and wait for it.

    The caller's context variables go with it (Gradio's progress bar reads them).
    """
    done: list[T] = []
    failed: list[BaseException] = []
    context = contextvars.copy_context()

    def run() -> None:
        try:
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + 10))
        except (AttributeError, OSError):  # not Linux: the same priority
            pass
        try:
            done.append(context.run(work))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller
            failed.append(exc)

    worker = threading.Thread(target=run, name="upload", daemon=True)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    return done[0]


def grade_distribution(
    rows: Sequence[GradeRow], names: Mapping[str, str] | None = None
) -> list[tuple[str, str, int]]:
    """Counts of ``(grade, judgement, n)`` for a chart, grades labelled like "1 outstanding".

    Judgements are named by ``names`` (the full names by default).
    """
    from assistant.structured import AREA_NAMES

    names = AREA_NAMES if names is None else names
    counts = Counter((f"{r.level} {r.meaning}", names.get(r.area, r.area)) for r in rows)
    return sorted(((g, a, n) for (g, a), n in counts.items()), key=lambda x: (x[0], x[1]))


def decimal_year(day: str | None) -> float | None:
    """``"2022-05-20"`` → 2022.38 (for a time axis); None when no year is known."""
    if not day or not day[:4].isdigit():
        return None
    year = int(day[:4])
    month = int(day[5:7]) if len(day) >= 7 and day[5:7].isdigit() else 7
    return round(year + (month - 1) / 12, 2)


def _leaves(settings: Any, answers: str) -> str:
    extra = ""
    if settings.store.mode == "http" and not is_loopback(settings.store.host):
        extra = f" Report text is stored on the Chroma server at {settings.store.host}."
    return answers + extra + " No telemetry is sent."


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine ("localhost", 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_url(url: str) -> bool:
    from urllib.parse import urlparse

    return is_loopback(urlparse(url).hostname or "")


def _line_start(text: str, at: int) -> int:
    found = text.rfind("\n", 0, at)
    return 0 if found < 0 else found + 1


def _line_end(text: str, at: int) -> int:
    found = text.find("\n", at)
    return len(text) if found < 0 else found
