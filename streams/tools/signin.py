"""A tool that reads its own API or dashboard does so as a person would: it adds a throwaway admin
to the ledger, logs it in, and disables it when done (which ends the session)."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ledger.books import access as people
from ledger.db import make_engine, migrate

COOKIE = "kuota_session"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def admin_session(url: str, tool: str) -> Iterator[str]:
    """The session cookie's value of a new admin named after `tool`, for as long as the block runs."""
    migrate(url)
    engine = make_engine(url)
    name = f"tool-{tool}-{secrets.token_hex(3)}"
    try:
        with Session(engine) as s:
            _, password = people.create_user(s, name, "admin", actor=f"tool:{tool}", now=_now())
            _, token, _ = people.login(s, name, password, _now())
            s.commit()
        yield token
    finally:
        with Session(engine) as s:
            if people.user_named(s, name) is not None:
                people.disable_user(s, name, actor=f"tool:{tool}", now=_now())
                s.commit()
        engine.dispose()
