"""Purchases with versions in the ledger (`ledger.rules.states`): what a batch needs to know of the
source records it touches, and the rule as SQL conditions for the readers that sum entries.

A reversal's entry carries the source system and key of the purchase it reverses (no version),
so one index, (source_system, source_key), finds every version of a purchase and its reversals.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from hashlib import blake2b
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from ledger.bulk import chunks
from ledger.models import Entry
from ledger.rules.attribution import Original
from ledger.rules.states import COMPLETED, Version, entry_standing, in_force, supersedes

Source = tuple[str, str]  # (system, key)


class Spot(NamedTuple):
    """Where an entry sits in the positions, before the supplier's class is looked up."""

    buyer_id: str
    region: str
    supplier_id: str
    channel: str
    booked_on: date
    period: str


def spot_of(e) -> Spot:
    return Spot(e.buyer_id, e.region, e.supplier_id, e.channel, e.booked_on, e.period)


@dataclass(slots=True)
class Group:
    """One source record's purchase as a batch sees it: the version in force and its reversals."""

    current: Version | None = None
    entry: Original | None = None  # the version in force
    reversed: int = 0  # rupiah taken back, over every version (positive)
    reversals: defaultdict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # Spot -> [amount, entries]

    def reversal(self, spot: Spot, amount: int) -> None:
        """Remember a reversal of `amount` (positive) booked at `spot`."""
        self.reversed += amount
        cell = self.reversals[spot]
        cell[0] -= amount
        cell[1] += 1


_COLUMNS = (Entry.id, Entry.kind, Entry.fingerprint, Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.channel,
            Entry.amount, Entry.booked_on, Entry.period, Entry.state, Entry.source_system, Entry.source_key,
            Entry.source_version)


SOURCE_LOCKS = 0x6B75  # the class of PostgreSQL's two-key advisory locks that name source records


