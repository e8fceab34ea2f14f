"""`kuota keys ...`, `kuota users ...` and `kuota access-log`: who may send and see what."""

import os
import sys
from contextlib import contextmanager
from datetime import date, datetime, timezone

import orjson
import typer
from rich.console import Console

from streams.errors import UsageError
from streams.officers.tables import Report, as_csv, as_json, as_table, columns
from streams.officers.words import ACCESS_SAID as SAID
from streams.settings import Settings

console = Console(width=None if sys.stdout.isatty() else 200)
ACTOR = "cli"

keys_app = typer.Typer(help="API keys of buyers' systems and the registry / kunci API.", no_args_is_help=True)
users_app = typer.Typer(help="People who log in to the dashboard / pengguna dasbor.", no_args_is_help=True)
FORMAT = typer.Option("table", "--format", "-f", help="table or json")
LANG = typer.Option("id", help="id (Bahasa Indonesia) or en")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="read the password from the first line of stdin")


@contextmanager
def _ledger():
    """A session on the migrated ledger, committed when the command's change is complete."""
    from sqlalchemy.orm import Session

    from ledger.db import make_engine, migrate

    url = Settings().ledger_url
    migrate(url)
    engine = make_engine(url, writer=True)
    try:
        with Session(engine, expire_on_commit=False) as session:  # what was made is shown after the commit
            yield session
            session.commit()
    finally:
        engine.dispose()


def first_admin(ledger_url: str, console: Console, *, announce: bool = True) -> str | None:
    """On a ledger without people, create `admin` (password KUOTA_ADMIN_PASSWORD, or a generated one)
    and, with `announce`, say how to log in, once; returns the password then, None on a later start."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from ledger.books.access import ensure_admin
    from ledger.db import make_engine

    given = os.environ.get("KUOTA_ADMIN_PASSWORD") or None
    engine = make_engine(ledger_url, writer=True)
    try:
        with Session(engine) as session:
            password = ensure_admin(session, given, _now())
            session.commit()
    except IntegrityError:  # another process made the first user at the same moment: it said so
        password = None
    finally:
        engine.dispose()
    if password is not None and announce:
        console.print(login_words(password), markup=False, highlight=False, soft_wrap=True)
    return password


def login_words(password: str | None) -> str:
    """How to log in to the dashboard, given what `first_admin` returned."""
    if password is None:
        return SAID["admin_existing"]
    if password == os.environ.get("KUOTA_ADMIN_PASSWORD"):
        return SAID["admin_from_env"]
    return SAID["admin_once"].format(password=password)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _choice(value: str, option: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"{option} {value!r} is not one of: {', '.join(allowed)}")
    return value


def _say(key: str, **values) -> None:
    typer.echo(SAID[key].format(**values))


@keys_app.command("create")
def keys_create(
    buyer: str | None = typer.Option(None, "--buyer", help="the buyer id the key sends and reads for"),
    registry: bool = typer.Option(False, "--registry", help="a key of the registry: supplier events, no buyer"),
    scope: str = typer.Option("ingest,read", "--scope", help="ingest, read or ingest,read"),
    expires: str | None = typer.Option(None, "--expires", help="last day it works, YYYY-MM-DD (WIB)"),
    label: str | None = typer.Option(None, "--label", help="what the key is for, in a few words"),
    fmt: str = FORMAT,
) -> None:
    """A new key; its secret is shown once, here, and never again."""
    from ledger.books.access import create_key

    _choice(fmt, "--format", ("table", "json"))
    expires_on = _day(expires)
    with _ledger() as session:
        key, whole = create_key(session, buyer_id=buyer, registry=registry, scopes=scope, expires_on=expires_on,
                                label=label, actor=ACTOR, now=_now())
    expires_text = key.expires_on.isoformat() if key.expires_on else None
    if fmt == "json":
        sys.stdout.write(orjson.dumps({"key": whole, "key_id": key.key_id, "buyer_id": key.buyer_id,
                                       "registry": key.for_registry, "scopes": key.scopes.split(","),
                                       "expires": expires_text, "label": key.label},
                                      option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    _say("key_created", key_id=key.key_id, whom=f"buyer {key.buyer_id}" if key.buyer_id else SAID["registry"],
         scopes=key.scopes, expires=expires_text or SAID["never"])
    typer.echo(whole)
    _say("key_once")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--expires {text!r} is not a day; give YYYY-MM-DD") from None


@keys_app.command("list")
def keys_list(fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv"), lang: str = LANG) -> None:
    """Every key, revoked ones too; never a secret (only its hash is kept)."""
    from ledger.books.access import list_keys

    _listing(fmt, lang)
    with _ledger() as session:
        rows = [{"key_id": k.key_id, "buyer_id": k.buyer_id, "registry": k.for_registry, "scopes": k.scopes,
                 "label": k.label, "expires_on": k.expires_on, "created_at": k.created_at, "created_by": k.created_by,
                 "last_used_at": k.last_used_at, "revoked_at": k.revoked_at} for k in list_keys(session)]
    _show(Report("Kunci API / API keys", columns("key_id", "buyer_id", "registry", "scopes", "label", "expires_on",
                                                 "created_at", "created_by", "last_used_at", "revoked_at"), rows),
          fmt, lang)


@keys_app.command("revoke")
def keys_revoke(key_id: str = typer.Argument(..., help="the key's id (12 hex digits, see kuota keys list)")) -> None:
    """Refuse a key from now on."""
    from ledger.books.access import revoke_key

    with _ledger() as session:
        revoked = revoke_key(session, key_id, actor=ACTOR, now=_now())
    _say("key_revoked" if revoked else "key_was_revoked", key_id=key_id)


def _password(from_stdin: bool) -> str | None:
    """The first line of stdin with --password-stdin; None to have one generated."""
    if not from_stdin:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UsageError("--password-stdin read an empty line; pipe the password in, e.g. printf '%s' \"$PW\" | ...")
    return password


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="the login name: lowercase letters, digits, '.', '_' or '-'"),
    role: str = typer.Option(..., "--role", help="admin, officer, auditor or buyer"),
    region: list[str] = typer.Option([], "--region", help="a BPS region code an officer serves (repeatable)"),
    buyer: str | None = typer.Option(None, "--buyer", help="the buyer id a buyer user sees"),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Add a person; without --password-stdin a password is generated and shown once."""
    from ledger.books.access import create_user

    given = _password(password_stdin)
    with _ledger() as session:
        user, password = create_user(session, name, role, regions=region, buyer_id=buyer, password=given,
                                     actor=ACTOR, now=_now())
    _say("user_added", name=user.name, role=user.role)
    if given is None:
        _say("password_once", password=password)
        _say("password_note", name=user.name)


