"""Signing in to the window: named accounts, roles, and throttled failed sign-ins.

Gradio's ``POST /login`` calls :meth:`Login.check` with the name and password only, so
:class:`LoginGate` (ASGI middleware in front of it) refuses an address that failed too
often (429, ``Retry-After``) and passes the client's address on in a context variable.
Failures are logged with the name and address, never the password. Handlers that write
call :meth:`Login.require_editor` with their ``gr.Request``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import math
from typing import TYPE_CHECKING, Any

import anyio
import gradio as gr
from starlette.middleware import Middleware

from assistant.service import Accounts, Role
from ui import views
from ui.throttle import LoginThrottle

if TYPE_CHECKING:
    from core.settings import UISettings

logger = logging.getLogger(__name__)

_CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("login_client", default="unknown")
ROLE_TEXT = {"reader": "reader: ask, draft and browse", "editor": "editor: can add and delete"}


def _shown(name: str) -> str:
    """A submitted name fit for the log (no control characters, at most 64 characters)."""
    return ascii(name[:64])


class Login:
    """The accounts of a served window and the throttle of its sign-ins."""

    def __init__(self, accounts: Accounts, throttle: LoginThrottle) -> None:
        self.accounts = accounts
        self.throttle = throttle
        self._checking = anyio.CapacityLimiter(2)  # scrypt is slow and wants memory

    @classmethod
    def from_settings(cls, accounts: Accounts, ui: UISettings) -> Login:
        """Accounts with the throttle the settings describe."""
        throttle = LoginThrottle(ui.login_failures, ui.login_window, ui.login_lockout)
        return cls(accounts, throttle)

    async def check(self, username: str, password: str) -> bool:
        """Gradio's auth callable: True if this is the account's password (failures count)."""
        return await self.verify(username, password, _CLIENT.get())

    async def verify(
        self, username: str, password: str, address: str, what: str = "sign-in"
    ) -> bool:
        """True if this is the account's password; a failure counts against ``address``."""
        account = await anyio.to_thread.run_sync(
            self.accounts.verify, username, password, limiter=self._checking
        )
        if account is not None:
            self.throttle.succeeded(address)
            if what == "sign-in":
                logger.info("signed in: %s (%s) from %s", _shown(username), account.role, address)
            return True
        locked = self.throttle.failed(address)
        logger.warning(
            "failed %s for %s from %s%s",
            what,
            _shown(username),
            address,
            f"; sign-ins from this address refused for {math.ceil(locked)} s" if locked else "",
        )
        return False

    def message(self) -> str:
        """The sign-in page's text (its form says only "Incorrect credentials" when refused)."""
        t = self.throttle
        return (
            f"Sign in to the reports assistant. After {t.max_failures} failed attempts from "
            f"one address, sign-in is refused for {math.ceil(t.lockout)} s, then longer."
        )

    def middleware(self) -> Middleware:
        """The ASGI middleware to give Gradio's app (``app_kwargs["middleware"]``)."""
        return Middleware(LoginGate, throttle=self.throttle)

    def role(self, request: gr.Request | None) -> Role | None:
        """The role of the account behind a request (None if not signed in)."""
        return self.accounts.role(getattr(request, "username", None))

    def require_editor(self, request: gr.Request | None, action: str) -> None:
        """Raise a readable error unless the request comes from an editor."""
        if self.role(request) == "editor":
            return
        name = getattr(request, "username", None)
        logger.warning("refused to %s for %s (not an editor)", action, _shown(name or "-"))
        raise gr.Error(
            f"{name or 'This account'} is signed in as a reader: to {action} you need "
            "an editor account.",
            print_exception=False,
        )


def role_of(login: Login | None, request: gr.Request | None) -> Role | None:
    """The role behind a request: without a login (this machine only) everyone edits."""
    return "editor" if login is None else login.role(request)


def require_editor(login: Login | None, request: gr.Request | None, action: str) -> None:
    """Refuse a write to a reader (nothing to check without a login)."""
    if login is not None:
        login.require_editor(request, action)


def signed_in_markdown(login: Login | None, request: gr.Request | None) -> str:
    """Who is signed in, with their role ('' without a login)."""
    if login is None:
        return ""
    name = getattr(request, "username", None) or "-"
    role = login.role(request)
    what = ROLE_TEXT.get(role or "", "no role")
    return f"Signed in as **{views.md_escape(name)}** ({what})"


class LoginGate:
    """ASGI middleware: a throttled address gets 429 from ``POST /login``."""

    def __init__(self, app: Any, throttle: LoginThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Refuse or pass on one request."""
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        wait = self.throttle.retry_after(address)
        if wait > 0:
            seconds = math.ceil(wait)
            logger.warning(
                "sign-in refused from %s: too many failed sign-ins (%d s left)", address, seconds
            )
            await _too_many(send, seconds)
            return
        token = _CLIENT.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            _CLIENT.reset(token)


def _is_login(scope: Any) -> bool:
    return (
        scope.get("type") == "http"
        and scope.get("method") == "POST"
        and scope.get("path", "").rstrip("/").endswith("/login")
    )


async def _too_many(send: Any, seconds: int) -> None:
    body = json.dumps(
        {"detail": f"Too many failed sign-ins from this address: try again in {seconds} s."}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(seconds).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
