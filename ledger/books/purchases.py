"""Booking purchases and reversals: idempotent by event_id, reversals never past what remains,
positions moved only by what counts (a completed purchase in force and its reversals).

The decisions are the rules' (`ledger.rules.attribution`); this module reads what they need
from the ledger, applies them record by record in arrival order, and writes entries, buyers and
position deltas in the batch's transaction.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.books import directory
from ledger.books.descriptions import Descriptions
from ledger.books.intake import Intake, Record
from ledger.books.positions import Deltas
from ledger.books.registry import HistoryCache, load_histories
from ledger.books.versions import Group, load_groups, lock_sources, spot_of
from ledger.bulk import chunks, insert_tuples, sqlite_text, values_of
from ledger.models import BuyerRow, Entry
from ledger.rules.attribution import (ENTRY_COLUMNS, Original, Refusal, Seen, buyer_row, described_later,
                                      foreign_source, original_of, original_of_entry, purchase_entry, reversal_row,
                                      reversible, seen)
from ledger.rules.eligibility import class_on
from ledger.rules.states import Version, counts, takeover
from ledger.rules.fingerprint import fingerprint
from schemas.decode import Invalid, decode
from schemas.events import PurchaseRecorded, PurchaseReversed
from schemas.plain import PlainPurchase, plain_purchase

#: A purchase as decoded: by the pydantic models, or on the hot path's plainest shape (`schemas.plain`).
PURCHASE = (PurchaseRecorded, PlainPurchase)


@dataclass(slots=True)
class Prepared:
    """A record decoded, fingerprinted and (for a purchase) turned into its entry row, down to
    the values the driver takes: the work that needs no database, done before the transaction so
    the write lock is held briefly."""

    rec: Record
    event: PurchaseRecorded | PlainPurchase | PurchaseReversed | Invalid
    fingerprint: str = ""
    values: tuple | None = None  # a purchase's entry in `ENTRY_COLUMNS` order, for the driver
    original: Original | None = None  # a purchase's entry as later records of the batch see it
    buyer: dict | None = None  # a purchase's buyer row


def prepare(records: list[Record], now: datetime, *, sqlite: bool) -> list[Prepared]:
    """`sqlite`: whether the ledger is SQLite, whose driver takes dates and moments as text."""
    prepared = []
    for rec in records:
        ev = plain_purchase(rec.value) or decode("purchases", rec.value)
        if isinstance(ev, Invalid):
            prepared.append(Prepared(rec, ev))
            continue
        fp = fingerprint(ev)
        if isinstance(ev, PURCHASE):
            entry = purchase_entry(ev, fp, now)
            prepared.append(Prepared(rec, ev, fp, _for_sqlite(entry) if sqlite else entry, original_of_entry(entry),
                                     buyer_row(ev)))
        else:
            prepared.append(Prepared(rec, ev, fp))
    return prepared


_AT = ENTRY_COLUMNS.index("occurred_at")
assert ENTRY_COLUMNS[_AT + 1] == "booked_on"


def _for_sqlite(entry: tuple) -> tuple:
    """An entry with its moment and day as the text SQLite's column types hold."""
    return (*entry[:_AT], sqlite_text(entry[_AT]), entry[_AT + 1].isoformat(), *entry[_AT + 2:])


def book(session: Session, prepared: list[Prepared], intake: Intake, now: datetime,
         histories: HistoryCache | None = None) -> None:
    """Book a batch of `kuota.purchases.v1` records; every record gets exactly one outcome.
    Positions change only for what counts (`ledger.rules.states`): a completed purchase in force,
    and the reversals of such a purchase; a new version moves its purchase's part in the same
    transaction."""
    _book_under_named_buyers(session, prepared)
    events = [p.event for p in prepared if not isinstance(p.event, Invalid)]
    targets = {ev.reverses for ev in events if isinstance(ev, PurchaseReversed)}
    known = _load_entries(session, {ev.event_id for ev in events} | targets)
    # Only purchases with a source (and reversals of such purchases) need their versions read.
    sources = {(ev.source.system, ev.source.key) for ev in events if isinstance(ev, PURCHASE) and ev.source}
    sources |= {known[t].source for t in targets if t in known and known[t].source}
    lock_sources(session, sources)
    groups = load_groups(session, sources) if sources else {}
    suppliers = {ev.supplier_id for ev in events if isinstance(ev, PURCHASE)}
    suppliers |= {o.supplier_id for o in known.values()}
    for g in groups.values():
        suppliers |= {g.entry.supplier_id} if g.entry else set()
        suppliers |= {spot.supplier_id for spot in g.reversals}
    history = histories.load(session, suppliers) if histories is not None else load_histories(session, suppliers)
    sqlite = session.get_bind().dialect.name == "sqlite"
    batch = _Batch(known, _reversed_amounts(session, targets), groups, history, now, sqlite)

    for p in prepared:
        rec, ev, fp = p.rec, p.event, p.fingerprint
        if isinstance(ev, Invalid):
            intake.rejected(rec, ev.reason, ev.errors)
            continue
        verdict = seen(ev.event_id, fp, batch.fingerprints)
        if verdict is Seen.CONFLICTING and isinstance(ev, PURCHASE) \
                and described_later(ev, batch.fingerprints[ev.event_id]):
            verdict = Seen.DUPLICATE  # booked before its source carried a supplier name or a package
            batch.described.later(ev)
        if verdict is not Seen.NEW:
            intake.not_new(rec, ev.event_id, verdict)
            continue
        outcome = batch.purchase(p) if isinstance(ev, PURCHASE) else batch.reversal(ev, fp)
        if isinstance(outcome, Refusal):
            intake.rejected(rec, outcome.reason, (outcome.message,), ev.event_id)
        else:
            intake.applied(rec, ev.event_id)

    if batch.values:
        insert_tuples(session.connection(), Entry.__table__, ENTRY_COLUMNS, batch.values, recorded_at=now)
        _upsert_buyers(session, list(batch.buyers.values()))
        batch.deltas.apply(session)
    batch.described.write(session, now)


