"""Registry tables: identifiers, officers' findings on pairs of suppliers, registry alerts."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models import Base, UTCDateTime


class SupplierIdentifier(Base):
    """A number another system knows a supplier by (NIB, NPWP as digits, LKPP code), as one
    registration stated it. Several suppliers stating one number is data ganda."""

    __tablename__ = "supplier_identifiers"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    registration_id: Mapped[int] = mapped_column(BigInteger)
    supplier_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # nib | npwp | lkpp
    value: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_supplier_identifiers_value", "kind", "value"),
        Index("ix_supplier_identifiers_supplier", "supplier_id"),
    )


class SupplierLink(Base):
    """An officer's finding on two supplier ids: merged, unmerged or distinct. Kept, never
    overwritten: the latest finding on a pair is the one in force."""

    __tablename__ = "supplier_links"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # merged | unmerged | distinct
    keep_id: Mapped[str] = mapped_column(String(64))  # distinct: the lesser id of the pair
    other_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_supplier_links_other", "other_id"),
        Index("ix_supplier_links_keep", "keep_id"),
    )


class RegistryAlert(Base):
    """A registration entering the expiry window, or a company's partner graduating to besar;
    one per registration (or per program, company and graduation), and the outbox of
    `kuota.alerts.v1` for them."""

    __tablename__ = "registry_alerts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # expiring | graduated
    supplier_id: Mapped[str] = mapped_column(String(64))
    buyer_id: Mapped[str | None] = mapped_column(String(64))
    program_id: Mapped[str | None] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)  # expiring: valid_to; graduated: the first day as besar
    counts_until: Mapped[date | None] = mapped_column(Date)  # graduated: the last day it still counts
    detail: Mapped[str] = mapped_column(Text)  # JSON: names, registration, buyers
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_registry_alerts_unpublished", "published_at"),)