def lock_sources(session: Session, sources: set[Source]) -> None:
    """On PostgreSQL, hold each source record for the rest of the transaction, so two workers never
    book versions of one purchase at once (they arrive keyed by buyer; a source whose buyer id
    changed between versions could reach two workers). In one order, so two batches cannot
    deadlock; a shared 32-bit hash only makes two records wait for each other. SQLite has one
    writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql" or not sources:
        return
    hashes = sorted({int.from_bytes(blake2b(f"{system}\x00{key}".encode(), digest_size=4).digest(), "big", signed=True)
                     for system, key in sources})
    session.execute(text("SELECT pg_advisory_xact_lock(:cls, h) FROM (SELECT unnest(CAST(:hs AS integer[])) AS h "
                         "ORDER BY 1) AS held"), {"cls": SOURCE_LOCKS, "hs": hashes})


def load_groups(session: Session, sources: set[Source]) -> dict[Source, Group]:
    """Every booked version and reversal of these source records: one query per 900 keys."""
    groups = {source: Group() for source in sources}
    systems = sorted({system for system, _ in sources})
    for chunk in chunks(sorted({key for _, key in sources})):
        q = select(*_COLUMNS).where(Entry.source_system.in_(systems), Entry.source_key.in_(chunk))
        for seq, *rest in session.execute(q):
            e = Original(*rest)
            group = groups.get(e.source)
            if group is None:  # the same key in another system
                continue
            if e.kind == "purchase":
                version = Version(e.source_version, seq, e.state)
                if supersedes(version, group.current):
                    group.current, group.entry = version, e
            else:
                group.reversal(spot_of(e), -e.amount)
    return groups


def entry_states(session: Session, entries: list, as_of: datetime | None = None) -> dict[str, tuple[str, str | None]]:
    """{event id: (state, why it does not count or None)} of these entries, as known at `as_of`."""
    sources = {(e.source_system, e.source_key) for e in entries if e.source_system is not None}
    current = versions_in_force(session, sources, as_of)
    return {e.event_id: entry_standing(e.kind, e.state, e.id, current.get((e.source_system, e.source_key)))
            for e in entries}


def versions_in_force(session: Session, sources: set[Source], as_of: datetime | None = None) -> dict[Source, Version]:
    """The version in force of each source record, among those recorded by `as_of`."""
    found: dict[Source, list[Version]] = defaultdict(list)
    systems = sorted({system for system, _ in sources})
    for chunk in chunks(sorted({key for _, key in sources})):
        q = (select(Entry.source_system, Entry.source_key, Entry.source_version, Entry.id, Entry.state)
             .where(Entry.kind == "purchase", Entry.source_system.in_(systems), Entry.source_key.in_(chunk),
                    *_known(Entry, as_of)))
        for system, key, version, seq, state in session.execute(q):
            if (system, key) in sources:
                found[(system, key)].append(Version(version, seq, state))
    return {source: in_force(versions) for source, versions in found.items()}


# --- the rule as SQL conditions on `entries` ---------------------------------------------------------


def counting(as_of: datetime | None = None, entry=Entry) -> ColumnElement[bool]:
    """Entries that count toward positions, as the ledger knew them at `as_of`."""
    return in_state(COMPLETED, as_of, entry)


def in_state(state: str, as_of: datetime | None = None, entry=Entry) -> ColumnElement[bool]:
    """Entries of purchases whose version in force is in `state` (as known at `as_of`): that
    version itself, and every reversal of the purchase. Of a purchase without a source the entry
    and its reversals carry the state themselves."""
    f = aliased(Entry)  # the version in force of the entry's source record
    group_in_state = exists().where(f.kind == "purchase", f.source_system == entry.source_system,
                                    f.source_key == entry.source_key, f.state == state, ~_newer(f, as_of),
                                    *_known(f, as_of))
    return or_(
        and_(entry.source_system.is_(None), entry.state == state),
        and_(entry.source_system.is_not(None),
             or_(and_(entry.kind == "purchase", entry.state == state, ~_newer(entry, as_of)),
                 and_(entry.kind == "reversal", group_in_state))),
    )


def _newer(entry, as_of: datetime | None) -> ColumnElement[bool]:
    """A version of the same source record in force over `entry` (higher, or equal and later)."""
    v = aliased(Entry)
    return exists().where(v.kind == "purchase", v.source_system == entry.source_system,
                          v.source_key == entry.source_key,
                          or_(v.source_version > entry.source_version,
                              and_(v.source_version == entry.source_version, v.id > entry.id)),
                          *_known(v, as_of))


def _known(entry, as_of: datetime | None) -> list:
    return [] if as_of is None else [entry.recorded_at <= as_of]


_REMAINS_NEEDS = (Entry.event_id, Entry.amount, Entry.source_system, Entry.source_key)


def with_remains(session: Session, columns: tuple, *where, as_of: datetime | None = None,
                 buyer: str | None = None) -> list[tuple]:
    """[(row, what remains of the purchase after reversals)] of the purchases meeting `where`, as the
    ledger knew them at `as_of`, of one buyer when given; each row holds `columns` (and what the
    reversals are looked up by)."""
    cols = (*columns, *(c for c in _REMAINS_NEEDS if not any(c is given for given in columns)))
    q = select(*cols).where(Entry.kind == "purchase", *where, *_known(Entry, as_of))
    if buyer is not None:
        q = q.where(Entry.buyer_id == buyer)
    purchases = session.execute(q).all()
    taken = reversed_of(session, purchases, as_of)
    return [(p, p.amount + taken.get(p.event_id, 0)) for p in purchases]


def reversed_of(session: Session, purchases: list, as_of: datetime | None = None) -> dict[str, int]:
    """{event id: sum of the (negative) reversals of that purchase} for purchases in force; of a
    purchase with versions, every reversal of any of its versions."""
    out: dict[str, int] = defaultdict(int)
    known = _known(Entry, as_of)
    own = sorted(p.event_id for p in purchases if p.source_system is None)
    for chunk in chunks(own):
        for original, amount in session.execute(select(Entry.reverses, func.sum(Entry.amount))
                                                .where(Entry.reverses.in_(chunk), *known).group_by(Entry.reverses)):
            out[original] = int(amount)
    sourced = {(p.source_system, p.source_key): p.event_id for p in purchases if p.source_system is not None}
    systems = sorted({system for system, _ in sourced})
    for chunk in chunks(sorted({key for _, key in sourced})):
        q = (select(Entry.source_system, Entry.source_key, func.sum(Entry.amount))
             .where(Entry.kind == "reversal", Entry.source_system.in_(systems), Entry.source_key.in_(chunk), *known)
             .group_by(Entry.source_system, Entry.source_key))
        for system, key, amount in session.execute(q):
            if (system, key) in sourced:
                out[sourced[(system, key)]] = int(amount)
    return out
