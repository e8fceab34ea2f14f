"""Tables of the ledger. Entries and registrations are append-only; positions are derived."""

from datetime import date, datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class Entry(Base):
    """One booked purchase (amount > 0) or reversal (amount < 0). Never deleted; never updated but
    for `plan_package`, a description filled in once where it was empty."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # purchase | reversal
    buyer_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(4))  # the buyer's region at the time
    supplier_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The purchase date in the buyer's region: decides period and supplier class.
    # For a reversal it is the original purchase's date.
    booked_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM of booked_on
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Recorded after its month had closed in the buyer's region: booked into that month all the same.
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    reverses: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(200))
    lines: Mapped[str | None] = mapped_column(Text)  # JSON, as sent
    # completed | pending | void (`ledger.rules.states`); a reversal carries its purchase's.
    state: Mapped[str] = mapped_column(String(16), default="completed", server_default="completed")
    # The source record a purchase copies: the entries naming one system and key are versions of
    # one purchase, the highest in force. A reversal carries its purchase's system and key, no version.
    source_system: Mapped[str | None] = mapped_column(String(32))
    source_key: Mapped[str | None] = mapped_column(String(64))
    source_version: Mapped[int | None] = mapped_column(BigInteger)
    declared_umk: Mapped[int | None] = mapped_column(BigInteger)  # the UMK value the source declares
    # The planned package the purchase realises (SIRUP kd_rup); a reversal carries none. Filled in
    # once, where it was empty, when a source first carries it for a purchase booked without it
    # (`ledger.books.descriptions`): it moves no amount and no position.
    plan_package: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        # By buyer and by supplier alone: a batch's entries land at the end of each key's run
        # (migration 0006), so booking costs the same at ten million entries as at ten thousand.
        Index("ix_entries_buyer", "buyer_id"),
        Index("ix_entries_supplier", "supplier_id"),
        Index("ix_entries_reverses", "reverses"),
        Index("ix_entries_recorded_at", "recorded_at"),
        # Partial: entries without a source (most of a ledger fed by its own producers) cost it nothing.
        Index("ix_entries_source", "source_system", "source_key", sqlite_where=text("source_system IS NOT NULL"),
              postgresql_where=text("source_system IS NOT NULL")),
        # Partial: the evaluation sums the declared UMK measure (`ledger.books.measures`) from these alone.
        Index("ix_entries_declared", "buyer_id", "period", sqlite_where=text("declared_umk > 0"),
              postgresql_where=text("declared_umk > 0")),
        # Partial: the packages report (`ledger.reports.packages`) reads the purchases that name a plan.
        Index("ix_entries_plan", "buyer_id", "plan_package", sqlite_where=text("plan_package IS NOT NULL"),
              postgresql_where=text("plan_package IS NOT NULL")),
    )


class BuyerRow(Base):
    """Agencies and companies as they last described themselves."""

    __tablename__ = "buyers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(4))


class SupplierName(Base):
    """The latest name a source gave a supplier id (SPSE `nama_penyedia`, Toko Daring `merchant_name`)
    and the system it came from: shown beside the id where the registry names no one. A name only,
    never a size class; the next name a source gives replaces it."""

    __tablename__ = "supplier_names"

    supplier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source_system: Mapped[str | None] = mapped_column(String(32))  # None: a purchase copied from no source record
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BuyerAlias(Base):
    """Another id of a buyer the directory knows (`buyer.described`): a work unit that one source
    names by its numeric SIRUP code (`D107-satker-123`) and another by its `kd_satker_str`. A
    purchase sent under the alias is booked under the buyer; one booked before the directory
    named it is moved there when it does (`ledger.books.directory`)."""

    __tablename__ = "buyer_aliases"

    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(String(64), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Registration(Base):
    """A supplier's classification from valid_from on. History is kept, never overwritten."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    supplier_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(4))
    district: Mapped[str | None] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(200))
    scale: Mapped[str] = mapped_column(String(16))
    scale_derived: Mapped[bool] = mapped_column(Boolean, default=False)
    cooperative: Mapped[str | None] = mapped_column(String(32))
    capital: Mapped[int | None] = mapped_column(BigInteger)
    annual_sales: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_registrations_supplier", "supplier_id", "valid_from"),)


class Position(Base):
    """Running net spend per buyer, month, channel and supplier class on the purchase date.

    The channel is part of the key because programs may leave a channel out of their base."""

    __tablename__ = "positions"

    buyer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    scale: Mapped[str] = mapped_column(String(16), primary_key=True)
    cooperative: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    local: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)


