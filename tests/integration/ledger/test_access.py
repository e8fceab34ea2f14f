"""People, keys, sessions and the access log on both backends."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.access import (
    AccessChangeRefused, access_log, create_key, create_user, disable_user, ensure_admin, list_keys, login, logout,
    principal_of_session, revoke_key, set_password, verify_key,
)
from ledger.db import make_engine
from ledger.models.access import AccessLogEntry, ApiKey, User, WebSession

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)  # 15:00 WIB
PASSWORD = "kata-sandi-rahasia"


@pytest.fixture
def session(ledger_url):
    engine = make_engine(ledger_url, writer=True)
    with Session(engine) as s:
        yield s
    engine.dispose()


def actions(session: Session) -> list[tuple[str, str, str | None]]:
    return [(r.actor, r.action, r.target) for r in session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))]


def test_a_key_verifies_as_its_buyer_and_only_its_hash_is_kept(session):
    key, whole = create_key(session, buyer_id="B1", actor="cli", now=NOW)
    session.commit()
    assert whole.startswith(f"kuota_{key.key_id}_") and len(key.key_id) == 12
    secret = whole.split("_", 2)[2]
    stored = session.scalars(select(ApiKey)).one()
    assert secret not in stored.secret_hash and stored.secret_hash.startswith("$argon2")
    principal = verify_key(session, whole, NOW)
    assert principal.actor == f"key:{key.key_id}" and principal.buyer_id == "B1"
    assert principal.may_send_purchase("B1") and principal.may_read()
    session.commit()
    assert session.scalars(select(ApiKey)).one().last_used_at == NOW


def test_a_wrong_secret_an_unknown_id_or_a_malformed_key_is_refused(session):
    key, whole = create_key(session, buyer_id="B1", actor="cli", now=NOW)
    session.commit()
    other_secret = f"kuota_{key.key_id}_{'A' * 43}"
    assert verify_key(session, other_secret, NOW) is None
    assert verify_key(session, whole.replace(key.key_id, "ffffffffffff"), NOW) is None
    assert verify_key(session, "Bearer nonsense", NOW) is None


def test_last_used_is_written_at_most_once_a_minute(session):
    _, whole = create_key(session, buyer_id="B1", actor="cli", now=NOW)
    verify_key(session, whole, NOW)
    verify_key(session, whole, NOW + timedelta(seconds=30))
    session.commit()
    assert session.scalars(select(ApiKey)).one().last_used_at == NOW
    verify_key(session, whole, NOW + timedelta(minutes=2))
    session.commit()
    assert session.scalars(select(ApiKey)).one().last_used_at == NOW + timedelta(minutes=2)


def test_a_revoked_key_is_refused(session):
    key, whole = create_key(session, buyer_id="B1", scopes="read", actor="cli", now=NOW)
    assert revoke_key(session, key.key_id, actor="user:ana", now=NOW) is True
    session.commit()
    assert verify_key(session, whole, NOW) is None
    assert revoke_key(session, key.key_id, actor="user:ana", now=NOW) is False
    with pytest.raises(AccessChangeRefused, match="kuota keys list"):
        revoke_key(session, "000000000000", actor="cli", now=NOW)


def test_a_key_expires_after_its_last_day_in_wib(session):
    _, whole = create_key(session, buyer_id="B1", expires_on=date(2026, 3, 1), actor="cli", now=NOW)
    session.commit()
    assert verify_key(session, whole, datetime(2026, 3, 1, 16, 59, tzinfo=timezone.utc)) is not None  # 23:59 WIB
    assert verify_key(session, whole, datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)) is None  # 00:00 WIB


def test_the_registry_key_sends_supplier_events(session):
    _, whole = create_key(session, registry=True, scopes="ingest", label="registry", actor="cli", now=NOW)
    session.commit()
    session.expunge_all()  # read back from the table, not the object just made
    principal = verify_key(session, whole, NOW)
    assert principal.may_send_supplier() and not principal.may_send_purchase("B1")


@pytest.mark.parametrize("kwargs, says", [
    ({"buyer_id": "B1", "registry": True}, "not both or neither"),
    ({}, "not both or neither"),
    ({"buyer_id": "B1", "scopes": "write"}, "ingest, read"),
    ({"buyer_id": "B1", "expires_on": date(2026, 2, 28)}, "has passed"),
])
def test_a_key_that_cannot_work_is_not_created(session, kwargs, says):
    with pytest.raises(AccessChangeRefused, match=says):
        create_key(session, actor="cli", now=NOW, **kwargs)
    assert list_keys(session) == []


def test_login_gives_a_session_whose_token_is_kept_only_as_a_hash(session):
    create_user(session, "oki", "officer", regions=["3216"], password=PASSWORD, actor="cli", now=NOW)
    session.commit()
    principal, token, csrf = login(session, "oki", PASSWORD, NOW)
    session.commit()
    assert principal.actor == "user:oki" and principal.regions == {"3216"}
    assert session.scalars(select(WebSession)).one().token_hash != token
    assert session.scalars(select(User)).one().password_hash.startswith("$argon2")
    assert principal_of_session(session, token, NOW + timedelta(hours=11)) == (principal, csrf)
    assert principal_of_session(session, token, NOW + timedelta(hours=12)) is None
    assert principal_of_session(session, "not-a-token", NOW) is None


def test_logout_ends_the_session(session):
    create_user(session, "aud", "auditor", password=PASSWORD, actor="cli", now=NOW)
    _, token, _ = login(session, "aud", PASSWORD, NOW)
    logout(session, token, NOW)
    session.commit()
    assert principal_of_session(session, token, NOW) is None


def test_five_failures_lock_a_user_for_fifteen_minutes(session):
    create_user(session, "budi", "buyer", buyer_id="B1", password=PASSWORD, actor="cli", now=NOW)
    for _ in range(5):
        assert login(session, "budi", "wrong password", NOW) == "bad_credentials"
        session.commit()
    assert login(session, "budi", PASSWORD, NOW + timedelta(minutes=14)) == "locked"
    principal, _, _ = login(session, "budi", PASSWORD, NOW + timedelta(minutes=15))
    assert principal.buyer_id == "B1"
    assert session.scalars(select(User)).one().failed_logins == 0


def test_a_success_resets_the_failure_count(session):
    create_user(session, "budi", "buyer", buyer_id="B1", password=PASSWORD, actor="cli", now=NOW)
    for _ in range(4):
        login(session, "budi", "wrong password", NOW)
    login(session, "budi", PASSWORD, NOW)
    for _ in range(4):
        login(session, "budi", "wrong password", NOW)
    assert login(session, "budi", PASSWORD, NOW) != "locked"


def test_an_unknown_user_is_refused_like_a_wrong_password(session):
    assert login(session, "nobody", PASSWORD, NOW) == "bad_credentials"


def test_a_disabled_user_cannot_log_in_and_its_sessions_end(session):
    create_user(session, "oki", "officer", regions=["3216"], password=PASSWORD, actor="cli", now=NOW)
    _, token, _ = login(session, "oki", PASSWORD, NOW)
    assert disable_user(session, "oki", actor="user:admin", now=NOW) is True
    session.commit()
    assert principal_of_session(session, token, NOW) is None
    assert login(session, "oki", PASSWORD, NOW) == "disabled"
    assert disable_user(session, "oki", actor="user:admin", now=NOW) is False


def test_a_new_password_replaces_the_old_and_ends_sessions(session):
    create_user(session, "oki", "officer", regions=["3216"], password=PASSWORD, actor="cli", now=NOW)
    _, token, _ = login(session, "oki", PASSWORD, NOW)
    generated = set_password(session, "oki", None, actor="cli", now=NOW)
    session.commit()
    assert principal_of_session(session, token, NOW) is None
    assert login(session, "oki", PASSWORD, NOW) == "bad_credentials"
    assert login(session, "oki", generated, NOW)[0].actor == "user:oki"


@pytest.mark.parametrize("args, says", [
    (("oki", "officer"), "at least one region"),
    (("budi", "buyer"), "--buyer ID"),
    (("Bad Name", "auditor"), "lowercase"),
])
def test_a_user_that_cannot_work_is_not_created(session, args, says):
    with pytest.raises(AccessChangeRefused, match=says):
        create_user(session, *args, actor="cli", now=NOW)


def test_a_short_password_or_a_taken_name_is_refused(session):
    with pytest.raises(AccessChangeRefused, match="at least 10"):
        create_user(session, "aud", "auditor", password="short", actor="cli", now=NOW)
    create_user(session, "aud", "auditor", actor="cli", now=NOW)
    with pytest.raises(AccessChangeRefused, match="exists"):
        create_user(session, "aud", "auditor", actor="cli", now=NOW)


def test_ensure_admin_creates_admin_once(session):
    password = ensure_admin(session, None, NOW)
    session.commit()
    assert password and login(session, "admin", password, NOW)[0].may_administer()
    assert ensure_admin(session, None, NOW) is None
    assert [u.name for u in session.scalars(select(User))] == ["admin"]


def test_ensure_admin_uses_the_password_given(session):
    assert ensure_admin(session, PASSWORD, NOW) == PASSWORD
    assert login(session, "admin", PASSWORD, NOW)[0].role == "admin"


def test_every_user_and_key_change_is_in_the_access_log(session):
    create_user(session, "budi", "buyer", buyer_id="B1", actor="cli", now=NOW)
    set_password(session, "budi", PASSWORD, actor="user:admin", now=NOW)
    disable_user(session, "budi", actor="user:admin", now=NOW)
    key, _ = create_key(session, buyer_id="B1", actor="cli", now=NOW)
    revoke_key(session, key.key_id, actor="cli", now=NOW)
    session.commit()
    assert actions(session) == [("cli", "user.add", "user:budi"), ("user:admin", "user.passwd", "user:budi"),
                                ("user:admin", "user.disable", "user:budi"), ("cli", "key.create", f"key:{key.key_id}"),
                                ("cli", "key.revoke", f"key:{key.key_id}")]
    assert {r.buyer_id for r in access_log(session, buyer_id="B1")} == {"B1"}
    assert len(access_log(session, buyer_id="B1")) == 5
    assert [r.action for r in access_log(session, actor="user:admin", limit=1)] == ["user.disable"]


def test_logins_and_refusals_are_logged_without_the_password(session):
    create_user(session, "aud", "auditor", password=PASSWORD, actor="cli", now=NOW)
    login(session, "aud", "wrong password", NOW)
    login(session, "aud", PASSWORD, NOW)
    session.commit()
    rows = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [(r.action, r.detail) for r in rows[1:]] == [("login.refused", "bad_credentials"), ("login", None)]
    assert not any(PASSWORD in (r.detail or "") + (r.target or "") for r in rows)
