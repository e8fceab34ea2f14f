"""Credentials for tests that read the API or the dashboard: people and keys made in the ledger
as `kuota users add` and `kuota keys create` make them, and a session as the login form opens it."""

import secrets
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ledger.books import access as people
from ledger.db import make_engine

COOKIE = "kuota_session"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def person(url: str, role: str = "admin", *, regions=(), buyer_id: str | None = None) -> tuple[str, str]:
    """A new person of `role`: (name, password)."""
    name = f"{role}-{secrets.token_hex(4)}"
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            _, password = people.create_user(s, name, role, regions=regions, buyer_id=buyer_id, actor="cli",
                                             now=_now())
            s.commit()
    finally:
        engine.dispose()
    return name, password


def session_token(url: str, role: str = "admin", *, regions=(), buyer_id: str | None = None) -> str:
    """The session cookie's value of a new person of `role`, logged in."""
    name, password = person(url, role, regions=regions, buyer_id=buyer_id)
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            _, token, _ = people.login(s, name, password, _now())
            s.commit()
    finally:
        engine.dispose()
    return token


def api_key(url: str, *, buyer_id: str | None = None, registry: bool = False, scopes: str = "read") -> str:
    """A new key, whole (`kuota_<key_id>_<secret>`)."""
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            _, key = people.create_key(s, buyer_id=buyer_id, registry=registry, scopes=scopes, actor="cli",
                                       now=_now())
            s.commit()
    finally:
        engine.dispose()
    return key


def signed_in(client, url: str, role: str = "admin", **who):
    """A TestClient logged in as a new person of `role` (the same client, its cookie set)."""
    client.cookies.set(COOKIE, session_token(url, role, **who))
    return client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
