"""People, API keys, dashboard sessions and the access log, as the ledger keeps them
(`ledger.rules.access` decides who sees what). Passwords and key secrets are kept only as argon2
hashes, session tokens only as sha256. Every function leaves the commit to its caller; a refused
login changes the person's failure count, so the caller commits then too."""

import hashlib
import re
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.errors import ExitCode, LedgerError
from ledger.models.access import AccessLogEntry, ApiKey, User, WebSession
from ledger.rules.access import (
    INGEST, READ, Principal, SESSION_LIFETIME, join_scopes, key_expired, key_principal, lock_after_failure,
    locked, parse_scopes, split_list, touch_due, user_principal, user_problems,
)

WIB = ZoneInfo("Asia/Jakarta")
MIN_PASSWORD = 10
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_KEY = re.compile(r"kuota_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
_PASSWORDS = PasswordHasher()
# A key secret is 32 random bytes, not a guessable word: a light argon2 keeps every request cheap.
_SECRETS = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_DUMMY_PASSWORD = _PASSWORDS.hash("no such user")
_DUMMY_SECRET = _SECRETS.hash("no such key")


class AccessChangeRefused(LedgerError, label="perubahan akses ditolak / access change refused",
                          exit_code=ExitCode.USAGE):
    pass


def _matches(hasher: PasswordHasher, hashed: str, plain: str) -> bool:
    try:
        return hasher.verify(hashed, plain)
    except (VerificationError, InvalidHashError):
        return False


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_access(session: Session, actor: str, action: str, *, buyer_id: str | None = None,
               target: str | None = None, detail: str | None = None, now: datetime) -> None:
    """One row of the access log: who did what to or with which buyer's data."""
    session.add(AccessLogEntry(at=now, actor=actor[:120], action=action[:32], buyer_id=buyer_id,
                               target=target[:300] if target else None, detail=detail[:500] if detail else None))


# People -------------------------------------------------------------------------------------

def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccessChangeRefused(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def user_named(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def _user(session: Session, name: str) -> User:
    user = user_named(session, name)
    if user is None:
        raise AccessChangeRefused(f"no user named {name!r}; see kuota users list")
    return user


def create_user(session: Session, name: str, role: str, *, regions=(), buyer_id: str | None = None,
                password: str | None = None, actor: str, now: datetime) -> tuple[User, str]:
    """Add a person; returns the user and its password (the one given, or a generated one to show
    once). Refuses a taken or malformed name, a role without its regions or buyer, a short password."""
    regions = sorted(set(regions))
    if not _NAME.fullmatch(name):
        raise AccessChangeRefused(f"user name {name!r}: use lowercase letters, digits, '.', '_' or '-'")
    problems = user_problems(role, regions, buyer_id)
    if problems:
        raise AccessChangeRefused("; ".join(problems))
    if user_named(session, name) is not None:
        raise AccessChangeRefused(f"a user named {name!r} exists; change its password with kuota users passwd")
    password = _checked_password(password) if password is not None else generate_password()
    user = User(name=name, password_hash=_PASSWORDS.hash(password), role=role, regions=",".join(regions),
                buyer_id=buyer_id, disabled=False, failed_logins=0, created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    detail = f"role={role}" + (f" regions={','.join(regions)}" if regions else "")
    log_access(session, actor, "user.add", buyer_id=buyer_id, target=f"user:{name}", detail=detail, now=now)
    return user, password


def set_password(session: Session, name: str, password: str | None, *, actor: str, now: datetime) -> str:
    """Give a person a new password (a generated one when None), returned to show once; unlocks
    the person and ends its sessions."""
    user = _user(session, name)
    password = _checked_password(password) if password is not None else generate_password()
    user.password_hash = _PASSWORDS.hash(password)
    user.password_changed_at, user.failed_logins, user.locked_until = now, 0, None
    _end_sessions(session, user.id, now)
    log_access(session, actor, "user.passwd", buyer_id=user.buyer_id, target=f"user:{name}", now=now)
    return password


def disable_user(session: Session, name: str, *, actor: str, now: datetime) -> bool:
    """Refuse a person from now on and end its sessions; False when it was disabled already."""
    user = _user(session, name)
    if user.disabled:
        return False
    user.disabled = True
    _end_sessions(session, user.id, now)
    log_access(session, actor, "user.disable", buyer_id=user.buyer_id, target=f"user:{name}", now=now)
    return True


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def ensure_admin(session: Session, password: str | None, now: datetime) -> str | None:
    """On a ledger with no user yet, create `admin` (role admin) with `password`, or a generated
    one; returns the password it was given to show once. None when some user exists already."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    _, password = create_user(session, "admin", "admin", password=password or None, actor="cli", now=now)
    return password


# Dashboard sessions -------------------------------------------------------------------------

def login(session: Session, name: str, password: str, now: datetime) -> tuple[Principal, str, str] | str:
    """(principal, session token, csrf token), or why not: `bad_credentials`, `locked` (after
    5 failures, for 15 minutes) or `disabled`."""
    user = user_named(session, name)
    if user is None:
        _matches(_PASSWORDS, _DUMMY_PASSWORD, password)  # as slow as a real refusal
        log_access(session, f"user:{name}"[:120], "login.refused", detail="bad_credentials", now=now)
        return "bad_credentials"
    if locked(user.locked_until, now):
        log_access(session, f"user:{name}", "login.refused", detail="locked", now=now)
        return "locked"
    if not _matches(_PASSWORDS, user.password_hash, password):
        user.failed_logins += 1
        user.locked_until = lock_after_failure(user.failed_logins, now)
        if user.locked_until is not None:
            user.failed_logins = 0  # the lock is the penalty; afterwards the count starts again
        log_access(session, f"user:{name}", "login.refused",
                   detail="locked" if user.locked_until else "bad_credentials", now=now)
        return "bad_credentials"
    if user.disabled:
        log_access(session, f"user:{name}", "login.refused", detail="disabled", now=now)
        return "disabled"
    user.failed_logins, user.locked_until = 0, None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_sha256(token), user_id=user.id, csrf_token=csrf, created_at=now,
                           expires_at=now + SESSION_LIFETIME))
    log_access(session, f"user:{name}", "login", buyer_id=user.buyer_id, now=now)
    return _principal(user), token, csrf


def _principal(user: User) -> Principal:
    return user_principal(user.name, user.role, split_list(user.regions), user.buyer_id)


def principal_of_session(session: Session, token: str, now: datetime) -> tuple[Principal, str] | None:
    """(principal, csrf token) of a live session, or None: unknown, ended, expired, or its user
    disabled."""
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == _sha256(token))).one_or_none()
    if row is None:
        return None
    web, user = row
    if web.ended_at is not None or now >= web.expires_at or user.disabled:
        return None
    return _principal(user), web.csrf_token


def logout(session: Session, token: str, now: datetime) -> None:
    """End the session of `token` (nothing when it is unknown or ended)."""
    row = session.execute(
        select(WebSession, User.name).join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == _sha256(token), WebSession.ended_at.is_(None))).one_or_none()
    if row is not None:
        row[0].ended_at = now
        log_access(session, f"user:{row[1]}", "logout", now=now)


def _end_sessions(session: Session, user_id: int, now: datetime) -> None:
    for web in session.scalars(select(WebSession).where(WebSession.user_id == user_id,
                                                        WebSession.ended_at.is_(None))):
        web.ended_at = now


# API keys -----------------------------------------------------------------------------------

def create_key(session: Session, *, buyer_id: str | None = None, registry: bool = False,
               scopes: str = f"{INGEST},{READ}", expires_on: date | None = None, label: str | None = None,
               actor: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key for one buyer, or for the registry (supplier events); returns the row and the
    whole key, `kuota_<key_id>_<secret>`, to show once: only the secret's hash is kept."""
    if registry == bool(buyer_id):
        raise AccessChangeRefused("a key is for one buyer (--buyer ID) or for the registry (--registry), "
                                  "not both or neither")
    try:
        scope_set = parse_scopes(scopes)
    except ValueError as exc:
        raise AccessChangeRefused(str(exc)) from None
    if expires_on is not None and expires_on < now.astimezone(WIB).date():
        raise AccessChangeRefused(f"--expires {expires_on.isoformat()} has passed; give a later day")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(key_id=key_id, secret_hash=_SECRETS.hash(secret), buyer_id=buyer_id or None, for_registry=registry,
                 scopes=join_scopes(scope_set), label=label, expires_on=expires_on, created_at=now,
                 created_by=actor)
    session.add(key)
    session.flush()
    log_access(session, actor, "key.create", buyer_id=key.buyer_id, target=f"key:{key_id}",
               detail=f"scopes={key.scopes}" + (" registry" if registry else ""), now=now)
    return key, f"kuota_{key_id}_{secret}"


def verify_key(session: Session, token: str, now: datetime) -> Principal | None:
    """The principal of a whole key, or None: malformed, unknown, wrong secret, revoked, or past
    its `expires_on` day in WIB. Notes `last_used_at`, at most once a minute."""
    parts = _KEY.fullmatch(token.strip())
    key = session.scalars(select(ApiKey).where(ApiKey.key_id == parts[1])).one_or_none() if parts else None
    if key is None:
        _matches(_SECRETS, _DUMMY_SECRET, token)  # as slow as a real refusal
        return None
    if not _matches(_SECRETS, key.secret_hash, parts[2]):
        return None
    if key.revoked_at is not None or key_expired(key.expires_on, now.astimezone(WIB).date()):
        return None
    if touch_due(key.last_used_at, now):
        key.last_used_at = now
    return key_principal(key.key_id, split_list(key.scopes), key.buyer_id, key.for_registry)


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke_key(session: Session, key_id: str, *, actor: str, now: datetime) -> bool:
    """Refuse a key from now on; False when it was revoked already."""
    key = session.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).one_or_none()
    if key is None:
        raise AccessChangeRefused(f"no key with id {key_id!r}; see kuota keys list")
    if key.revoked_at is not None:
        return False
    key.revoked_at = now
    log_access(session, actor, "key.revoke", buyer_id=key.buyer_id, target=f"key:{key_id}", now=now)
    return True


def access_log(session: Session, *, limit: int = 100, actor: str | None = None,
               buyer_id: str | None = None) -> list[AccessLogEntry]:
    """The newest rows of the access log first, optionally of one actor or one buyer."""
    query = select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AccessLogEntry.actor == actor)
    if buyer_id:
        query = query.where(AccessLogEntry.buyer_id == buyer_id)
    return list(session.scalars(query))
