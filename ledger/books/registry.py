"""The supplier registry: classification history per supplier, identifiers, officers' merges,
and what a late change moves."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ledger.books.descriptions import source_names
from ledger.books.identities import aliases, resolve
from ledger.books.intake import Intake, Record, new_events
from ledger.books.positions import Deltas
from ledger.books.versions import counting
from ledger.bulk import chunks
from ledger.models import Entry, Registration, SupplierIdentifier, SupplierLink
from ledger.rules.attribution import registration_row
from ledger.rules.basis import PROFILE_SYSTEM
from ledger.rules.eligibility import Classification, class_on
from ledger.rules.identity import written_forms
from schemas.decode import Invalid, decode
from schemas.events import SupplierDistinct, SupplierMerged, SupplierRegistered

History = dict[str, list[Classification]]


def load_histories(session: Session, supplier_ids, as_of: datetime | None = None) -> History:
    """Classification history of the supplier each given id counts for (`identities.resolve`),
    keyed by the ids given, in order of arrival; with `as_of`, only what the ledger had
    recorded by then."""
    counted_as = resolve(session, supplier_ids, as_of)
    own: History = defaultdict(list)
    for chunk in chunks(sorted(set(counted_as.values()))):
        q = (select(Registration.supplier_id, Registration.scale, Registration.cooperative,
                    Registration.region, Registration.valid_from, Registration.valid_to, Registration.id)
             .where(Registration.supplier_id.in_(chunk)).order_by(Registration.id))
        if as_of is not None:
            q = q.where(Registration.recorded_at <= as_of)
        for sid, scale, coop, region, vf, vt, seq in session.execute(q):
            own[sid].append(Classification(scale, coop, region, vf, vt, seq))
    return defaultdict(list, {sid: own[target] for sid, target in counted_as.items() if target in own})


def lkpp_profiled(session: Session, supplier_ids) -> set[str]:
    """Those of `supplier_ids` whose class came from LKPP's supplier profile (`ledger.rules.basis`):
    registered by an event of the e-Katalog supplier detail, under the id or one it counts for."""
    counted_as = resolve(session, supplier_ids)
    found: set[str] = set()
    for chunk in chunks(sorted(set(counted_as.values()))):
        found.update(session.scalars(select(Registration.supplier_id).where(
            Registration.supplier_id.in_(chunk), Registration.event_id.startswith(PROFILE_SYSTEM))))
    return {sid for sid, target in counted_as.items() if target in found}


class HistoryCache:
    """Histories a recorder has read, kept while the registry stays as it was: its tables only
    grow (a correction, a merge, an unmerge are new rows) and are written under the exclusive
    registry lock, so their highest ids, read inside the batch's transaction, say whether
    anything changed since. Saves reading a batch's thousands of suppliers again each batch."""

    def __init__(self, limit: int = 500_000):
        self.limit, self.version, self.known = limit, None, {}

    def load(self, session: Session, supplier_ids) -> History:
        version = registry_version(session)
        if version != self.version or len(self.known) > self.limit:
            self.version, self.known = version, {}
        missing = {sid for sid in supplier_ids if sid not in self.known}
        if missing:
            loaded = load_histories(session, missing)
            self.known.update((sid, loaded.get(sid, [])) for sid in missing)
        return self.known


def registry_version(session: Session) -> tuple:
    return session.execute(select(*(select(func.max(table.id)).scalar_subquery()
                                     for table in (Registration, SupplierLink, SupplierIdentifier)))).one()


def prepare(records: list[Record], now: datetime) -> list[tuple[Record, object]]:
    return [(rec, decode("suppliers", rec.value)) for rec in records]


