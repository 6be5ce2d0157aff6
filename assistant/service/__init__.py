"""The facade: the assistant's use cases, the one API of the command line and the window.

:class:`Library` wraps the wired :class:`~assistant.app.Assistant` with what every
client needs on top of it: one-off questions and conversations per session, a passage
shown in its document, ingests from disk and uploads kept under the data directory,
removal and compaction, filter choices and totals, the grades, actions and case studies,
drafts, evaluation, and a lock so that a document being added or removed is never half
seen by a question. Questions share the lock; a write takes it alone only for the moment
a document becomes visible (its record written, the lexical index built beforehand
swapped in): parsing, embedding and writing the chunks of an upload happen before,
without it, so answers keep flowing during a long upload.

The window (``ui/``) and the command line (``assistant.cli``) import nothing of the
library's internals but this package (import-linter contracts in pyproject.toml): the
data types they show (Answer, Citation, the Ingest* outcomes, DocumentRecord, CaseRow,
GradeRow), the accounts that sign in (Accounts, Role) and the OpenAI wire format of the
API for programs (openai_format) are taken from here. Its modules, by job:
``conversations`` (questions), ``sources``, ``documents``, ``tables``, ``drafts``,
``evaluating``, ``locks`` and ``views`` (what it returns besides the records).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant import openai_format as openai_format
from assistant.accounts import Accounts as Accounts
from assistant.accounts import Role as Role
from assistant.models import Answer as Answer
from assistant.models import Citation as Citation
from assistant.models import IngestOutcome as IngestOutcome
from assistant.models import IngestProgress as IngestProgress
from assistant.models import IngestReport as IngestReport
from assistant.service.conversations import MAX_CLIENT_TURNS as MAX_CLIENT_TURNS
from assistant.service.conversations import MAX_SESSIONS as MAX_SESSIONS
from assistant.service.documents import compact_chroma_directory as compact_chroma_directory
from assistant.service.documents import find_files as find_files
from assistant.service.drafts import check_template as check_template
from assistant.service.evaluating import FILES_SEP as FILES_SEP
from assistant.service.library import Library as Library
from assistant.service.locks import ReadWriteLock as ReadWriteLock
from assistant.service.tables import ACTION_STATUSES as ACTION_STATUSES
from assistant.service.views import About as About
from assistant.service.views import FilterChoices as FilterChoices
from assistant.service.views import PassageView as PassageView
from assistant.service.views import Totals as Totals
from assistant.service.views import answer_with_references as answer_with_references
from assistant.service.views import authority_names as authority_names
from assistant.service.views import citation_place as citation_place
from assistant.service.views import decimal_year as decimal_year
from assistant.service.views import grade_distribution as grade_distribution
from assistant.service.views import is_loopback as is_loopback
from assistant.service.views import safe_upload_name as safe_upload_name

if TYPE_CHECKING:
    from assistant.structured import CaseRow as CaseRow
    from assistant.structured import GradeRow as GradeRow
    from vectorstore.store import DocumentRecord as DocumentRecord
