"""The chat window in a real browser: Debian's Chromium driven by Playwright.

Flows: ask → answer with a citation → the quote in its document; copy with references;
upload → listed → cited → deleted → no longer cited; the grades and case studies tabs.
Each tab is photographed (``OFSTED_SCREENSHOTS=docs`` writes them to ``docs/``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
UNIQUE = (
    "The Zephyr mentoring scheme in Northby paired every care leaver with a volunteer "
    "mentor for two years, and inspectors found it improved their stability."
)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url.rstrip("/"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_url)
    page.get_by_label("Your question").wait_for()
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("OFSTED_SCREENSHOTS")
    folder = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ask(page, question: str) -> str:
    """Ask through the window and return the last answer's text once it is complete."""
    before = page.locator("[data-testid='bot']").count()
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")  # the keyboard works, not only the button
    bot = page.locator("[data-testid='bot']")
    page.wait_for_function(
        "n => document.querySelectorAll(\"[data-testid='bot']\").length > n", arg=before
    )
    last = bot.last
    page.wait_for_function(
        "el => !el.innerText.trim().endsWith('…') && el.innerText.trim().length > 0",
        arg=last.element_handle(),
        timeout=60_000,
    )
    return last.inner_text()


def new_conversation(page):
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='bot']\").length == 0")


def chips(page):
    return page.locator("#chips label")


def test_ask_cite_open_passage_and_copy(page, shots):
    answer = ask(page, "What was Kent's overall effectiveness judgement?")
    assert "Outstanding" in answer
    assert "[1]" in answer and "Sources" not in answer  # the sources are the chips
    first = chips(page).first
    first.wait_for()
    assert first.inner_text().startswith("[1]")
    first.click()
    quote = page.locator(".passage mark.quote")
    quote.wait_for()
    assert "Overall effectiveness" in quote.inner_text()
    expect(quote).to_be_in_viewport()  # scrolled to, not left below the fold
    assert "Outstanding" in quote.inner_text()
    # the passage is shown in context, with where it is and a link to the PDF at its page
    passage = page.locator(".passage")
    assert "page 1" in passage.inner_text()
    assert len(passage.inner_text()) > len(quote.inner_text()) + 100
    link = page.locator("a.original")
    assert "Open the original PDF at page 1" in link.inner_text()
    href = link.get_attribute("href")
    assert href.endswith("#page=1") and href.startswith("/original/")
    response = page.request.get(page.url.rstrip("/") + href.split("#")[0])
    assert response.ok and response.headers["content-type"] == "application/pdf"
    # the answer mode is always visible
    assert "offline extractive" in page.locator("#mode-line").inner_text()
    page.get_by_role("button", name="Copy answer with references").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("From the judgements table") or "Outstanding" in copied
    assert "References" in copied and "[1] " in copied and "p. 1" in copied
    page.screenshot(path=str(shots / "chat.png"), full_page=True)


def test_follow_up_and_new_conversation(page):
    ask(page, "What was Kent's overall effectiveness judgement?")
    follow = ask(page, "And what about Norfolk?")
    assert "Asked as: What was Norfolk's overall effectiveness judgement?" in follow
    assert "Inadequate" in follow
    new_conversation(page)
    assert chips(page).count() == 0
    alone = ask(page, "And what about Norfolk?")  # a new conversation: nothing to follow
    assert "Asked as" not in alone


def test_upload_list_cite_delete(page, tmp_path, shots):
    report = tmp_path / "northby zephyr report.md"
    report.write_text(f"# Northby care leavers\n\n{UNIQUE}\n", encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.locator("input[type=file][multiple]").set_input_files(str(report))
    status = page.get_by_text(re.compile(r"Upload: .*added"))
    status.wait_for(timeout=60_000)
    library = page.get_by_role("grid", name="Documents in the library")
    page.wait_for_function(
        "el => el.innerText.includes('northby zephyr report.md')", arg=library.element_handle()
    )
    page.screenshot(path=str(shots / "documents.png"), full_page=True)

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "What did the Zephyr mentoring scheme pair care leavers with?")
    assert "volunteer" in answer
    expect(chips(page).first).to_contain_text("Northby")

    page.get_by_role("tab", name="Documents").click()
    page.get_by_label("Document to delete").click()
    page.get_by_role("option", name=re.compile("northby zephyr report.md")).click()
    page.get_by_role("button", name="Delete document").click()
    question = page.locator("#delete-box")
    expect(question).to_contain_text("Delete this document?")
    expect(question).to_contain_text("northby zephyr report.md")
    page.get_by_role("button", name="Delete it").click()
    page.get_by_text(re.compile(r"Deleted .*northby zephyr report\.md")).wait_for()
    page.wait_for_function(
        "el => !el.innerText.includes('northby zephyr report.md')", arg=library.element_handle()
    )

    page.get_by_role("tab", name="Chat").click()
    new_conversation(page)
    again = ask(page, "What did the Zephyr mentoring scheme pair care leavers with?")
    assert "Northby" not in again and "Northby" not in " ".join(chips(page).all_inner_texts())


