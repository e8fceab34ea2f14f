"""Booking purchases and reversals: idempotent by event_id, reversals never past what remains."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import orjson
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.bulk import insert_rows
from ledger.rules.eligibility import class_on
from ledger.rules.fingerprint import fingerprint
from ledger.books.intake import Intake, Record
from ledger.models import Buyer, Entry
from ledger.rules.periods import local_date, month_end, month_of
from ledger.books.positions import Deltas
from ledger.books.registry import _chunks, load_histories
from schemas.codes import RejectReason
from schemas.decode import Invalid, decode
from schemas.events import PurchaseRecorded, PurchaseReversed


@dataclass(slots=True)
class Original:
    """What a reversal needs to know of the purchase it reverses."""

    kind: str
    fingerprint: str
    buyer_id: str
    region: str
    supplier_id: str
    channel: str
    amount: int
    booked_on: date
    period: str


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
        prepared.append(Prepared(rec, ev, fp, _purchase_row(ev, fp, now) if isinstance(ev, PurchaseRecorded) else None))
    return prepared


def book(session: Session, prepared: list[Prepared], intake: Intake, now: datetime) -> None:
    """Book a batch of `kuota.purchases.v1` records; every record gets exactly one outcome."""
    events = [p.event for p in prepared if not isinstance(p.event, Invalid)]
    targets = {ev.reverses for ev in events if isinstance(ev, PurchaseReversed)}
    known = _load_entries(session, {ev.event_id for ev in events} | targets)
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
        if ev.event_id in known:
            if known[ev.event_id].fingerprint == fp:
                intake.duplicate(rec, ev.event_id)
            else:
                intake.rejected(rec, RejectReason.CONFLICTING_DUPLICATE,
                                (f"event_id {ev.event_id} was booked earlier with different content",), ev.event_id)
            continue
        if isinstance(ev, PurchaseRecorded):
            row = p.row
            buyers[ev.buyer.id] = {"id": ev.buyer.id, "kind": ev.buyer.kind.value,
                                   "name": ev.buyer.name, "region": ev.buyer.region}
        else:
            row, problem = _reversal_row(ev, fp, now, known.get(ev.reverses), reversed_so_far)
            if problem:
                intake.rejected(rec, problem[0], (problem[1],), ev.event_id)
                continue
            reversed_so_far[ev.reverses] += -row["amount"]
        known[ev.event_id] = _original(row)
        rows.append(row)
        cls = class_on(histories.get(row["supplier_id"], []), row["booked_on"], row["region"])
        deltas.add(row["buyer_id"], row["period"], row["channel"], cls, row["amount"])
        intake.applied(rec, ev.event_id)

    if rows:
        insert_rows(session.connection(), Entry.__table__, rows)
        _upsert_buyers(session, list(buyers.values()))
        deltas.apply(session)


def _purchase_row(ev: PurchaseRecorded, fp: str, now: datetime) -> dict:
    day = local_date(ev.occurred_at, ev.buyer.region)
    lines = orjson.dumps([line.model_dump(mode="json") for line in ev.lines]).decode() if ev.lines else None
    return dict(
        event_id=ev.event_id, fingerprint=fp, kind="purchase", buyer_id=ev.buyer.id, region=ev.buyer.region,
        supplier_id=ev.supplier_id, amount=ev.amount, channel=ev.channel.value, occurred_at=ev.occurred_at,
        booked_on=day, period=month_of(day), recorded_at=now, late=now >= month_end(day, ev.buyer.region),
        reverses=None, reference=ev.reference,
        note=None, lines=lines,
    )


def _reversal_row(ev: PurchaseReversed, fp: str, now: datetime, original: Original | None, reversed_so_far):
    if original is None:
        return None, (RejectReason.UNKNOWN_REVERSAL, f"no purchase {ev.reverses} has been booked")
    if original.kind != "purchase":
        return None, (RejectReason.INVALID_REVERSAL, f"{ev.reverses} is itself a reversal")
    remaining = original.amount - reversed_so_far[ev.reverses]
    amount = ev.amount if ev.amount is not None else remaining
    if amount <= 0 or amount > remaining:
        return None, (RejectReason.OVER_REVERSAL,
                      f"asks to reverse {amount} of {ev.reverses}, only {remaining} remains")
    return dict(
        event_id=ev.event_id, fingerprint=fp, kind="reversal", buyer_id=original.buyer_id,
        region=original.region, supplier_id=original.supplier_id, amount=-amount, channel=original.channel,
        occurred_at=ev.occurred_at, booked_on=original.booked_on, period=original.period, recorded_at=now,
        late=now >= month_end(original.booked_on, original.region), reverses=ev.reverses, reference=None, note=ev.reason, lines=None,
    ), None


def _original(row: dict) -> Original:
    return Original(row["kind"], row["fingerprint"], row["buyer_id"], row["region"], row["supplier_id"],
                    row["channel"], row["amount"], row["booked_on"], row["period"])


def _load_entries(session: Session, event_ids: set[str]) -> dict[str, Original]:
    found = {}
    cols = (Entry.event_id, Entry.kind, Entry.fingerprint, Entry.buyer_id, Entry.region, Entry.supplier_id,
            Entry.channel, Entry.amount, Entry.booked_on, Entry.period)
    for chunk in _chunks(sorted(event_ids), 900):
        for eid, *rest in session.execute(select(*cols).where(Entry.event_id.in_(chunk))):
            found[eid] = Original(*rest)
    return found


def _reversed_amounts(session: Session, event_ids: set[str]) -> defaultdict[str, int]:
    totals: defaultdict[str, int] = defaultdict(int)
    for chunk in _chunks(sorted(event_ids), 900):
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
    stmt = dialect.insert(Buyer)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"kind": stmt.excluded.kind, "name": func.coalesce(stmt.excluded.name, Buyer.name),
              "region": stmt.excluded.region},
    )
    session.execute(stmt, sorted(buyers, key=lambda b: b["id"]))
