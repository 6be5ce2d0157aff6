"""What the window's web server adds to Gradio's own routes.

- ``/original/<doc id>``: the kept original of a stored document. A PDF opens inline (so
  that a citation can open it at its page); every other file is a download. Every
  response says ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy:
  sandbox``, so an uploaded HTML file can never run script in the app's origin. The
  route asks for the same login as the rest of the app.
- The same two headers on Gradio's own file responses (``/gradio_api/file=…``).
- Without a login, only requests addressed to this machine (``Host: 127.0.0.1``,
  ``localhost``, ``[::1]``) are answered: a DNS-rebinding page, whose requests carry its
  own host name, gets a 400 instead of the API.

These are given to the FastAPI app Gradio builds (``launch(app_kwargs=…)``).
"""

from __future__ import annotations

import inspect
import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import FileResponse, PlainTextResponse
from fastapi.routing import APIRoute

from assistant.service import is_loopback
from ui.views import ORIGINAL_ROUTE

# what makes a served file inert: never sniffed into HTML, and a unique opaque origin
# with no script, forms or plugins if a browser renders it anyway
INERT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
GRADIO_FILE_ROUTES = ("/gradio_api/file=", "/gradio_api/file/")
_DOC_ID = re.compile(r"[0-9a-f]{8,64}")

# (kept file, name to save it as) of a stored document, or None
FindOriginal = Callable[[str], "tuple[Path, str] | None"]


async def signed_in(request: Request) -> None:
    """Refuse (401) a request without the app's login, as Gradio 6.31's ``login_check``.

    The app is Gradio's FastAPI app: its ``auth`` (accounts), ``auth_dependency`` and
    the session tokens that its ``/login`` route set in a cookie.
    """
    app: Any = request.app
    auth, dependency = getattr(app, "auth", None), getattr(app, "auth_dependency", None)
    if auth is None and dependency is None:
        return
    if dependency is not None:
        user = dependency(request)
        if inspect.isawaitable(user):
            user = await user
    else:
        cookie = app.cookie_id
        token = request.cookies.get(f"access-token-{cookie}") or request.cookies.get(
            f"access-token-unsecure-{cookie}"
        )
        user = app.tokens.get(token)
    if user is None:
        raise HTTPException(status_code=401, detail="Not authenticated")


def original_response(path: Path, name: str) -> FileResponse:
    """A kept file: a real PDF inline (for ``#page=N``), anything else as a download."""
    pdf = path.suffix.lower() == ".pdf" and _starts_with(path, b"%PDF-")
    return FileResponse(
        path,
        media_type="application/pdf" if pdf else "application/octet-stream",
        headers={
            **INERT_HEADERS,
            "Cache-Control": "private, no-cache",
            "Content-Disposition": content_disposition("inline" if pdf else "attachment", name),
        },
    )


def content_disposition(kind: str, name: str) -> str:
    """``kind; filename="…"; filename*=UTF-8''…`` (RFC 6266): the name a browser saves as.

    Both forms, as browsers' PDF viewers read the plain ``filename`` (an ASCII copy with
    anything unsafe as "_") and the rest the UTF-8 ``filename*``.
    """
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name) or "document"
    plain = re.sub(r'[^\x20-\x7e]|["%]', "_", name)
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{url_quote(name, safe='')}"


def original_route(find: FindOriginal) -> APIRoute:
    """``GET /original/<doc id>`` for the app (login required when the app has one)."""

    def original(doc_id: str) -> FileResponse:
        found = find(doc_id) if _DOC_ID.fullmatch(doc_id) else None
        if found is None:
            raise HTTPException(status_code=404, detail="No such document.")
        return original_response(*found)

    return APIRoute(
        ORIGINAL_ROUTE + "{doc_id}",
        original,
        methods=["GET", "HEAD"],
        dependencies=[Depends(signed_in)],
        include_in_schema=False,
    )


class InertFiles:
    """ASGI middleware: Gradio's own file responses get :data:`INERT_HEADERS` too."""

    def __init__(self, app: Any) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        """Add the headers to responses of Gradio's file routes."""
        if scope["type"] != "http" or not scope.get("path", "").startswith(GRADIO_FILE_ROUTES):
            await self.app(scope, receive, send)
            return

        async def send_inert(message: dict) -> None:
            if message["type"] == "http.response.start":
                named = {k.lower().encode() for k in INERT_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in named]
                headers += [(k.lower().encode(), v.encode()) for k, v in INERT_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_inert)


class LoopbackHosts:
    """ASGI middleware: answer only requests whose ``Host`` names this machine.

    For a server without a login. Bound with ``--force`` to another address, that
    address is accepted too (any address literal when bound to all of them); a host
    name other than ``localhost`` never is.
    """

    def __init__(self, app: Any, bind: str = "127.0.0.1") -> None:
        """Wrap ``app``, which listens on ``bind``."""
        self.app = app
        self.bind = bind

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        """Refuse (400, or a closed websocket) a request addressed to another host."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if allowed_host(host, self.bind):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            refused = PlainTextResponse(
                "This server only answers requests addressed to this machine "
                "(127.0.0.1, localhost or [::1]).",
                status_code=400,
                headers=INERT_HEADERS,
            )
            await refused(scope, receive, send)


def allowed_host(header: str, bind: str) -> bool:
    """Whether a ``Host`` header (``name[:port]``) may reach a server bound to ``bind``."""
    name = _host_name(header)
    if not name:
        return False
    if is_loopback(name):
        return True
    if is_loopback(bind):
        return False
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # a name could be anyone's, after a DNS rebinding
    return bind in ("0.0.0.0", "::") or address == ipaddress.ip_address(bind)


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[1:end] if end > 0 else ""
    if header.count(":") > 1:
        return ""  # an IPv6 address without brackets is not a valid Host
    return header.split(":", 1)[0].rstrip(".")


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(magic)) == magic
    except OSError:
        return False
