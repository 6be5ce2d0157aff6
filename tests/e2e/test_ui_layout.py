"""The chat window's layout in Chromium, on a laptop (1366 × 768) and a phone (390 × 844).

On the laptop a question, its answer and the answer's first source are on the screen
without scrolling; answers are lists, not run-on lines, with their sources once (as
chips). On the phone the cited passage opens under its answer and the tables keep their
key columns readable. ``OFSTED_SCREENSHOTS=docs`` writes the photographs to
``docs/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_ui_browser import ask, browser, chips  # noqa: F401 (browser: a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
READABLE_PX = 80


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("OFSTED_SCREENSHOTS")
    folder = Path(where) / "screenshots" if where else tmp_path_factory.mktemp("layout")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, app_url, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_url)
    page.get_by_label("Your question").wait_for()
    return context, page, errors


def photograph(page, path: Path) -> None:
    """A small PNG of what is on the screen (a 64-colour palette: these are UI pictures)."""
    from PIL import Image

    page.screenshot(path=str(path))
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not displayed"
    return found


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def open_tab(page, name: str) -> None:
    """Choose a tab; on a narrow screen Gradio folds some into a "more" menu."""
    tab = page.get_by_role("tab", name=name)
    if not tab.is_visible():
        page.locator(".overflow-menu button").first.click()
        page.locator(".overflow-dropdown button", has_text=name).click()
    else:
        tab.click()


def column_widths(grid) -> dict[str, tuple[float, float]]:
    """Each column's header width and its first cell's width, by header."""
    heads = grid.get_by_role("columnheader")
    out = {}
    for i in range(heads.count()):
        head = heads.nth(i)
        cell = grid.locator(f"[role=gridcell][aria-colindex='{i + 1}']").first
        out[head.get_attribute("title") or head.inner_text()] = (
            box(head)["width"],
            box(cell)["width"],
        )
    return out


def test_laptop_question_answer_and_first_source_fit_on_one_screen(browser, app_url, shots):  # noqa: F811
    context, page, errors = open_page(browser, app_url, LAPTOP)
    try:
        answer = ask(page, "What needs to improve in Kent?")
        first = chips(page).first
        first.wait_for()
        screen = {"x": 0, "y": 0, **LAPTOP}
        conversation = box(page.locator("#conversation"))
        question = box(page.locator("[data-testid='user']").last)
        reply = box(page.locator("[data-testid='bot']").last)
        assert page.evaluate("window.scrollY") == 0
        # on the screen, and not scrolled away inside the conversation either
        for name, found in (("question", question), ("answer", reply)):
            assert inside(found, screen) and inside(found, conversation), (name, found)
        assert inside(box(first), screen), box(first)
        # the conversation uses the window's height (it was a fixed 480 px box)
        assert conversation["height"] >= LAPTOP["height"] - 400
        # the answer's points are a list; its sources are the chips, not a list in the text
        items = page.locator("[data-testid='bot']").last.locator("li")
        assert items.count() >= 3
        assert "Sources" not in answer and ".pdf" not in answer
        # three quotes from one page and section of the report: one chip, with the
        # report's authority and year
        assert chips(page).count() == 1
        label = first.inner_text()
        assert label.startswith("[1–3] Inspection of Kent County Council") and "p. 2" in label
        assert "· Kent · 2022" in label
        photograph(page, shots / "chat-1366x768.png")
        first.click()
        quote = page.locator(".passage mark.quote")
        expect(quote).to_be_in_viewport()
        assert page.locator(".passage mark.also").count() == 2  # the chip's other quotes
    finally:
        context.close()
    assert not errors, errors


def test_an_example_question_is_asked_when_clicked(browser, app_url):  # noqa: F811
    context, page, errors = open_page(browser, app_url, LAPTOP)
    try:
        page.locator("#examples").get_by_text("What was Kent's overall effectiveness").click()
        bot = page.locator("[data-testid='bot']")
        bot.first.wait_for(timeout=60_000)
        page.wait_for_function(
            "el => el.innerText.includes('Outstanding')", arg=bot.last.element_handle()
        )
        expect(page.locator("[data-testid='user']").last).to_contain_text(
            "What was Kent's overall effectiveness judgement?"
        )
        chips(page).first.wait_for()
    finally:
        context.close()
    assert not errors, errors


def test_phone_passage_opens_under_its_answer_and_tables_stay_readable(browser, app_url, shots):  # noqa: F811
    context, page, errors = open_page(browser, app_url, PHONE)
    try:
        ask(page, "What needs to improve in Kent?")
        first = chips(page).first
        first.wait_for()
        first.click()
        quote = page.locator(".passage mark.quote")
        expect(quote).to_be_in_viewport()
        # the passage comes straight after the sources, before the question box
        sources = box(page.locator("#chips"))
        passage = box(page.locator("#passage"))
        asking = box(page.locator("#ask-row"))
        assert 0 <= passage["y"] - (sources["y"] + sources["height"]) < 40, (sources, passage)
        assert asking["y"] > passage["y"]
        photograph(page, shots / "chat-390x844.png")

        open_tab(page, "Documents")
        grid = page.get_by_role("grid", name="Documents in the library")
        page.wait_for_function("el => el.innerText.includes('Kent')", arg=grid.element_handle())
        widths = column_widths(grid)
        for key in ("Title", "Authority", "Kind", "Dates"):
            assert min(widths[key]) >= READABLE_PX, (key, widths[key])
        scroller = grid.locator(".virtual-table-viewport")
        assert scroller.evaluate("el => el.scrollWidth > el.clientWidth + 100")  # the rest scrolls
        grid.scroll_into_view_if_needed()
        photograph(page, shots / "documents-390x844.png")

        open_tab(page, "Grades")
        page.get_by_label("Authority", exact=True).last.fill("Kent")
        page.get_by_role("option", name="Kent", exact=True).click()
        grades = page.get_by_role("grid", name=re.compile("^Judgements"))
        page.wait_for_function(
            "el => el.innerText.includes('Overall effectiveness')", arg=grades.element_handle()
        )
        widths = column_widths(grades)
        for key in ("Authority", "Judgement", "Grade (as written)", "Dates"):
            assert min(widths[key]) >= READABLE_PX, (key, widths[key])
        grades.scroll_into_view_if_needed()
        photograph(page, shots / "grades-390x844.png")
    finally:
        context.close()
    assert not errors, errors
