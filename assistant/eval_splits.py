"""The v2 evaluation (issue 13): splits side by side, every wording asked, wrong authority.

Every question is asked in its main wording and in each of its ``wordings``; each
answer is scored as a question of its own (:func:`assistant.evaluation.score_answer`)
for the accuracy figures. On top of those:

- **wrong-authority rate**: over the answers that were not refused to answerable
  questions about exactly one authority, the share that cite a document about some
  other authority (its stored ``authorities`` are not empty and do not hold the
  question's authority; a national report naming no authority is never wrong);
- **paraphrase consistency**: the share of questions with wordings whose answers all
  have the same kind (refused or not, and the answer's ``intent`` where the answer has
  one) and, unless all were refused, the same first-cited document.

Figures are given per split (``dev``, ``heldout``) and intent, and the difference
dev − held-out of each headline figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from assistant.eval_set import SPLITS, EvalQuestion
from assistant.evaluation import (
    AnswerLike,
    Asker,
    DocumentText,
    DocumentTexts,
    Metrics,
    QuestionResult,
    metrics,
    score_answer,
)

DocumentAuthorities = Callable[[str], Sequence[str] | None]
Canonical = Callable[[str], str | None]

# (key, label) of the figures compared across splits, in the order they are shown.
HEADLINE = (
    ("fact_accuracy", "key facts (answerable)"),
    ("refusal_accuracy", "unanswerable refused"),
    ("wrong_refusal_rate", "answerable wrongly refused"),
    ("citation_validity", "citations valid"),
    ("recall_at_5", "recall@5"),
    ("report_at_5", "report@5"),
    ("wrong_authority_rate", "wrong authority"),
    ("paraphrase_consistency", "paraphrase consistency"),
)


@dataclass(frozen=True)
class AskedResult:
    """One wording of one question, asked and scored.

    ``wording`` is 0 for the main wording; ``wrong_authority`` is None when the rate
    does not apply (unanswerable, not one authority, or refused).
    """

    result: QuestionResult
    wording: int
    split: str
    intent: str
    wrong_authority: bool | None
    first_doc: str | None
    answer_intent: str | None
    answered_from: str | None = None
    refusal_reason: str | None = None
    refusal_detail: str | None = None
    # for a question about several authorities: the first report cited for each of them
    first_by_authority: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The per-answer row of ``eval --json`` (v2)."""
        return {
            **self.result.to_json(),
            "wording": self.wording,
            "split": self.split,
            "intent": self.intent,
            "wrong_authority": self.wrong_authority,
            "first_doc": self.first_doc,
            "answer_intent": self.answer_intent,
            "answered_from": self.answered_from,
            "refusal_reason": self.refusal_reason,
            "refusal_detail": self.refusal_detail,
        }


@dataclass(frozen=True)
class Paraphrase:
    """Whether the wordings of one question were answered alike."""

    id: str
    split: str
    intent: str
    consistent: bool
    why_not: str | None = None  # a key of DISAGREEMENTS when not consistent
    # the answer kinds differ, but every wording was answered in the same form (table,
    # passages, whole report …) from the same first-cited document: only the intent read
    # differs ("finding" / "number" for "harrow SW caseloads"). Still not consistent.
    label_only: bool = False


def answer_intent(answer: Any) -> str | None:
    """The answer's ``intent`` as text, or None when the answer has none."""
    value = getattr(answer, "intent", None)
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    return str(value)


def wrong_authority(
    question: EvalQuestion,
    answer: AnswerLike,
    about: DocumentAuthorities,
    canonical: Canonical,
) -> bool | None:
    """Whether an answer cites a document about another authority than the question's.

    Args:
        question: the gold question; the rate applies to answerable ones about exactly
            one authority.
        answer: the answer; refused answers do not count (None).
        about: the canonical authority names a stored document is about, by id.
        canonical: a question's lower-case authority name to its canonical name.

    Returns:
        None when the rate does not apply, else whether some citation's document is
        about authorities that do not include the question's.
    """
    if not question.answerable or len(question.authorities) != 1 or answer.refused:
        return None
    name = question.authorities[0]
    target = (canonical(name) or name).casefold()
    for citation in answer.citations:
        authorities = about(citation.doc_id) or ()
        if authorities and target not in {a.casefold() for a in authorities}:
            return True
    return False


# why the wordings of one question were not answered alike, in the order they are tested
DISAGREEMENTS = (
    ("refused", "refused in some wordings"),
    ("intent", "answer kinds differ"),
    ("report", "first-cited report differs"),
)


def disagreement(answers: Sequence[AskedResult]) -> str | None:
    """Why several answers to one question's wordings disagree (None when they agree).

    They agree with the same kind (refused or not, and the same answer intent) and,
    unless every one was refused, the same first-cited document (for a question about
    several authorities, the same first-cited document of each). The reason is the
    first of :data:`DISAGREEMENTS` that holds.
    """
    if len({a.result.refused for a in answers}) > 1:
        return "refused"
    if len({a.answer_intent for a in answers}) > 1:
        return "intent"
    if all(a.result.refused for a in answers):
        return None
    # a comparison cites one report per authority, in the order the wording names them:
    # the same reports in another order are the same answer
    if len({a.first_by_authority or a.first_doc for a in answers}) > 1:
        return "report"
    return None