def test_two_councils_under_one_name_replace_confirmed_delete_confirmed(
    page, same_name_reports, shots, app_url
):
    from tests.e2e.conftest import SAME_NAME

    try:
        page.get_by_role("tab", name="Documents").click()
        page.locator("input[type=file][multiple]").set_input_files(
            [str(same_name_reports[k]) for k in ("Sutton, earlier", "Newcastle upon Tyne")]
        )
        page.get_by_text("Upload: 2 added.").wait_for(timeout=240_000)
        library = page.get_by_role("grid", name="Documents in the library")
        page.wait_for_function(
            "el => el.innerText.includes('Newcastle upon Tyne') && el.innerText.includes('Sutton')",
            arg=library.element_handle(),
        )

        page.get_by_role("tab", name="Chat").click()
        answer = ask(page, "What was Sutton's overall effectiveness judgement?")
        assert "Inspection of Sutton" in answer and "Newcastle" not in answer
        answer = ask(page, "What was Newcastle's overall effectiveness judgement?")
        assert "Inspection of Newcastle" in answer
        expect(chips(page).first).to_contain_text("Newcastle")
        assert "Sutton" not in " ".join(chips(page).all_inner_texts())

        # Sutton's full report under the same name: the window asks before replacing
        page.get_by_role("tab", name="Documents").click()
        page.locator("input[type=file][multiple]").set_input_files(str(same_name_reports["Sutton"]))
        box = page.locator("#replace-box")
        expect(box).to_be_visible(timeout=120_000)
        expect(box).to_contain_text("Replace these documents?")
        expect(box).to_contain_text("Inspection of Sutton")
        expect(box).to_contain_text("December 2021")  # its labelled dates
        assert "Newcastle" not in box.inner_text()
        page.screenshot(path=str(shots / "replace-confirmation.png"), full_page=True)
        page.get_by_role("button", name="Replace", exact=True).click()
        page.get_by_text("Upload: 1 updated.").wait_for(timeout=240_000)
        expect(box).to_be_hidden()
        page.wait_for_function(
            "el => el.innerText.includes('Newcastle upon Tyne') && el.innerText.includes('Sutton')",
            arg=library.element_handle(),
        )

        # delete names the document and asks; Cancel keeps it
        page.get_by_label("Document to delete").click()
        page.get_by_role("option", name=re.compile("Inspection of Sutton")).click()
        page.get_by_role("button", name="Delete document").click()
        question = page.locator("#delete-box")
        expect(question).to_contain_text("Delete this document?")
        expect(question).to_contain_text("Inspection of Sutton")
        expect(question).to_contain_text(SAME_NAME)
        page.screenshot(path=str(shots / "delete-confirmation.png"), full_page=True)
        page.get_by_role("button", name="Cancel").click()
        expect(question).to_be_hidden()
        assert "Sutton" in library.inner_text()
        page.get_by_role("button", name="Delete document").click()
        page.get_by_role("button", name="Delete it").click()
        page.get_by_text(re.compile(r"Deleted Inspection of Sutton")).wait_for()
        page.wait_for_function(
            "el => !el.innerText.includes('Sutton') && el.innerText.includes('Newcastle')",
            arg=library.element_handle(),
        )
    finally:
        _remove_named(app_url, SAME_NAME)


def _remove_named(url: str, name: str) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for d in client.predict(api_name="/documents"):
        if d["File"] == name:
            client.predict(d["Id"], api_name="/delete_document")