@users_app.command("passwd")
def users_passwd(name: str = typer.Argument(..., help="the user's name"), password_stdin: bool = PASSWORD_STDIN) -> None:
    """Give a person a new password (generated and shown once without --password-stdin); unlocks it."""
    from ledger.books.access import set_password

    given = _password(password_stdin)
    with _ledger() as session:
        password = set_password(session, name, given, actor=ACTOR, now=_now())
    _say("password_set", name=name)
    if given is None:
        _say("password_once", password=password)


@users_app.command("disable")
def users_disable(name: str = typer.Argument(..., help="the user's name")) -> None:
    """Refuse a person from now on and end its sessions."""
    from ledger.books.access import disable_user

    with _ledger() as session:
        changed = disable_user(session, name, actor=ACTOR, now=_now())
    _say("user_disabled" if changed else "user_was_disabled", name=name)


@users_app.command("list")
def users_list(fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv"), lang: str = LANG) -> None:
    """Every person, their role, regions or buyer; never a password (only its hash is kept)."""
    from ledger.books.access import list_users

    _listing(fmt, lang)
    with _ledger() as session:
        rows = [{"user": u.name, "role": u.role, "regions": u.regions, "buyer_id": u.buyer_id, "disabled": u.disabled,
                 "locked_until": u.locked_until, "created_at": u.created_at,
                 "password_changed_at": u.password_changed_at} for u in list_users(session)]
    _show(Report("Pengguna / users", columns("user", "role", "regions", "buyer_id", "disabled", "locked_until",
                                             "created_at", "password_changed_at"), rows), fmt, lang)


def access_log(limit: int = typer.Option(100, "--limit", min=1, max=100_000, help="newest N rows"),
               actor: str | None = typer.Option(None, "--actor", help="one actor: cli, user:NAME or key:KEY_ID"),
               buyer: str | None = typer.Option(None, "--buyer", help="one buyer id"),
               fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv"),
               lang: str = LANG) -> None:
    """Who read or downloaded which buyer's data, and every key and user change; newest first."""
    from ledger.books.access import access_log as rows_of

    _listing(fmt, lang)
    with _ledger() as session:
        rows = [{"at": r.at, "actor": r.actor, "action": r.action, "buyer_id": r.buyer_id, "target": r.target,
                 "detail": r.detail} for r in rows_of(session, limit=limit, actor=actor, buyer_id=buyer)]
    _show(Report("Log akses / access log", columns("at", "actor", "action", "buyer_id", "target", "detail"), rows),
          fmt, lang)


def _listing(fmt: str, lang: str) -> None:
    _choice(fmt, "--format", ("table", "json", "csv"))
    _choice(lang, "--lang", ("id", "en"))


def _show(report: Report, fmt: str, lang: str) -> None:
    if fmt == "json":
        sys.stdout.buffer.write(as_json(report))
    elif fmt == "csv":
        sys.stdout.write(as_csv(report))
    elif not report.rows:
        _say("no_rows")
    else:
        console.print(as_table(report, lang))
