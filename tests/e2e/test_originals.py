"""Kept originals in a real browser (issue 12, High 1): an uploaded HTML file never runs.

An HTML file with a script is uploaded through the window, cited, and opened from its
citation and by its URL: it is offered as a download (``Content-Disposition:
attachment``, ``nosniff``, ``Content-Security-Policy: sandbox``) and its script never
runs (console, page titles, the DOM and the requests it would make are all watched).
Even a browser that rendered it anyway would run no script (the sandbox, checked by
rendering it as HTML). A cited PDF still opens in the browser at its page. The route
asks for the same login as the rest of the app.
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.e2e.conftest import start_app, stop_app
from tests.e2e.test_ui_browser import ARGS, CHROMIUM, ask, chips

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MARK = "script-ran"
HOSTILE_HTML = (
    "<html><head><title>Quillbury newsletter</title></head><body>"
    "<h1>Quillbury care leavers newsletter</h1>"
    "<p>The Quillbury hub for care leavers opens every weekday from nine until five, "
    "and personal advisers visit each young person there.</p>"
    f"<img src='missing.png' onerror=\"fetch('/{MARK}-img')\">"
    "<script>document.title = 'PWNED'; document.body.setAttribute('data-pwned', '1');"
    f"console.log('SCRIPT RAN'); fetch('/gradio_api/info').then(r => r.text())"
    f".then(t => fetch('/{MARK}?api=' + t.length));</script>"
    "</body></html>"
)
QUESTION = "When does the Quillbury hub for care leavers open?"
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
# the page number shown in Chromium's PDF viewer
VIEWER_PAGE = (
    "() => document.querySelector('pdf-viewer')?.shadowRoot"
    "?.querySelector('viewer-toolbar')?.shadowRoot"
    "?.querySelector('viewer-page-selector')?.shadowRoot?.querySelector('input')?.value || ''"
)


@pytest.fixture(scope="module")
def served(sample_data_dir, tmp_path_factory):
    """A window over a copy of the sample index: (url, data directory)."""
    data_dir = tmp_path_factory.mktemp("originals") / "data"
    shutil.copytree(sample_data_dir, data_dir)
    proc, url = start_app(data_dir)
    yield url, data_dir
    log = stop_app(proc)
    assert "Traceback" not in log, log


@pytest.fixture
def watched_page(served):
    """A browser page on the window; everything its context logs, requests and opens."""
    from playwright.sync_api import sync_playwright

    url, _ = served
    seen: dict[str, list] = {"console": [], "requests": [], "pages": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.on("request", lambda r: seen["requests"].append(r.url))
        context.on("page", lambda pg: _watch(pg, seen))
        page = context.new_page()
        page.goto(url)
        page.get_by_label("Your question").wait_for()
        yield page, seen
        browser.close()


def _watch(page, seen) -> None:
    seen["pages"].append(page)
    page.on("console", lambda m: seen["console"].append(m.text))
    page.on("pageerror", lambda e: seen["console"].append(str(e)))


def _no_script_ran(seen) -> None:
    assert not [t for t in seen["console"] if "SCRIPT RAN" in t], seen["console"]
    assert not [u for u in seen["requests"] if MARK in u], seen["requests"]
    for page in seen["pages"]:
        if not page.is_closed():
            assert page.title() != "PWNED", page.url
            assert page.locator("[data-pwned]").count() == 0, page.url


def _upload(page, path) -> None:
    page.get_by_role("tab", name="Documents").click()
    page.locator("input[type=file][multiple]").set_input_files(str(path))
    page.get_by_text(re.compile(r"Upload: .*added")).wait_for(timeout=90_000)
    page.get_by_role("tab", name="Chat").click()


def _open_chip(page, label: re.Pattern[str] | None = None):
    chips = page.locator("#chips label")
    chip = (chips if label is None else chips.filter(has_text=label)).first
    chip.click()
    page.locator(".passage mark.quote").wait_for()
    return page.locator(".passage a.original")


def test_uploaded_html_is_a_download_and_never_runs(watched_page, served, tmp_path):
    page, seen = watched_page
    url, data_dir = served
    upload = tmp_path / "quillbury newsletter.html"
    upload.write_text(HOSTILE_HTML, encoding="utf-8")
    _upload(page, upload)

    answer = ask(page, QUESTION)
    from playwright.sync_api import expect

    assert "weekday" in answer
    expect(chips(page).first).to_contain_text("Quillbury")  # the source is the chip
    link = _open_chip(page, re.compile("Quillbury"))
    assert link.inner_text() == "Download the original file"
    href = link.get_attribute("href")
    assert re.fullmatch(r"/original/[0-9a-f]{64}", href), href

    # from its citation: a download, saved under the name it was uploaded with
    with page.expect_download() as got:
        link.click()
    assert got.value.suggested_filename == "quillbury newsletter.html"
    assert got.value.path().read_text(encoding="utf-8") == HOSTILE_HTML

    # by its URL, typed into a new tab: a download again, no page is rendered
    tab = page.context.new_page()
    with tab.expect_download() as typed:
        try:
            tab.goto(url.rstrip("/") + href)
        except Exception as exc:  # noqa: BLE001 - Playwright aborts a navigation that downloads
            assert "download" in str(exc).lower() or "ERR_ABORTED" in str(exc), exc
    assert typed.value.suggested_filename == "quillbury newsletter.html"
    assert "Quillbury" not in tab.content()

    response = page.request.get(url.rstrip("/") + href)
    assert response.status == 200
    headers = response.headers
    assert headers["content-disposition"].startswith("attachment")
    assert headers["content-type"] == "application/octet-stream"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "sandbox"

    # Gradio's own file route no longer serves the kept copy at all
    kept = data_dir / "originals" / (href.rsplit("/", 1)[1] + ".html")
    assert kept.is_file()
    old = page.request.get(url + "gradio_api/file=" + urllib.parse.quote(str(kept)))
    assert old.status == 403 and "Quillbury" not in old.text()

    page.wait_for_timeout(1500)  # time for a script that ran to log and call home
    _no_script_ran(seen)


def test_a_browser_that_rendered_it_anyway_runs_no_script(watched_page, served, tmp_path):
    """The sandbox header alone stops the script (and without it the script would run)."""
    page, seen = watched_page
    url, data_dir = served
    kept = next((data_dir / "originals").glob("*.html"), None)
    if kept is None:  # run on its own: upload it through the API
        from gradio_client import Client, handle_file

        upload = tmp_path / "quillbury newsletter.html"
        upload.write_text(HOSTILE_HTML, encoding="utf-8")
        Client(url, verbose=False).predict([handle_file(str(upload))], api_name="/upload")
        kept = next((data_dir / "originals").glob("*.html"))
    target = url.rstrip("/") + "/original/" + kept.stem

    def rendered(keep_sandbox: bool):
        def as_html(route):
            response = route.fetch()
            headers = {
                k: v
                for k, v in response.headers.items()
                if k not in ("content-disposition", "content-type")
                and (keep_sandbox or k != "content-security-policy")
            }
            route.fulfill(response=response, headers={**headers, "content-type": "text/html"})

        tab = page.context.new_page()
        tab.route(target, as_html)
        tab.goto(target)
        tab.get_by_role("heading", name="Quillbury care leavers newsletter").wait_for()
        tab.wait_for_timeout(1000)
        return tab

    tab = rendered(keep_sandbox=True)
    assert tab.title() == "Quillbury newsletter"
    _no_script_ran(seen)
    tab.close()

    control = rendered(keep_sandbox=False)  # proves the checks above can fail
    control.wait_for_function("document.title === 'PWNED'")
    assert any("SCRIPT RAN" in t for t in seen["console"])
    control.close()


def test_cited_pdf_opens_inline_at_its_page(watched_page, served):
    page, seen = watched_page
    url, _ = served
    answer = ask(page, "What was Kent's overall effectiveness judgement?")
    assert "Outstanding" in answer
    link = _open_chip(page)  # [1]
    match = re.fullmatch(r"Open the original PDF at page (\d+)", link.inner_text())
    assert match, link.inner_text()
    href = link.get_attribute("href")
    assert re.fullmatch(r"/original/[0-9a-f]{64}#page=" + match.group(1), href), href

    with page.expect_popup() as opened:
        link.click()
    pdf = opened.value
    assert pdf.url.endswith(href)
    assert _viewer_page(pdf, match.group(1)) == match.group(1)

    response = page.request.get(url.rstrip("/") + href.split("#")[0])
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"

    other = page.context.new_page()  # any page: the viewer follows #page=N
    other.goto(url.rstrip("/") + href.split("#")[0] + "#page=2")
    assert _viewer_page(other, "2") == "2"


def _viewer_page(page, expected: str) -> str:
    """The page Chromium's PDF viewer shows once it settles on ``expected`` (or times out).

    A viewer at all means the PDF opened inline; it shows 0 while the file loads.
    """
    value = ""
    for _ in range(150):
        viewer = next((f for f in page.frames if f.url.startswith(PDF_VIEWER)), None)
        value = viewer.evaluate(VIEWER_PAGE) if viewer is not None else ""
        if value == expected:
            break
        page.wait_for_timeout(100)
    assert value, f"no PDF viewer in {[f.url for f in page.frames]}"
    return value


def test_the_route_asks_for_the_login(sample_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    doc = sorted((data_dir / "originals").glob("*.pdf"))[0].stem
    proc, url = start_app(
        data_dir,
        env={
            "OFSTED_ASSISTANT_UI__USERNAME": "officer",
            "OFSTED_ASSISTANT_UI__PASSWORD": "s3cret-Pass",
        },
    )
    try:
        for who in (None, "wrong"):
            opener = _signed_in_opener(url, who)
            with pytest.raises(urllib.error.HTTPError) as denied:
                opener.open(url + "original/" + doc, timeout=10)
            assert denied.value.code == 401
        opener = _signed_in_opener(url, "s3cret-Pass")
        with opener.open(url + "original/" + doc, timeout=10) as got:
            assert got.headers["Content-Type"] == "application/pdf"
            assert got.read(5) == b"%PDF-"
    finally:
        stop_app(proc)


def _signed_in_opener(url: str, password: str | None):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    if password is not None:
        form = urllib.parse.urlencode({"username": "officer", "password": password}).encode()
        try:
            opener.open(url + "login", data=form, timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code == 400 and password == "wrong"
    return opener
