"""Progress questions answered from the improvement actions table, each row cited.

"What is the status of Bromley's MASH action?", "Which of the improvement plan's actions
are overdue?", "When is the out-of-hours review due?": when the question asks about
progress, status or timeframes and the library holds improvement-plan rows (of the
authority named, if any), the best-matching actions are listed with their timeframe,
progress, status and lead, each cited to its plan row.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.answering.extractive import Drafted
from assistant.answering.judgements import TableAnswer, row_citation
from assistant.answering.text_units import terms
from assistant.prompts import PromptSet
from assistant.structured import ActionRow, StructuredData

# What a progress question asks about (naming "the improvement plan" alone is not enough).
_PROGRESS = re.compile(
    r"\b(status|progress|achieved|overdue|on track|timeframe|time ?scale|deadline|due|"
    r"lead officer|who (?:is )?leads?)\b",
    re.I,
)
# A yes/no question about whether something was done ("Has Bromley agreed the pathways?").
_DONE_YET = re.compile(
    r"^\s*(?:has|have|had|did|is|are|was|were)\b.{3,200}?"
    r"(?:\byet\b|\bdone\b|\bcomplete|\bfinish|\bin place\b|\bstarted\b|\bagreed\b|\?\s*$)",
    re.I,
)
_GENERIC = set(terms("status progress action actions plan improvement due what which is the"))


class ActionAnswerer:
    """Answers questions about the progress of improvement actions."""

    def __init__(self, data: StructuredData, prompts: PromptSet, *, limit: int = 4) -> None:
        """Answer from ``data``; wording from ``prompts`` (``judgements-v1``)."""
        self.data = data
        self.prompts = prompts
        self.limit = limit

    def answer(self, question: str, authorities: list[str] | tuple[str, ...]) -> TableAnswer | None:
        """The actions that answer ``question``, or None when it is not about progress."""
        if not (_PROGRESS.search(question) or _DONE_YET.search(question)):
            return None
        rows = [
            r
            for r in self.data.actions(
                authorities=list(authorities), as_of=date.today().isoformat()
            )
            if r.origin == "plan"
        ]
        if not rows:
            return None
        overdue = re.search(r"\boverdue\b", question, re.I)
        wanted = set(terms(question)) - _GENERIC - set(terms(" ".join(authorities)))
        if overdue:
            chosen = [r for r in rows if r.status == "overdue"][: self.limit]
        else:
            scored = [(self._score(r, wanted), i, r) for i, r in enumerate(rows)]
            best = max((s for s, _, _ in scored), default=0.0)
            if best <= 0:
                return None
            chosen = [
                r for s, _, r in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= best * 0.8
            ]
            chosen = chosen[: self.limit]
        if not chosen:
            return None
        return TableAnswer(self._draft(chosen), ())

    @staticmethod
    def _score(row: ActionRow, wanted: set[str]) -> float:
        action = set(terms(row.action or ""))
        area = set(terms(row.area))
        return len(wanted & action) + 0.5 * len(wanted & (area - action))

    def _draft(self, rows: list[ActionRow]) -> Drafted:
        lines = [self.prompts.render("actions_lead", authority=rows[0].authority or "the plan")]
        citations = []
        quote_numbers: dict[str, int] = {}
        for r in rows:
            n = quote_numbers.get(r.quote)
            if n is None:
                n = quote_numbers[r.quote] = len(citations) + 1
                citations.append(row_citation(n, r))
            lines.append(
                self.prompts.render(
                    "action_row",
                    action=r.action or r.area,
                    timeframe=r.timeframe or "not stated",
                    progress=r.progress or "not stated",
                    status=r.status,
                    lead=r.lead or "not stated",
                    n=n,
                )
            )
        return Drafted("\n".join(lines), tuple(citations), False)