def register(session: Session, decoded: list, intake: Intake, now: datetime) -> None:
    """Record registrations (with their identifiers) and officers' findings; move already booked
    spend whose supplier or class they change."""
    events = [ev for _, ev in decoded if not isinstance(ev, Invalid)]
    known = _known_fingerprints(session, {ev.event_id for ev in events})
    registrations, identifiers, links, touched = [], [], [], set()
    for rec, ev, fp in new_events(decoded, known, intake):
        if isinstance(ev, SupplierRegistered):
            registrations.append(registration_row(ev, fp, now))
            ids = ev.supplier.identifiers
            stated = [(k, getattr(ids, k)) for k in ("nib", "npwp", "lkpp") if ids and getattr(ids, k)]
            identifiers.append(stated)
            touched.add(ev.supplier.id)
        else:
            links.append(_link_row(ev, fp, now))
            touched |= {links[-1]["keep_id"], links[-1]["other_id"]}
        intake.applied(rec, ev.event_id)
    if not registrations and not links:
        return
    moved = aliases(session, touched) | {form for stated in identifiers for form in _forms(stated)}
    before = load_histories(session, moved)
    conn = session.connection()
    if registrations:
        conn.execute(insert(Registration.__table__), registrations)
        stating = {row["event_id"]: (row["supplier_id"], stated) for row, stated in zip(registrations, identifiers)
                   if stated}
        if stating:
            ids = dict(session.execute(select(Registration.event_id, Registration.id)
                                       .where(Registration.event_id.in_(sorted(stating)))).all())
            conn.execute(insert(SupplierIdentifier.__table__), [
                {"registration_id": ids[eid], "supplier_id": sid, "kind": k, "value": v}
                for eid, (sid, stated) in stating.items() for k, v in stated])
    if links:
        conn.execute(insert(SupplierLink.__table__), links)
    moved |= aliases(session, touched)
    _reclassify(session, before, load_histories(session, moved), moved)


def _forms(stated: list[tuple[str, str]]) -> set[str]:
    return {form for kind, value in stated for form in written_forms(kind, value)}


def _link_row(ev: SupplierMerged | SupplierDistinct, fp: str, now: datetime) -> dict:
    if isinstance(ev, SupplierDistinct):
        kind, (keep, other) = "distinct", sorted(ev.suppliers)
    else:
        kind, keep, other = ev.type.removeprefix("supplier."), ev.keep, ev.other
    return dict(event_id=ev.event_id, fingerprint=fp, kind=kind, keep_id=keep, other_id=other, reason=ev.reason,
                occurred_at=ev.occurred_at, recorded_at=now)


def _reclassify(session: Session, old: History, new: History, supplier_ids: set[str]) -> None:
    deltas = Deltas()
    for chunk in chunks(sorted(supplier_ids)):
        entries = session.execute(
            select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                   Entry.amount)
            .where(Entry.supplier_id.in_(chunk), counting())  # only what counts sits in the positions
        )
        for buyer, region, sid, period, channel, day, amount in entries:
            before, after = class_on(old.get(sid, []), day, region), class_on(new.get(sid, []), day, region)
            if before != after:
                deltas.add(buyer, period, channel, before, -amount, -1)
                deltas.add(buyer, period, channel, after, amount, 1)
    deltas.apply(session)


def _known_fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk in chunks(sorted(event_ids)):
        for table in (Registration, SupplierLink):
            found.update(session.execute(select(table.event_id, table.fingerprint)
                                         .where(table.event_id.in_(chunk))).all())
    return found


def latest_registrations(session: Session, supplier_ids) -> dict[str, Registration]:
    """The latest registration (by arrival) of the supplier each given id counts for."""
    counted_as = resolve(session, supplier_ids)
    latest: dict[str, Registration] = {}
    for chunk in chunks(sorted(set(counted_as.values()))):
        for reg in session.scalars(select(Registration).where(Registration.supplier_id.in_(chunk))
                                   .order_by(Registration.id)):
            latest[reg.supplier_id] = reg
    return {sid: latest[target] for sid, target in counted_as.items() if target in latest}


def supplier_names(session: Session, supplier_ids) -> dict[str, str]:
    """The name to show beside each supplier id: the latest it registered under (the supplier it
    counts for), else the latest a source gave it (`ledger.books.descriptions`); a name only, its
    class is the registry's alone."""
    supplier_ids = set(supplier_ids)
    names = {sid: reg.name for sid, reg in latest_registrations(session, supplier_ids).items()}
    return names | source_names(session, supplier_ids - names.keys())