def test_grades_tab_table_chart_and_neighbours(page, shots):
    page.get_by_role("tab", name="Grades").click()
    page.get_by_label("Authority", exact=True).last.fill("Kent")
    page.get_by_role("option", name="Kent", exact=True).click()
    summary = page.get_by_text(re.compile(r"\d+ judgements for Kent"))
    summary.wait_for(timeout=30_000)
    grades = page.get_by_role("grid", name=re.compile("^Judgements"))
    page.wait_for_function(
        "el => el.innerText.includes('Overall effectiveness')", arg=grades.element_handle()
    )
    assert "Outstanding" in grades.inner_text()
    # the distribution is drawn (a Vega chart), not only numbers
    page.locator(".vega-embed").first.wait_for(timeout=30_000)
    page.get_by_label("With statistical neighbours").check()
    page.get_by_text(re.compile(r"judgements for Kent and its neighbours")).wait_for()
    page.wait_for_timeout(1500)  # let the charts draw the new data before the photograph
    page.screenshot(path=str(shots / "grades.png"), full_page=True)


def test_grades_tab_is_filled_when_opened_with_labelled_dates_and_legends(page):
    page.get_by_role("tab", name="Grades").click()  # no button pressed, no filter chosen
    page.get_by_text(re.compile(r"\d+ judgements for all authorities")).wait_for(timeout=30_000)
    grades = page.get_by_role("grid", name=re.compile("^Judgements"))
    page.wait_for_function(
        "el => el.innerText.includes('Overall effectiveness')", arg=grades.element_handle()
    )
    text = grades.inner_text()
    assert re.search(r"inspected \d+(?: \w+)?[–-]\d+ \w+ 20\d\d", text), text[:500]
    assert re.search(r"published \d+ \w+ 20\d\d", text), text[:500]
    # both charts have a legend naming the judgements by colour, in view (not clipped)
    legends = page.locator(".vega-embed .role-legend")
    expect(legends).to_have_count(2, timeout=30_000)
    for i in range(2):
        expect(legends.nth(i)).to_contain_text("Overall")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.vega-embed .role-legend-label text')]
            .filter(t => {
              const r = t.getBoundingClientRect();
              const box = t.closest('.block').getBoundingClientRect();
              return r.bottom > box.bottom || r.right > box.right || r.top < box.top;
            }).map(t => t.textContent)"""
    )
    assert clipped == [], clipped


def test_case_studies_tab_more_like_this(page, shots):
    page.get_by_role("tab", name="Case studies").click()
    page.get_by_label("What are you looking for?").fill("a virtual school for children in care")
    page.get_by_role("button", name="Find case studies").click()
    rows = page.get_by_role("grid", name=re.compile("^Comparable case studies"))
    page.wait_for_function("el => el.innerText.includes('similarity')", arg=rows.element_handle())
    assert "virtual school" in rows.inner_text().lower()
    first_title = rows.get_by_role("gridcell").nth(2)
    title = first_title.inner_text().strip()
    first_title.click()
    more = page.get_by_role("button", name="More like this")
    page.wait_for_function("b => !b.disabled", arg=more.element_handle())
    page.get_by_role("heading", name=title).wait_for()
    more.click()
    page.wait_for_function(
        "([el, t]) => el.innerText.includes('similarity') && !el.innerText.includes(t)",
        arg=[rows.element_handle(), title],
    )
    page.screenshot(path=str(shots / "case-studies.png"), full_page=True)


def test_about_tab_says_what_leaves_the_machine(page, shots):
    page.get_by_role("tab", name="About").click()
    text = page.get_by_text("Leaves this machine").locator("xpath=ancestor::table").inner_text()
    assert "Nothing" in text and "No telemetry" in text
    page.screenshot(path=str(shots / "about.png"), full_page=True)


def test_bad_question_is_a_readable_message(page):
    page.get_by_label("Your question").fill("x" * 5000)
    page.get_by_role("button", name="Ask", exact=True).click()
    message = page.get_by_text(re.compile(r"the question is 5,000 characters long"))
    message.first.wait_for(timeout=20_000)
    assert "Traceback" not in page.content()


def test_draft_tab_previews_and_offers_word(page, shots):
    page.get_by_role("tab", name="Draft").click()
    page.get_by_label("Reports").click()
    page.get_by_role("option", name=re.compile("Inspection of Kent County Council")).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Draft", exact=True).click()
    preview = page.locator("#draft-preview")
    page.wait_for_function(
        "el => el.innerText.includes('Overall effectiveness')", arg=preview.element_handle()
    )
    assert "Outstanding" in preview.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Word (.docx)").click()
    assert download.value.suggested_filename.endswith(".docx")
    page.screenshot(path=str(shots / "draft.png"), full_page=True)
