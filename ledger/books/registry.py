"""The supplier registry: classification history per supplier, and what a late change moves."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger.books.intake import Intake, Record, new_events
from ledger.books.positions import Deltas
from ledger.books.versions import counting
from ledger.bulk import chunks
from ledger.models import Entry, Registration
from ledger.rules.attribution import registration_row
from ledger.rules.eligibility import Classification, class_on
from schemas.decode import Invalid, decode
from schemas.events import SupplierRegistered

History = dict[str, list[Classification]]


def load_histories(session: Session, supplier_ids, as_of: datetime | None = None) -> History:
    """Classification history of the given suppliers, in order of arrival; with `as_of`, only
    what the ledger had recorded by then."""
    histories: History = defaultdict(list)
    ids = sorted(set(supplier_ids))
    for chunk in chunks(ids):
        q = (select(Registration.supplier_id, Registration.scale, Registration.cooperative,
                    Registration.region, Registration.valid_from, Registration.valid_to, Registration.id)
             .where(Registration.supplier_id.in_(chunk)).order_by(Registration.id))
        if as_of is not None:
            q = q.where(Registration.recorded_at <= as_of)
        rows = session.execute(q)
        for sid, scale, coop, region, vf, vt, seq in rows:
            histories[sid].append(Classification(scale, coop, region, vf, vt, seq))
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
        row = registration_row(ev, fp, now)
        rows.append(row)
        new[ev.supplier.id].append(Classification(
            row["scale"], row["cooperative"], row["region"], ev.valid_from, ev.valid_to, 2**62 + len(rows)))
        intake.applied(rec, ev.event_id)
    if rows:
        session.connection().execute(insert(Registration.__table__), rows)
        _reclassify(session, old, new, {r["supplier_id"] for r in rows})


def _reclassify(session: Session, old: History, new: History, supplier_ids: set[str]) -> None:
    deltas = Deltas()
    for chunk in chunks(sorted(supplier_ids)):
        entries = session.execute(
            select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                   Entry.amount)
            .where(Entry.supplier_id.in_(chunk), counting())  # only what counts sits in the positions
        )
        for buyer, region, sid, period, channel, day, amount in entries:
            before, after = class_on(old.get(sid, []), day, region), class_on(new[sid], day, region)
            if before != after:
                deltas.add(buyer, period, channel, before, -amount, -1)
                deltas.add(buyer, period, channel, after, amount, 1)
    deltas.apply(session)


def _known_fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk in chunks(sorted(event_ids)):
        rows = session.execute(
            select(Registration.event_id, Registration.fingerprint).where(Registration.event_id.in_(chunk))
        )
        found.update(rows.all())
    return found


def latest_registrations(session: Session, supplier_ids) -> dict[str, Registration]:
    """The latest registration of each supplier (by arrival)."""
    latest: dict[str, Registration] = {}
    for chunk in chunks(sorted(set(supplier_ids))):
        for reg in session.scalars(select(Registration).where(Registration.supplier_id.in_(chunk))
                                   .order_by(Registration.id)):
            latest[reg.supplier_id] = reg
    return latest


def supplier_names(session: Session, supplier_ids) -> dict[str, str]:
    """The latest name each supplier registered under."""
    return {sid: reg.name for sid, reg in latest_registrations(session, supplier_ids).items()}