def label_only(answers: Sequence[AskedResult]) -> bool:
    """Whether answers whose kinds differ share their form and first-cited document."""
    return (
        disagreement(answers) == "intent"
        and len({a.answered_from for a in answers}) == 1
        and len({a.first_by_authority or a.first_doc for a in answers}) == 1
    )


def consistent(answers: Sequence[AskedResult]) -> bool:
    """Whether several answers to one question's wordings agree (:func:`disagreement`)."""
    return disagreement(answers) is None


def _first_by_authority(answer: AnswerLike, about: DocumentAuthorities) -> tuple[str, ...]:
    """The first document cited for each authority the citations are about, sorted."""
    first: dict[tuple[str, ...], str] = {}
    for citation in answer.citations:
        first.setdefault(tuple(sorted(about(citation.doc_id) or ())), citation.doc_id)
    return tuple(sorted(set(first.values())))


def evaluate_splits(
    asker: Asker,
    questions: Sequence[EvalQuestion],
    document_text: DocumentText,
    about: DocumentAuthorities,
    canonical: Canonical,
    *,
    k: int,
    on_ask: Callable[[int], None] | None = None,
) -> tuple[list[AskedResult], list[Paraphrase]]:
    """Ask every question in every wording and score the answers, in input order.

    Args:
        asker: the assistant (``ask(question, id=, k=)``); wording ``n`` of question
            ``q1`` is asked with the id ``q1~n``.
        questions: the evaluation set.
        document_text: cleaned document text by id, for citation checks (cached here).
        about: the canonical authority names of a stored document, by id.
        canonical: a lower-case authority name to its canonical name (None if unknown).
        k: passages to retrieve per question.
        on_ask: called with the number of answers done after each one.
    """
    texts = (
        document_text if isinstance(document_text, DocumentTexts) else DocumentTexts(document_text)
    )
    asked: list[AskedResult] = []
    paraphrases: list[Paraphrase] = []
    for q in questions:
        mine = []
        for n, wording in enumerate(q.all_wordings):
            answer = asker.ask(wording, id=q.id if n == 0 else f"{q.id}~{n}", k=k)
            mine.append(
                AskedResult(
                    result=score_answer(q, answer, texts),
                    wording=n,
                    split=q.split,
                    intent=q.group,
                    wrong_authority=wrong_authority(q, answer, about, canonical),
                    first_doc=answer.citations[0].doc_id if answer.citations else None,
                    answer_intent=answer_intent(answer),
                    answered_from=getattr(answer, "answered_from", None),
                    refusal_reason=getattr(answer, "refusal_reason", None),
                    refusal_detail=getattr(answer, "refusal_detail", None),
                    first_by_authority=(
                        _first_by_authority(answer, about) if len(q.authorities) > 1 else None
                    ),
                )
            )
            if on_ask:
                on_ask(len(asked) + len(mine))
        asked.extend(mine)
        if len(mine) > 1:
            why_not = disagreement(mine)
            paraphrases.append(
                Paraphrase(q.id, q.split, q.group, why_not is None, why_not, label_only(mine))
            )
    return asked, paraphrases


# -- figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Every figure for a group of answers (a split, or one intent of a split)."""

    base: Metrics
    questions: int  # distinct questions (``base.questions`` counts every wording)
    wrong_authority: int
    authority_checked: int
    consistent: int
    paraphrased: int
    # inconsistent questions by the reason (a key of DISAGREEMENTS)
    disagreements: Mapping[str, int] = field(default_factory=dict)
    # of the "intent" disagreements, those in one form from one first-cited document
    label_only: int = 0
    # answerable wordings refused, by "<answered from>: <refusal reason> (<detail>)"
    wrong_refusals_by: Mapping[str, int] = field(default_factory=dict)
    # unanswerable wordings answered, by where the answer came from
    answered_unanswerable_by: Mapping[str, int] = field(default_factory=dict)

    @property
    def wrong_refusal_rate(self) -> float | None:
        """Share of answers to answerable questions that were refused."""
        return _share(self.base.wrong_refusals, self.base.answerable)

    @property
    def wrong_authority_rate(self) -> float | None:
        """Share of checked answers citing another authority's document."""
        return _share(self.wrong_authority, self.authority_checked)

    @property
    def paraphrase_consistency(self) -> float | None:
        """Share of questions with wordings whose answers agree."""
        return _share(self.consistent, self.paraphrased)

    def to_json(self) -> dict[str, Any]:
        """The figures as a flat JSON object (``questions`` counts answers)."""
        return {
            **self.base.to_json(),
            "distinct_questions": self.questions,
            "wrong_refusal_rate": _round(self.wrong_refusal_rate),
            "wrong_authority": self.wrong_authority,
            "authority_checked": self.authority_checked,
            "wrong_authority_rate": _round(self.wrong_authority_rate),
            "paraphrase_consistent": self.consistent,
            "paraphrased": self.paraphrased,
            "paraphrase_consistency": _round(self.paraphrase_consistency),
            "disagreements": {key: self.disagreements.get(key, 0) for key, _ in DISAGREEMENTS},
            "intent_read_only": self.label_only,
            "wrong_refusals_by": dict(self.wrong_refusals_by),
            "answered_unanswerable_by": dict(self.answered_unanswerable_by),
        }