class Receipt(Base):
    """Every consumed input record and what became of it: applied, duplicate or rejected."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    epoch: Mapped[str] = mapped_column(String(64))  # the broker cluster the offsets belong to
    topic: Mapped[str] = mapped_column(String(128))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("epoch", "topic", "partition", "offset", name="uq_receipts_position"),
        Index("ix_receipts_topic_outcome", "topic", "outcome"),
        Index("ix_receipts_event_id", "event_id"),
    )


class Rejection(Base):
    """A rejected record in full, and the outbox for `kuota.rejected.v1`."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    epoch: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(128))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(32))
    errors: Mapped[str] = mapped_column(Text)  # JSON list of strings
    raw: Mapped[str] = mapped_column(Text)
    raw_encoding: Mapped[str] = mapped_column(String(8))
    event_id: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("epoch", "topic", "partition", "offset", name="uq_rejections_position"),
        Index("ix_rejections_unpublished", "published_at"),
    )


class Target(Base):
    """A program or a declared budget from `kuota.targets.v1`. Kept whole and never overwritten:
    the one in force per key is the latest by occurred_at (then arrival)."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))  # program.defined | budget.declared
    key: Mapped[str] = mapped_column(String(200))  # program:<id> | budget:<agency>:<year>
    body: Mapped[str] = mapped_column(Text)  # the event as JSON
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_targets_key", "key", "occurred_at"),)


class Standing(Base):
    """The last evaluated status of a buyer (or `*`, all covered buyers) in a program and period."""

    __tablename__ = "standings"

    program_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2024, 2024-Q1 or 2024-03
    status: Mapped[str | None] = mapped_column(String(16))
    actual: Mapped[int] = mapped_column(BigInteger)
    required: Mapped[int] = mapped_column(BigInteger)
    shortfall: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    base: Mapped[int | None] = mapped_column(BigInteger)  # total (share) or budget (share of budget)
    share_bp: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(2))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Both measures whichever judges the program (`actual` is the program's), and how much of the
    # total the registry knew on the purchase dates: the verified measure's coverage. Null on
    # standings evaluated before migration 0008 until their next evaluation.
    verified: Mapped[int | None] = mapped_column(BigInteger)
    declared: Mapped[int | None] = mapped_column(BigInteger)
    registered: Mapped[int | None] = mapped_column(BigInteger)


class Alert(Base):
    """One change of status; the outbox of `kuota.alerts.v1` and of webhooks."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(200), unique=True)
    program_id: Mapped[str] = mapped_column(String(64))
    buyer_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(16))
    previous: Mapped[str | None] = mapped_column(String(16))
    actual: Mapped[int] = mapped_column(BigInteger)
    required: Mapped[int] = mapped_column(BigInteger)
    shortfall: Mapped[int] = mapped_column(BigInteger)
    share_bp: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(2))
    late: Mapped[bool] = mapped_column(Boolean)  # detected after the period had closed
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The measure that judged it and both realised UMK figures (migration 0011; null before it).
    measure: Mapped[str | None] = mapped_column(String(16))
    declared: Mapped[int | None] = mapped_column(BigInteger)
    verified: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_alerts_unpublished", "published_at"),
        Index("ix_alerts_program_buyer", "program_id", "buyer_id", "period"),
    )


class Delivery(Base):
    """One attempt to deliver an alert to a webhook URL."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)  # false while in flight, and for a failed attempt
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))

    # Inserting the attempt claims it: two workers never post the same attempt twice.
    __table_args__ = (Index("ix_alert_deliveries_attempt", "alert_id", "url", "attempt", unique=True),)


class Evaluation(Base):
    """One evaluation run of the programs: when, how many status lines, how many alerts."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lines: Mapped[int] = mapped_column(Integer)
    alerts: Mapped[int] = mapped_column(Integer)



# Registry tables live beside the core ones; imported here so every table is on Base.metadata.
from ledger.models.registry import RegistryAlert, SupplierIdentifier, SupplierLink  # noqa: E402
from ledger.models.access import (AccessLogEntry, ApiKey, IdempotentRequest, JournalEntry, User,  # noqa: E402
                                  WebSession)

__all__ = ["AccessLogEntry", "ApiKey", "IdempotentRequest", "JournalEntry", "User", "WebSession", "Alert", "Base", "BuyerRow", "Delivery", "Entry", "Evaluation", "Position", "Receipt", "Registration",
           "RegistryAlert", "Rejection", "Standing", "SupplierIdentifier", "SupplierLink", "SupplierName", "Target",
           "UTCDateTime"]
