"""Who is asking the API and the dashboard: a session cookie (people, from the login page) or
`Authorization: Bearer kuota_<key_id>_<secret>` (systems). Routes name what they need:

    def compliance(who: Reading, ...): ...     # a principal that may read
    def purchases(who: Ingesting, ...): ...    # a principal that may send

No credentials: 401 with `WWW-Authenticate: Bearer`; credentials without the scope: 403; a key
past its rate (`KUOTA_KEY_RATE` per second, bursts of `KUOTA_KEY_BURST`): 429 with `Retry-After`.
A request authenticated by its cookie that changes something must carry the session's CSRF token
(`X-CSRF-Token`); a key is never sent by a browser on its own, so it needs none.
"""

import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ledger.books import access as people
from ledger.rules.access import Principal
from streams.settings import Settings

SESSION_COOKIE = "kuota_session"
CSRF_COOKIE = "kuota_csrf"  # before login: the login form's double-submit token
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
BEARER = {"WWW-Authenticate": "Bearer"}
SECURITY = [{"bearer": []}, {"session": []}]  # what each protected operation lists in OpenAPI
REFUSALS = {401: {"description": "no credentials, or a key or session that is not valid (any more)"},
            403: {"description": "credentials without the scope, or data that is not yours"},
            429: {"description": "the key sent more than its rate; see Retry-After"}}


class LoginRequired(Exception):
    """A dashboard page asked without a session: answered with a redirect to the login page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


@dataclass
class Buckets:
    """A token bucket per key: `rate` requests a second on average, `burst` at once."""

    rate: float
    burst: float
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, now: float | None = None) -> float:
        """0 when the request may go (and is counted), else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


class Gate:
    """What the dependencies need from the application: the ledger engine and the rate buckets."""

    def __init__(self, engine: Engine, settings: Settings):
        self.engine = engine
        self.buckets = Buckets(settings.key_rate, settings.key_burst)

    def from_key(self, token: str) -> Principal:
        with Session(self.engine) as s:
            principal = people.verify_key(s, token, now())
            try:
                s.commit()  # the key's last use: a note at most once a minute, never worth a refusal
            except OperationalError:  # SQLite busy with a writer (ingest): the next use notes it
                s.rollback()
        if principal is None:
            raise HTTPException(401, "kunci API tidak sah, dicabut atau kedaluwarsa / "
                                     "API key not valid, revoked or expired", headers=BEARER)
        wait = self.buckets.wait(principal.actor)
        if wait:
            raise HTTPException(429, "terlalu banyak permintaan dengan kunci ini / too many requests with this key",
                                headers={"Retry-After": str(max(1, math.ceil(wait)))})
        return principal

    def from_cookie(self, token: str) -> tuple[Principal, str] | None:
        with Session(self.engine) as s:
            return people.principal_of_session(s, token, now())


def install(api: FastAPI, engine: Engine, settings: Settings) -> None:
    """Give the application what `requires` and the pages read: call once in `create_api`."""
    api.state.gate = Gate(engine, settings)

    @api.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired):
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)


def now() -> datetime:
    return datetime.now(timezone.utc)


def bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def identify(request: Request) -> tuple[Principal, str | None] | None:
    """The principal of a request and, when it came with a session, the session's CSRF token."""
    gate: Gate = request.app.state.gate
    token = bearer(request)
    if token is not None:
        return gate.from_key(token), None
    cookie = request.cookies.get(SESSION_COOKIE)
    return gate.from_cookie(cookie) if cookie else None


def requires(scope: str):
    """A dependency: the request's principal when it may `scope` (read | ingest), else 401/403/429."""
    allowed = {"read": Principal.may_read, "ingest": Principal.may_ingest}[scope]

    def dependency(request: Request) -> Principal:
        found = identify(request)
        if found is None:
            raise HTTPException(401, "masuk dulu atau kirim Authorization: Bearer <kunci> / "
                                     "log in or send Authorization: Bearer <key>", headers=BEARER)
        principal, csrf = found
        if csrf is not None and request.method not in SAFE and not same(request.headers.get("x-csrf-token"), csrf):
            raise HTTPException(403, "token CSRF tidak cocok / CSRF token missing or wrong")
        if not allowed(principal):
            raise HTTPException(403, f"tidak berwenang: {scope} / not allowed: {scope}")
        request.state.principal = principal
        return principal

    dependency.kuota_scope = scope  # how the OpenAPI document finds the protected operations
    return dependency


def viewer(request: Request) -> Principal:
    """A dependency of the dashboard's pages: the logged-in person, or a redirect to the login page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    found = request.app.state.gate.from_cookie(cookie) if cookie else None
    if found is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    request.state.principal, request.state.csrf = found
    return found[0]


def same(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def local_path(target: str | None) -> str:
    """Where to go after logging in: a path of this site, never another site (`//host`, `/\\host`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
            c in target for c in "\r\n\t\\"):
        return "/"
    return target


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


Reading = Annotated[Principal, Depends(requires("read"))]
Ingesting = Annotated[Principal, Depends(requires("ingest"))]
Viewer = Annotated[Principal, Depends(viewer)]
