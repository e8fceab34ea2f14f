"""Positions recounted from the entries alone: what the audit compares the stored positions with,
and what a migration that changes which entries count writes back in their place."""

from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger.books.registry import load_histories
from ledger.bulk import chunks
from ledger.models import Entry, Position
from ledger.rules.eligibility import class_on
from ledger.rules.states import Version, entry_standing, in_force

PositionKey = tuple[str, str, str, str, bool, bool]  # buyer, period, channel, scale, cooperative, local


def recount(session: Session) -> dict[PositionKey, list[int]]:
    """{position: [amount, entries]} from every entry that counts (`ledger.rules.states` applied
    afresh), each supplier classed on the purchase date."""
    entries = session.execute(select(Entry.id, Entry.kind, Entry.state, Entry.source_system, Entry.source_key,
                                     Entry.source_version, Entry.buyer_id, Entry.region, Entry.supplier_id,
                                     Entry.period, Entry.channel, Entry.booked_on, Entry.amount)).all()
    current = _versions_in_force(entries)
    histories = load_histories(session, {e.supplier_id for e in entries})
    expected: dict[PositionKey, list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        if entry_standing(e.kind, e.state, e.id, current.get((e.source_system, e.source_key)))[1] is not None:
            continue  # pending, void or superseded: never in the positions
        cls = class_on(histories.get(e.supplier_id, []), e.booked_on, e.region)
        acc = expected[(e.buyer_id, e.period, e.channel, cls.scale, cls.cooperative, cls.local)]
        acc[0] += e.amount
        acc[1] += 1
    return dict(expected)


def rebuild_positions(session: Session) -> int:
    """Replace every stored position by the recount; returns how many positions there are now."""
    counted = recount(session)
    session.execute(delete(Position))
    rows = [{"buyer_id": b, "period": p, "channel": ch, "scale": scale, "cooperative": coop, "local": local,
             "amount": amount, "entries": n}
            for (b, p, ch, scale, coop, local), (amount, n) in sorted(counted.items()) if amount or n]
    for chunk in chunks(rows, 5000):
        session.execute(Position.__table__.insert(), chunk)
    return len(rows)


def _versions_in_force(entries) -> dict[tuple[str, str], Version]:
    """The version in force of each source record, recounted from every entry (not from the
    positions' own bookkeeping)."""
    versions: dict[tuple[str, str], list[Version]] = defaultdict(list)
    for e in entries:
        if e.kind == "purchase" and e.source_system is not None:
            versions[(e.source_system, e.source_key)].append(Version(e.source_version, e.id, e.state))
    return {source: in_force(found) for source, found in versions.items()}
