"""What sources say of a purchase beside what it counts for: the supplier's name as the source gives
it (kept per supplier id in `supplier_names`, the latest wins) and the planned package it realises
(kept on the entry). A purchase booked before its source carried them is described when the
source is imported again (`ledger.rules.attribution.described_later`): its name is kept and its
package filled in where the entry had none; no amount and no position moves.
"""

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.bulk import chunks
from ledger.models import Entry, SupplierName
from schemas.events import PurchaseRecorded


class Descriptions:
    """The names and late packages one batch learned, written in its transaction."""

    def __init__(self):
        self.names: dict[str, tuple[str, str | None]] = {}  # supplier id -> (name, source system)
        self.packages: list[dict] = []  # entries booked without a package that a later copy names

    def named(self, ev: PurchaseRecorded) -> None:
        """A booked purchase whose source names its supplier."""
        self.names[ev.supplier_id] = (ev.supplier_name, ev.source.system if ev.source else None)

    def later(self, ev: PurchaseRecorded) -> None:
        """A purchase booked before its source carried these descriptions, now described."""
        if ev.supplier_name is not None:
            self.named(ev)
        if ev.plan_package is not None:
            self.packages.append({"event": ev.event_id, "package": ev.plan_package})

    def write(self, session: Session, now: datetime) -> None:
        if self.names:
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(SupplierName)
            stmt = stmt.on_conflict_do_update(index_elements=["supplier_id"], set_={
                "name": stmt.excluded.name, "source_system": stmt.excluded.source_system,
                "recorded_at": stmt.excluded.recorded_at})
            # In one order: two workers naming the same suppliers wait for each other, never deadlock.
            session.execute(stmt, [{"supplier_id": sid, "name": name, "source_system": system, "recorded_at": now}
                                   for sid, (name, system) in sorted(self.names.items())])
        if self.packages:
            entries = Entry.__table__
            session.connection().execute(
                entries.update().where(entries.c.event_id == bindparam("event"), entries.c.plan_package.is_(None))
                .values(plan_package=bindparam("package")), self.packages)


def source_names(session: Session, supplier_ids) -> dict[str, str]:
    """The latest name a source gave each of these supplier ids, for those a source named."""
    found = {}
    for chunk in chunks(sorted(set(supplier_ids))):
        found.update(session.execute(select(SupplierName.supplier_id, SupplierName.name)
                                     .where(SupplierName.supplier_id.in_(chunk))).all())
    return found
