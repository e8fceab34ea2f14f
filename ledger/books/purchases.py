"""Booking purchases and reversals: idempotent by event_id, reversals never past what remains.

The decisions are the rules' (`ledger.rules.attribution`); this module reads what they need
from the ledger, applies them record by record in arrival order, and writes entries, buyers and
position deltas in the batch's transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.books.intake import Intake, Record
from ledger.books.positions import Deltas
from ledger.books.registry import load_histories
from ledger.bulk import chunks, insert_rows
from ledger.models import BuyerRow, Entry
from ledger.rules.attribution import (Original, Refusal, Seen, buyer_row, original_of, purchase_row, reversal_row,
                                      reversible, seen)
from ledger.rules.eligibility import class_on
from ledger.rules.fingerprint import fingerprint
from schemas.decode import Invalid, decode
from schemas.events import PurchaseRecorded, PurchaseReversed


@dataclass(slots=True)
class Prepared:
    """A record decoded, fingerprinted and (for a purchase) turned into its entry row: the work
    that needs no database, done before the transaction so the write lock is held briefly."""

    rec: Record
    event: PurchaseRecorded | PurchaseReversed | Invalid
    fingerprint: str = ""
    row: dict | None = None


def prepare(records: list[Record], now: datetime) -> list[Prepared]:
    prepared = []
    for rec in records:
        ev = decode("purchases", rec.value)
        if isinstance(ev, Invalid):
            prepared.append(Prepared(rec, ev))
            continue
        fp = fingerprint(ev)
        prepared.append(Prepared(rec, ev, fp, purchase_row(ev, fp, now) if isinstance(ev, PurchaseRecorded) else None))
    return prepared


def book(session: Session, prepared: list[Prepared], intake: Intake, now: datetime) -> None:
    """Book a batch of `kuota.purchases.v1` records; every record gets exactly one outcome."""
    events = [p.event for p in prepared if not isinstance(p.event, Invalid)]
    targets = {ev.reverses for ev in events if isinstance(ev, PurchaseReversed)}
    known = _load_entries(session, {ev.event_id for ev in events} | targets)
    fingerprints = {eid: o.fingerprint for eid, o in known.items()}
    reversed_so_far = _reversed_amounts(session, targets)  # read only for what is reversed
    suppliers = {ev.supplier_id for ev in events if isinstance(ev, PurchaseRecorded)}
    suppliers |= {o.supplier_id for o in known.values()}
    histories = load_histories(session, suppliers)
    rows, buyers, deltas = [], {}, Deltas()

    for p in prepared:
        rec, ev, fp = p.rec, p.event, p.fingerprint
        if isinstance(ev, Invalid):
            intake.rejected(rec, ev.reason, ev.errors)
            continue
        verdict = seen(ev.event_id, fp, fingerprints)
        if verdict is not Seen.NEW:
            intake.not_new(rec, ev.event_id, verdict)
            continue
        if isinstance(ev, PurchaseRecorded):
            row = p.row
            buyers[ev.buyer.id] = buyer_row(ev)
        else:
            amount = reversible(ev.reverses, ev.amount, known.get(ev.reverses), reversed_so_far[ev.reverses])
            if isinstance(amount, Refusal):
                intake.rejected(rec, amount.reason, (amount.message,), ev.event_id)
                continue
            reversed_so_far[ev.reverses] += amount
            row = reversal_row(ev, fp, now, known[ev.reverses], amount)
        known[ev.event_id], fingerprints[ev.event_id] = original_of(row), fp
        rows.append(row)
        cls = class_on(histories.get(row["supplier_id"], []), row["booked_on"], row["region"])
        deltas.add(row["buyer_id"], row["period"], row["channel"], cls, row["amount"])
        intake.applied(rec, ev.event_id)

    if rows:
        insert_rows(session.connection(), Entry.__table__, rows)
        _upsert_buyers(session, list(buyers.values()))
        deltas.apply(session)


def _load_entries(session: Session, event_ids: set[str]) -> dict[str, Original]:
    found = {}
    cols = (Entry.event_id, Entry.kind, Entry.fingerprint, Entry.buyer_id, Entry.region, Entry.supplier_id,
            Entry.channel, Entry.amount, Entry.booked_on, Entry.period)
    for chunk in chunks(sorted(event_ids)):
        for eid, *rest in session.execute(select(*cols).where(Entry.event_id.in_(chunk))):
            found[eid] = Original(*rest)
    return found


def _reversed_amounts(session: Session, event_ids: set[str]) -> defaultdict[str, int]:
    totals: defaultdict[str, int] = defaultdict(int)
    for chunk in chunks(sorted(event_ids)):
        rows = session.execute(
            select(Entry.reverses, func.sum(Entry.amount)).where(Entry.reverses.in_(chunk)).group_by(Entry.reverses)
        )
        for original, total in rows:
            totals[original] = -int(total)
    return totals


def _upsert_buyers(session: Session, buyers: list[dict]) -> None:
    if not buyers:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(BuyerRow)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"kind": stmt.excluded.kind, "name": func.coalesce(stmt.excluded.name, BuyerRow.name),
              "region": stmt.excluded.region},
    )
    session.execute(stmt, sorted(buyers, key=lambda b: b["id"]))
