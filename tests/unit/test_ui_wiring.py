"""The window's events and API as programs see them, built without a server or a store.

The tabs are laid out and wired in their own modules (``ui/*_tab.py``, ``ui/documents.py``);
these tests pin what they add up to: the named API endpoints with their parameters, and
every event (its trigger and handler, in order), which ``gradio_client`` and the browser
tests depend on.
"""

from __future__ import annotations

import pytest

from assistant.service import About
from ui.app import create_app

NAMED = {
    "ask": [
        "message",
        "history",
        "authority_names",
        "kind_names",
        "since_text",
        "until_text",
        "doc_ids",
        "conversation_id",
    ],
    "upload": ["paths"],
    "confirm_upload": [],
    "cancel_upload": [],
    "delete_document": ["doc_id"],
    "grades": ["name", "area", "only_latest", "with_neighbours"],
    "cases": ["text", "theme_name", "authority"],
    "cases_like": ["case_id", "theme_name", "authority"],
    "draft": ["doc_ids", "template_name"],
    "documents": [],
}

# (trigger, handler) of every event, in the order they are wired
EVENTS = [
    ("click", None),  # sign out
    ("click", "respond"),  # Ask: /ask
    ("submit", "respond"),
    ("click", "<lambda>"),  # an example question ...
    ("then", "respond"),  # ... is asked
    ("change", "show_passage"),
    ("then", None),  # the quote scrolled into view
    ("select", "select_answer"),
    ("click", "start_again"),
    ("click", None),  # copy the answer with references
    ("upload", "upload"),
    ("click", "confirm"),
    ("click", "cancel"),
    ("then", "show_replacements"),
    ("then", "show_replacements"),
    ("then", "show_replacements"),
    ("click", "ask_delete"),
    ("click", "remove"),
    ("then", "hide"),
    ("click", "hide"),
    ("change", "hide"),
    ("click", "grades"),
    ("select", "grades"),  # the tab opened
    ("change", "grades"),
    ("change", "grades"),
    ("change", "grades"),
    ("change", "grades"),
    ("click", "search"),
    ("submit", "search"),
    ("select", "pick"),
    ("click", "more"),
    (None, "cases_like"),
    ("click", "draft"),
    ("load", "refresh"),
    ("then", "refresh"),  # after an upload,
    ("then", "refresh"),  # a confirmed replacement,
    ("then", "refresh"),  # a deletion
    (None, "documents"),
    ("load", "who"),
]


class FakeLibrary:
    """What building the window reads from the library (nothing is asked or stored)."""

    def about(self) -> About:
        return About("offline (extractive)", None, None, "/data", "embedded", "nothing")

    def judgement_names(self, short: bool = False) -> dict[str, str]:
        return {"overall_effectiveness": "Overall" if short else "Overall effectiveness"}

    def authority_names(self) -> list[str]:
        return ["Kent", "Norfolk"]

    def theme_names(self) -> tuple[str, ...]:
        return ("virtual school",)

    def template_names(self) -> tuple[str, ...]:
        return ("board-paper", "briefing-note")


@pytest.fixture(scope="module")
def window():
    return create_app(FakeLibrary())


def test_the_named_api_endpoints_and_their_parameters(window):
    config = window.get_config_file()
    named = {}
    for dependency, block_fn in zip(config["dependencies"], window.fns.values(), strict=True):
        if dependency.get("api_visibility") == "public":
            info = window.get_api_info()["named_endpoints"][f"/{dependency['api_name']}"]
            named[dependency["api_name"]] = [p["parameter_name"] for p in info["parameters"]]
            assert block_fn.fn is not None
    assert named == NAMED


def test_every_event_keeps_its_trigger_and_handler_in_order(window):
    config = window.get_config_file()
    got = []
    for dependency, block_fn in zip(config["dependencies"], window.fns.values(), strict=True):
        trigger = dependency["targets"][0][1] if dependency["targets"] else None
        got.append((trigger, getattr(block_fn.fn, "__name__", None)))
    assert got == EVENTS


def test_ask_streams_into_the_chat_and_shares_one_queue(window):
    config = window.get_config_file()
    asking = [
        (d, f)
        for d, f in zip(config["dependencies"], window.fns.values(), strict=True)
        if getattr(f.fn, "__name__", None) == "respond"
    ]
    assert len(asking) == 3
    assert {f.concurrency_id for _d, f in asking} == {"ask"}
    assert all(len(d["inputs"]) == 9 and len(d["outputs"]) == 6 for d, _f in asking)