def figures(asked: Sequence[AskedResult], paraphrases: Sequence[Paraphrase]) -> Figures:
    """The figures over ``asked`` answers and ``paraphrases`` of the same questions."""
    checked = [a.wrong_authority for a in asked if a.wrong_authority is not None]
    return Figures(
        base=metrics([a.result for a in asked]),
        questions=len({a.result.id for a in asked}),
        wrong_authority=sum(checked),
        authority_checked=len(checked),
        consistent=sum(1 for p in paraphrases if p.consistent),
        paraphrased=len(paraphrases),
        disagreements=Counter(p.why_not for p in paraphrases if p.why_not),
        label_only=sum(1 for p in paraphrases if p.label_only),
        wrong_refusals_by=Counter(
            f"{a.answered_from}: {a.refusal_reason}"
            + (f" ({a.refusal_detail})" if a.refusal_detail else "")
            for a in asked
            if a.result.answerable and a.result.refused
        ),
        answered_unanswerable_by=Counter(
            str(a.answered_from) for a in asked if not a.result.answerable and not a.result.refused
        ),
    )


@dataclass(frozen=True)
class SplitFigures:
    """One split: overall, main wording only, and per intent."""

    overall: Figures
    main_wording: Metrics
    by_intent: dict[str, Figures]

    def headline(self) -> dict[str, float | None]:
        """The figures compared across splits (:data:`HEADLINE`)."""
        data = self.overall.to_json()
        return {key: data[key] for key, _ in HEADLINE}

    def to_json(self) -> dict[str, Any]:
        """The split's object in ``eval --json``."""
        return {
            "overall": self.overall.to_json(),
            "main_wording": self.main_wording.to_json(),
            "by_intent": {i: f.to_json() for i, f in self.by_intent.items()},
        }


def split_figures(asked: Sequence[AskedResult], paraphrases: Sequence[Paraphrase]) -> SplitFigures:
    """The figures of one split's answers."""
    intents = sorted({a.intent for a in asked})
    return SplitFigures(
        overall=figures(asked, paraphrases),
        main_wording=metrics([a.result for a in asked if a.wording == 0]),
        by_intent={
            i: figures(
                [a for a in asked if a.intent == i], [p for p in paraphrases if p.intent == i]
            )
            for i in intents
        },
    )


def difference(splits: Mapping[str, SplitFigures]) -> dict[str, float | None]:
    """The difference dev − held-out of each headline figure (None when one is missing)."""
    if "dev" not in splits or "heldout" not in splits:
        return {}
    dev, held = splits["dev"].headline(), splits["heldout"].headline()
    return {
        key: None if dev[key] is None or held[key] is None else _round(dev[key] - held[key])
        for key, _ in HEADLINE
    }


@dataclass(frozen=True)
class SplitReport:
    """The outcome of one v2 ``eval`` run.

    Per-answer rows of the held-out split are never part of the JSON: its questions are
    not to be read by whoever changes the method, and its results only as figures.
    """

    files: tuple[str, ...]
    k: int
    asked: tuple[AskedResult, ...]
    paraphrases: tuple[Paraphrase, ...]
    seconds: float = 0.0
    only: str | None = None  # the split asked for (``--split``), None for every split

    def splits(self) -> dict[str, SplitFigures]:
        """The figures of each split present, ``dev`` first."""
        return {
            s: split_figures(
                [a for a in self.asked if a.split == s],
                [p for p in self.paraphrases if p.split == s],
            )
            for s in SPLITS
            if any(a.split == s for a in self.asked)
        }

    def to_json(self) -> dict[str, Any]:
        """The ``eval --json`` object (v2)."""
        splits = self.splits()
        return {
            "version": 2,
            "files": list(self.files),
            "split": self.only,
            "k": self.k,
            "seconds": round(self.seconds, 1),
            "headline": {
                **{s: f.headline() for s, f in splits.items()},
                "difference": difference(splits),
            },
            "splits": {s: f.to_json() for s, f in splits.items()},
            "answers": [a.to_json() for a in self.asked if a.split != "heldout"],
            "paraphrases": [
                {
                    "id": p.id,
                    "intent": p.intent,
                    "consistent": p.consistent,
                    "why_not": p.why_not,
                    "intent_read_only": p.label_only,
                }
                for p in self.paraphrases
                if p.split != "heldout"
            ],
            "heldout_rows": "withheld" if "heldout" in splits else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None
