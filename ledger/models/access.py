"""Intake journal and access tables: what kuota accepted before any broker had it, and who may
send and see what."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models import Base, UTCDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")


class JournalEntry(Base):
    """An event kuota accepted (HTTP ingest, `kuota emit`, `kuota import`), committed before it is
    acknowledged; the relay sends it to its topic and marks the broker epoch it was sent under."""

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(128))  # the contract's name, without a deployment prefix
    key: Mapped[str | None] = mapped_column(String(300))
    value: Mapped[str] = mapped_column(Text)  # the event's JSON as accepted
    source: Mapped[str] = mapped_column(String(16))  # http | emit | import
    principal: Mapped[str | None] = mapped_column(String(100))  # who sent it: key:<id>, user:<name>, cli
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_epoch: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_journal_unsent", "sent_epoch", "id"),)


class IdempotentRequest(Base):
    """The answer given to a request with an `Idempotency-Key`, to give again to its retry."""

    __tablename__ = "idempotent_requests"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    principal: Mapped[str] = mapped_column(String(100))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("principal", "idempotency_key", name="uq_idempotent_requests_key"),)


class User(Base):
    """A person who logs in to the dashboard: admin, officer (of regions), auditor or buyer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # admin | officer | auditor | buyer
    regions: Mapped[str] = mapped_column(String(200), default="", server_default="")  # comma-separated BPS codes
    buyer_id: Mapped[str | None] = mapped_column(String(64))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """A key a system sends or reads with: a buyer's (its own purchases and data), or the
    registry's (supplier events). Only the hash of its secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)  # the public part of the key
    secret_hash: Mapped[str] = mapped_column(String(200))
    buyer_id: Mapped[str | None] = mapped_column(String(64))
    for_registry: Mapped[bool] = mapped_column("registry", Boolean, default=False, server_default="0")
    scopes: Mapped[str] = mapped_column(String(64))  # comma-separated: ingest, read
    label: Mapped[str | None] = mapped_column(String(200))
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A logged-in dashboard session; the cookie holds the token, the ledger only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccessLogEntry(Base):
    """Who read or downloaded which buyer's data, and every key and user change."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(120))  # user:<name>, key:<key_id>, cli
    action: Mapped[str] = mapped_column(String(32))  # read, download, login, key.create, user.add, ...
    buyer_id: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(300))  # the path or object
    detail: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_access_log_at", "at"),)
