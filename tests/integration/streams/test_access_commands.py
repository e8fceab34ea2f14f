"""`kuota keys`, `kuota users`, `kuota access-log` and the first admin, on both backends: what an
operator types and what the ledger then lets in."""

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from rich.console import Console
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ledger.books.access import AccessChangeRefused, login, verify_key
from ledger.db import make_engine
from streams.cli import app
from streams.officers.access_commands import first_admin

pytestmark = pytest.mark.integration
PASSWORD = "kata-sandi-rahasia"


@pytest.fixture
def kuota(ledger_url, tmp_path):
    """`kuota ARGS` in this process against the test's ledger; returns the result."""
    runner = CliRunner()
    env = {"KUOTA_DATABASE_URL": ledger_url, "KUOTA_DATA_DIR": str(tmp_path), "KUOTA_ADMIN_PASSWORD": None}

    def run(*args: str, stdin: str | None = None, ok: bool = True):
        result = runner.invoke(app, list(args), env=env, input=stdin)
        if ok:
            assert result.exit_code == 0, f"{args}: {result.output} {result.exception!r}"
        return result
    return run


@contextmanager
def ledger(url: str):
    engine = make_engine(url, writer=True)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def now() -> datetime:
    return datetime.now(timezone.utc)


def test_a_created_key_works_is_never_listed_and_is_refused_once_revoked(kuota, ledger_url):
    made = json.loads(kuota("keys", "create", "--buyer", "B1", "--format", "json").stdout)
    assert made["buyer_id"] == "B1" and made["scopes"] == ["ingest", "read"] and made["expires"] is None
    with ledger(ledger_url) as session:
        principal = verify_key(session, made["key"], now())
        assert principal.actor == f"key:{made['key_id']}" and principal.may_send_purchase("B1")
    secret = made["key"].split("_", 2)[2]
    for fmt in ("table", "json", "csv"):
        listed = kuota("keys", "list", "--format", fmt).stdout
        assert made["key_id"] in listed and secret not in listed
    assert "key revoked" in kuota("keys", "revoke", made["key_id"]).stdout
    with ledger(ledger_url) as session:
        assert verify_key(session, made["key"], now()) is None
    rows = json.loads(kuota("keys", "list", "--format", "json").stdout)
    assert rows[0]["revoked_at"] is not None


def test_a_registry_key_with_a_table_says_the_key_once(kuota, ledger_url):
    out = kuota("keys", "create", "--registry", "--scope", "ingest", "--expires", "2099-12-31",
                "--label", "registri dinas").stdout.splitlines()
    assert "cannot be shown again" in out[2]
    with ledger(ledger_url) as session:
        principal = verify_key(session, out[1], now())
    assert principal.may_send_supplier() and not principal.may_read()


@pytest.mark.parametrize("args, says", [
    (("keys", "create"), "--buyer ID"),
    (("keys", "create", "--buyer", "B1", "--scope", "write"), "ingest, read"),
    (("keys", "revoke", "ffffffffffff"), "kuota keys list"),
    (("users", "add", "oki", "--role", "officer"), "at least one region"),
    (("users", "add", "budi", "--role", "buyer"), "--buyer ID"),
    (("users", "passwd", "nobody"), "kuota users list"),
])
def test_a_change_that_cannot_work_is_refused_with_what_to_do(kuota, args, says):
    result = kuota(*args, ok=False)
    assert isinstance(result.exception, AccessChangeRefused) and says in str(result.exception)


def test_a_user_added_with_a_generated_password_can_log_in_with_it(kuota, ledger_url):
    out = kuota("users", "add", "oki", "--role", "officer", "--region", "3216", "--region", "3275").stdout
    password = next(line for line in out.splitlines() if line.startswith("kata sandi")).rsplit(": ", 1)[1]
    with ledger(ledger_url) as session:
        principal, _, _ = login(session, "oki", password, now())
    assert principal.regions == {"3216", "3275"}


