"""The supplier registry: classification history per supplier, and what a late change moves."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger.rules import eligibility
from ledger.rules.eligibility import class_on, derive_scale
from ledger.books.intake import Intake, Record, new_events
from ledger.models import Entry, Registration
from ledger.books.positions import Deltas
from schemas.decode import Invalid, decode
from schemas.events import SupplierRegistered

History = dict[str, list[eligibility.Registration]]


def load_histories(session: Session, supplier_ids, as_of: datetime | None = None) -> History:
    """Classification history of the given suppliers, in order of arrival; with `as_of`, only
    what the ledger had recorded by then."""
    histories: History = defaultdict(list)
    ids = sorted(set(supplier_ids))
    for chunk in _chunks(ids, 900):
        q = (select(Registration.supplier_id, Registration.scale, Registration.cooperative,
                    Registration.region, Registration.valid_from, Registration.valid_to, Registration.id)
             .where(Registration.supplier_id.in_(chunk)).order_by(Registration.id))
        if as_of is not None:
            q = q.where(Registration.recorded_at <= as_of)
        rows = session.execute(q)
        for sid, scale, coop, region, vf, vt, seq in rows:
            histories[sid].append(eligibility.Registration(scale, coop, region, vf, vt, seq))
    return histories


def prepare(records: list[Record], now: datetime) -> list[tuple[Record, SupplierRegistered | Invalid]]:
    return [(rec, decode("suppliers", rec.value)) for rec in records]


def register(session: Session, decoded: list, intake: Intake, now: datetime) -> None:
    """Record supplier registrations; move already booked spend whose class they change."""
    events = [ev for _, ev in decoded if not isinstance(ev, Invalid)]
    known = _known_fingerprints(session, {ev.event_id for ev in events})
    old = load_histories(session, {ev.supplier.id for ev in events})
    new: History = defaultdict(list, {k: list(v) for k, v in old.items()})
    rows = []
    for rec, ev, fp in new_events(decoded, known, intake):
        row = _row(ev, fp, now)
        rows.append(row)
        new[ev.supplier.id].append(eligibility.Registration(
            row["scale"], row["cooperative"], row["region"], ev.valid_from, ev.valid_to, 2**62 + len(rows)))
        intake.applied(rec, ev.event_id)
    if rows:
        session.connection().execute(insert(Registration.__table__), rows)
        _reclassify(session, old, new, {r["supplier_id"] for r in rows})


def _reclassify(session: Session, old: History, new: History, supplier_ids: set[str]) -> None:
    deltas = Deltas()
    for chunk in _chunks(sorted(supplier_ids), 900):
        entries = session.execute(
            select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                   Entry.amount)
            .where(Entry.supplier_id.in_(chunk))
        )
        for buyer, region, sid, period, channel, day, amount in entries:
            before, after = class_on(old.get(sid, []), day, region), class_on(new[sid], day, region)
            if before != after:
                deltas.add(buyer, period, channel, before, -amount, -1)
                deltas.add(buyer, period, channel, after, amount, 1)
    deltas.apply(session)


def _row(ev: SupplierRegistered, fp: str, now: datetime) -> dict:
    s = ev.supplier
    scale = s.scale.value if s.scale else derive_scale(s.capital, s.annual_sales).value
    return dict(
        event_id=ev.event_id, fingerprint=fp, supplier_id=s.id, name=s.name, region=s.region,
        district=s.district, sector=s.sector, scale=scale, scale_derived=s.scale is None,
        cooperative=s.cooperative.value if s.cooperative else None, capital=s.capital,
        annual_sales=s.annual_sales, valid_from=ev.valid_from, valid_to=ev.valid_to,
        occurred_at=ev.occurred_at, recorded_at=now,
    )


def _known_fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk in _chunks(sorted(event_ids), 900):
        rows = session.execute(
            select(Registration.event_id, Registration.fingerprint).where(Registration.event_id.in_(chunk))
        )
        found.update(rows.all())
    return found


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
