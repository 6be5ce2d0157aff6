"""The window's own routes (ui.routes) on a bare FastAPI app: headers, names, login."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from ui import routes

DOC = "ab" * 32


@pytest.fixture
def kept(tmp_path):
    files = {
        "pdf": tmp_path / f"{DOC}.pdf",
        "html": tmp_path / f"{'cd' * 32}.html",
        "fake": tmp_path / f"{'ef' * 32}.pdf",
    }
    files["pdf"].write_bytes(b"%PDF-1.7\n...")
    files["html"].write_text("<script>document.title='x'</script>", encoding="utf-8")
    files["fake"].write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    return files


def app_for(kept, **gradio_like) -> FastAPI:
    names = {
        DOC: (kept["pdf"], "kent report.pdf"),
        "cd" * 32: (kept["html"], "news.html"),
        "ef" * 32: (kept["fake"], "fake.pdf"),
    }
    app = FastAPI(
        routes=[routes.original_route(names.get)],
        middleware=[Middleware(routes.InertFiles)],
    )
    for name, value in gradio_like.items():
        setattr(app, name, value)

    @app.get("/gradio_api/file={path:path}")
    def gradio_file(path: str) -> PlainTextResponse:
        return PlainTextResponse("<b>hi</b>", media_type="text/html")

    return app


def assert_inert(response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"


def test_a_pdf_opens_inline(kept):
    got = TestClient(app_for(kept)).get(f"/original/{DOC}")
    assert got.status_code == 200 and got.content.startswith(b"%PDF-")
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("inline;")
    assert "kent%20report.pdf" in got.headers["content-disposition"]
    assert_inert(got)


@pytest.mark.parametrize(
    "name, plain",
    [
        ("kent report.pdf", "kent report.pdf"),
        (
            "children's services inspection - 05 july 2022.pdf",
            "children's services inspection - 05 july 2022.pdf",
        ),
        ('Sütton "final"\r\n100%.pdf', "S_tton _final___100_.pdf"),
    ],
    ids=["plain", "ofsted-name", "unsafe"],
)
def test_the_original_is_saved_under_its_own_name_safely_quoted(tmp_path, name, plain):
    from urllib.parse import unquote

    pdf = tmp_path / f"{DOC}.pdf"
    pdf.write_bytes(b"%PDF-1.7\n...")
    app = FastAPI(routes=[routes.original_route({DOC: (pdf, name)}.get)])
    header = TestClient(app).get(f"/original/{DOC}").headers["content-disposition"]
    kind, plain_part, utf8_part = header.split("; ")
    assert kind == "inline" and plain_part == f'filename="{plain}"'
    assert utf8_part.startswith("filename*=UTF-8''")
    assert unquote(utf8_part.removeprefix("filename*=UTF-8''")) == name.replace("\r", "_").replace(
        "\n", "_"
    )
    assert DOC not in header and header.isascii()


@pytest.mark.parametrize("doc", ["cd" * 32, "ef" * 32], ids=["html", "html-named-pdf"])
def test_anything_else_is_a_download(kept, doc):
    got = TestClient(app_for(kept)).get(f"/original/{doc}")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert_inert(got)


@pytest.mark.parametrize(
    "path",
    ["/original/" + "00" * 32, "/original/..%2F..%2Fetc%2Fpasswd", "/original/*", "/original/AB"],
)
def test_unknown_or_odd_ids_are_not_found(kept, path):
    assert TestClient(app_for(kept)).get(path).status_code == 404


def test_gradio_file_responses_get_the_headers_too(kept):
    got = TestClient(app_for(kept)).get("/gradio_api/file=/x/y.html")
    assert got.text == "<b>hi</b>"
    assert_inert(got)


def test_the_login_of_the_app_is_required(kept):
    app = app_for(kept, auth={"officer": "pw"}, auth_dependency=None, tokens={"t0k": "officer"})
    app.cookie_id = "c1"
    client = TestClient(app)
    assert client.get(f"/original/{DOC}").status_code == 401
    client.cookies.set("access-token-c1", "wrong")
    assert client.get(f"/original/{DOC}").status_code == 401
    client.cookies.set("access-token-c1", "t0k")
    assert client.get(f"/original/{DOC}").status_code == 200


def test_an_auth_dependency_decides(kept):
    app = app_for(kept, auth=None, auth_dependency=lambda request: request.headers.get("x-user"))
    client = TestClient(app)
    assert client.get(f"/original/{DOC}").status_code == 401
    assert client.get(f"/original/{DOC}", headers={"x-user": "amy"}).status_code == 200


@pytest.mark.parametrize(
    ("host", "bind", "allowed"),
    [
        ("127.0.0.1:7860", "127.0.0.1", True),
        ("localhost:7860", "127.0.0.1", True),
        ("LOCALHOST.", "127.0.0.1", True),
        ("[::1]:7860", "::1", True),
        ("127.0.0.2", "127.0.0.1", True),
        ("evil.example", "127.0.0.1", False),
        ("evil.example:7860", "127.0.0.1", False),
        ("127.0.0.1.evil.example", "127.0.0.1", False),
        ("localhost.evil.example", "127.0.0.1", False),
        ("", "127.0.0.1", False),
        ("::1", "127.0.0.1", False),  # an IPv6 Host needs brackets
        ("[::1", "127.0.0.1", False),
        ("192.168.1.5:7860", "127.0.0.1", False),
        # --force without a login on another address: that address (any, bound to all)
        ("192.168.1.5:7860", "192.168.1.5", True),
        ("192.168.1.6:7860", "192.168.1.5", False),
        ("10.0.0.9", "0.0.0.0", True),
        ("team-box.local", "0.0.0.0", False),
    ],
)
def test_allowed_host(host, bind, allowed):
    assert routes.allowed_host(host, bind) is allowed


def test_requests_for_another_host_are_refused():
    app = FastAPI(middleware=[Middleware(routes.LoopbackHosts, bind="127.0.0.1")])

    @app.get("/api")
    def api() -> dict:
        return {"reports": 3}

    client = TestClient(app)
    refused = client.get("/api", headers={"host": "evil.example"})
    assert refused.status_code == 400 and "reports" not in refused.text
    assert client.post("/api", headers={"host": "evil.example:7860"}).status_code == 400
    assert client.get("/api", headers={"host": "127.0.0.1:7860"}).json() == {"reports": 3}