def test_passwords_come_from_stdin_and_are_never_printed(kuota, ledger_url):
    out = kuota("users", "add", "budi", "--role", "buyer", "--buyer", "B1", "--password-stdin",
                stdin=PASSWORD + "\n").stdout
    assert PASSWORD not in out
    out = kuota("users", "passwd", "budi", "--password-stdin", stdin="another-long-one\n").stdout
    assert "another-long-one" not in out
    with ledger(ledger_url) as session:
        assert login(session, "budi", PASSWORD, now()) == "bad_credentials"
        assert login(session, "budi", "another-long-one", now())[0].buyer_id == "B1"
    listed = kuota("users", "list", "--format", "json").stdout
    assert json.loads(listed)[0]["user"] == "budi" and "argon2" not in listed


def test_a_disabled_user_is_refused(kuota, ledger_url):
    kuota("users", "add", "aud", "--role", "auditor", "--password-stdin", stdin=PASSWORD + "\n")
    assert "user disabled" in kuota("users", "disable", "aud").stdout
    assert "disabled already" in kuota("users", "disable", "aud").stdout
    with ledger(ledger_url) as session:
        assert login(session, "aud", PASSWORD, now()) == "disabled"


def test_the_access_log_shows_every_change_and_filters_by_actor_and_buyer(kuota):
    key_id = json.loads(kuota("keys", "create", "--buyer", "B1", "--format", "json").stdout)["key_id"]
    kuota("users", "add", "budi", "--role", "buyer", "--buyer", "B2")
    kuota("keys", "revoke", key_id)
    rows = json.loads(kuota("access-log", "--format", "json").stdout)
    assert [(r["actor"], r["action"], r["target"]) for r in rows] == [
        ("cli", "key.revoke", f"key:{key_id}"), ("cli", "user.add", "user:budi"), ("cli", "key.create", f"key:{key_id}")]
    by_buyer = list(csv.DictReader(io.StringIO(kuota("access-log", "--buyer", "B2", "--format", "csv").stdout)))
    assert [r["action"] for r in by_buyer] == ["user.add"]
    assert len(json.loads(kuota("access-log", "--actor", "cli", "--limit", "1", "--format", "json").stdout)) == 1
    assert json.loads(kuota("access-log", "--actor", "user:nobody", "--format", "json").stdout) == []


def test_first_start_makes_admin_once_and_says_how_to_log_in(ledger_url, monkeypatch):
    monkeypatch.delenv("KUOTA_ADMIN_PASSWORD", raising=False)
    console = Console(record=True, width=200)
    password = first_admin(ledger_url, console)
    assert f"Dashboard login: admin / {password} (shown once" in console.export_text()
    assert first_admin(ledger_url, console) is None
    with ledger(ledger_url) as session:
        assert login(session, "admin", password, now())[0].may_administer()


def test_first_start_takes_the_admin_password_from_the_environment(ledger_url, monkeypatch):
    monkeypatch.setenv("KUOTA_ADMIN_PASSWORD", PASSWORD)
    console = Console(record=True, width=200)
    first_admin(ledger_url, console)
    said = console.export_text()
    assert "KUOTA_ADMIN_PASSWORD" in said and PASSWORD not in said
    with ledger(ledger_url) as session:
        assert login(session, "admin", PASSWORD, now())[0].role == "admin"


def test_a_refusal_is_one_line_with_the_usage_exit_status(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
    env.update(KUOTA_DATA_DIR=str(tmp_path / "data"), KUOTA_DATABASE_URL=f"sqlite:///{tmp_path / 'kuota.db'}")
    done = subprocess.run([sys.executable, "-m", "streams", "users", "add", "oki", "--role", "officer"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("kuota:")]
    assert lines == ["kuota: perubahan akses ditolak / access change refused: an officer needs at least one region "
                     "(--region CODE, e.g. 3216)"]
    assert "Traceback" not in done.stderr