_BUYER = ENTRY_COLUMNS.index("buyer_id")


def _book_under_named_buyers(session: Session, prepared: list[Prepared]) -> None:
    """A purchase sent under an id the directory names as another buyer's alias is booked under
    that buyer (`ledger.books.directory`)."""
    aliases = directory.named(session, {p.buyer["id"] for p in prepared if p.buyer is not None})
    for p in prepared:
        if p.buyer is not None and (buyer := aliases.get(p.buyer["id"])) is not None:
            p.values = (*p.values[:_BUYER], buyer, *p.values[_BUYER + 1:])
            p.original = replace(p.original, buyer_id=buyer)
            p.buyer = p.buyer | {"id": buyer}


class _Batch:
    """What one batch has booked so far, so later records of the batch are judged against it."""

    def __init__(self, known: dict[str, Original], reversed_so_far: defaultdict[str, int],
                 groups: dict[tuple[str, str], Group], histories, now: datetime, sqlite: bool):
        self.known, self.reversed_so_far, self.groups, self.histories, self.now, self.sqlite = (
            known, reversed_so_far, groups, histories, now, sqlite)
        self.fingerprints = {eid: o.fingerprint for eid, o in known.items()}
        self.values: list[tuple] = []  # the entries to insert, in `ENTRY_COLUMNS` order
        self.buyers: dict[str, dict] = {}
        self.deltas = Deltas()
        self.described = Descriptions()
        self._arrivals = itertools.count(2**62)  # after every stored entry: a tie goes to the later arrival

    def purchase(self, p: Prepared) -> Refusal | None:
        ev = p.event
        if ev.source is not None:
            owner = self.groups[p.original.source].entry
            if owner is not None and owner.buyer_id != p.buyer["id"]:
                return foreign_source(p.original.source, owner.buyer_id, p.buyer["id"])
        booked = self._keep(ev.event_id, p.fingerprint, p.values, p.original)
        if ev.supplier_name is not None:
            self.described.named(ev)
        self.buyers[p.buyer["id"]] = p.buyer
        if ev.source is None:
            if counts(ev.state):
                self._move(booked, ev.amount, 1)
            return
        group = self.groups[booked.source]
        version = Version(ev.source.version, next(self._arrivals), ev.state)
        move = takeover(group.current, version)
        if move is None:
            return  # a lower version arriving late: booked, never counts
        if move.remove_old:
            self._move(group.entry, -group.entry.amount, -1)
        if move.add_new:
            self._move(booked, ev.amount, 1)
        if move.moves_reversals:
            sign = 1 if move.add_new else -1
            for spot, (amount, n) in group.reversals.items():
                self._move(spot, sign * amount, sign * n)
        group.current, group.entry = version, booked

    def reversal(self, ev: PurchaseReversed, fp: str) -> Refusal | None:
        original = self.known.get(ev.reverses)
        group = self.groups.get(original.source) if original is not None and original.source else None
        if group is not None:  # what remains is of the version in force, less every reversal of the purchase
            amount = reversible(ev.reverses, ev.amount, original, group.reversed, group.entry.amount)
        else:
            amount = reversible(ev.reverses, ev.amount, original, self.reversed_so_far[ev.reverses])
        if isinstance(amount, Refusal):
            return amount
        row = reversal_row(ev, fp, self.now, original, amount)
        booked = self._keep(ev.event_id, fp, values_of(row, ENTRY_COLUMNS, self.sqlite), original_of(row))
        if group is not None:
            group.reversal(spot_of(booked), amount)
            live = counts(group.current.state)
        else:
            self.reversed_so_far[ev.reverses] += amount
            live = counts(original.state)
        if live:
            self._move(booked, -amount, 1)
        return None

    def _keep(self, event_id: str, fp: str, values: tuple, booked: Original) -> Original:
        self.known[event_id], self.fingerprints[event_id] = booked, fp
        self.values.append(values)
        return booked

    def _move(self, at, amount: int, entries: int) -> None:
        cls = class_on(self.histories.get(at.supplier_id, []), at.booked_on, at.region)
        self.deltas.add(at.buyer_id, at.period, at.channel, cls, amount, entries)


def _load_entries(session: Session, event_ids: set[str]) -> dict[str, Original]:
    found = {}
    cols = (Entry.event_id, Entry.kind, Entry.fingerprint, Entry.buyer_id, Entry.region, Entry.supplier_id,
            Entry.channel, Entry.amount, Entry.booked_on, Entry.period, Entry.state, Entry.source_system,
            Entry.source_key, Entry.source_version)
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
