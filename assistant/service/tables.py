"""The facade's tables read from the reports: grades, improvement actions, case studies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from assistant.service.views import authority_names
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.service.locks import ReadWriteLock
    from assistant.structured import ActionRow, CaseRow, GradeRow

ACTION_STATUSES = ("achieved", "in-progress", "ongoing", "overdue", "not-stated")


class Tables:
    """The structured tables (a part of :class:`Library`)."""

    assistant: Assistant
    lock: ReadWriteLock

    def grades(
        self,
        *,
        authority: str | None = None,
        area: str | None = None,
        latest: bool = False,
        with_neighbours: bool = False,
        authorities: Sequence[str] = (),
        areas: Sequence[str] = (),
        neighbours_of: str | None = None,
    ) -> list[GradeRow]:
        """Judgements read from the reports, filtered; optionally with statistical neighbours.

        The window names one ``authority`` (``with_neighbours``: and its DfE statistical
        neighbours) and one ``area``; the command line any ``authorities`` and ``areas``,
        and ``neighbours_of``. Unknown names raise ``InputError``.
        """
        from assistant.structured import structured_data

        if authority and with_neighbours:
            neighbours_of = authority
        elif authority:
            authorities = [*authorities, authority]
        wanted = [*areas, area] if area else list(areas)
        names = authority_names(self.assistant.authorities, authorities, neighbours_of)
        with self.lock.reading():
            data = structured_data(self.assistant)
            resolved = tuple(data.resolve_area(a) for a in wanted)
            return data.grades(authorities=names, areas=resolved, latest=latest)

    def actions(
        self,
        *,
        authorities: Sequence[str] = (),
        status: str | None = None,
        as_of: str | None = None,
    ) -> list[ActionRow]:
        """Improvement actions (plan rows, reports' areas for improvement) with their status.

        ``status`` is one of :data:`ACTION_STATUSES`; overdue is judged on the day
        ``as_of`` (YYYY[-MM[-DD]]; default today).
        """
        from assistant.filtering import parse_date_bound
        from assistant.structured import structured_data

        if status and status not in ACTION_STATUSES:
            raise InputError(f"unknown status {status!r}: one of {', '.join(ACTION_STATUSES)}")
        day = date.today().isoformat()
        if as_of:
            n = str(parse_date_bound(as_of, end=False))
            day = f"{n[:4]}-{n[4:6]}-{n[6:]}"
        with self.lock.reading():
            data = structured_data(self.assistant)
            return data.actions(
                authorities=authority_names(self.assistant.authorities, authorities),
                status=status.replace("-", " ") if status else None,
                as_of=day,
            )

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
