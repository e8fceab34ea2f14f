"""The intake journal: an event kuota accepted is committed here before it is acknowledged, and
the relay sends it to its topic until the ledger holds a receipt for it. A broker that loses its
topics (the embedded one keeps them in memory) loses nothing the journal holds: what was sent
under another broker epoch and never booked is sent again, and booking is idempotent by event id.

The caller commits; only after the commit may it acknowledge."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.books.intake import APPLIED, DUPLICATE, REJECTED
from ledger.models import Receipt
from ledger.models.access import JournalEntry
from ledger.rules.attribution import described_later
from schemas.decode import decode
from schemas.events import PurchaseRecorded
from schemas.topics import PURCHASES

ACCEPTED, DUPLICATE_ITEM, CONFLICT = "accepted", "duplicate", "conflict"
# A purchase journaled before its source carried a supplier name or a package, now with them
# (`ledger.rules.attribution.described_later`): not journaled again; a sender that sends what it
# journals sends it, and the ledger keeps what it describes.
DESCRIBED = "described"
CLI_SOURCES = ("emit", "import")  # senders that send what they journal themselves
_CHUNK = 500  # event ids per IN (...): under SQLite's and PostgreSQL's parameter limits
_ATTEMPTS = 5  # a concurrent sender journaling the same event id: look again, then decide


@dataclass(frozen=True)
class Item:
    event_id: str
    fingerprint: str  # `ledger.rules.fingerprint.fingerprint` of the decoded event
    topic: str  # the contract's topic name, without a deployment prefix
    key: str | None
    value: bytes  # the event's JSON as accepted


@dataclass(frozen=True)
class Unsent:
    id: int
    topic: str
    key: str | None
    value: bytes


@dataclass(frozen=True)
class JournalCounts:
    journaled: int
    booked: int  # a receipt applied or duplicate
    rejected: int  # a receipt rejected
    in_flight: int  # no receipt yet

    @property
    def consistent(self) -> bool:
        return self.journaled == self.booked + self.rejected + self.in_flight


def take(session: Session, items: list[Item], *, source: str, principal: str | None, now: datetime) -> list[str]:
    """One outcome per item, in order: `accepted` (journaled now), `duplicate` (journaled before,
    or earlier in `items`, with the same fingerprint), `described` (a purchase journaled before
    without the descriptions it now carries, `DESCRIBED`) or `conflict` (journaled with another
    fingerprint). Nothing is committed here."""
    for _ in range(_ATTEMPTS):
        known = _fingerprints(session, {i.event_id for i in items})
        outcomes, new = _decide(items, known)
        if not new:
            return outcomes
        try:
            with session.begin_nested():  # a concurrent sender's row: undo ours, look again
                if new:  # one executemany: no ORM object per record (4x cheaper per record on SQLite)
                    session.execute(insert(JournalEntry.__table__), [
                        dict(event_id=i.event_id, fingerprint=i.fingerprint, topic=i.topic, key=i.key,
                             value=i.value.decode(), source=source, principal=principal, accepted_at=now)
                        for i in new])
            return outcomes
        except IntegrityError:
            continue
    raise IntegrityError("journal insert", None, Exception("event ids kept being journaled concurrently"))


def _fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    ids, found = sorted(event_ids), {}
    for start in range(0, len(ids), _CHUNK):
        found.update(session.execute(select(JournalEntry.event_id, JournalEntry.fingerprint)
                                     .where(JournalEntry.event_id.in_(ids[start:start + _CHUNK]))).all())
    return found


def _decide(items: list[Item], known: dict[str, str]) -> tuple[list[str], list[Item]]:
    seen, outcomes, new = dict(known), [], []
    for item in items:
        held = seen.get(item.event_id)
        if held is None:
            seen[item.event_id] = item.fingerprint
            new.append(item)
            outcomes.append(ACCEPTED)
        else:
            outcomes.append(DUPLICATE_ITEM if held == item.fingerprint else
                            DESCRIBED if _described(item, held) else CONFLICT)
    return outcomes, new


def _described(item: Item, held: str) -> bool:
    """Read only on a conflict, which is rare: the hot path never decodes here."""
    if item.topic != PURCHASES:
        return False
    event = decode("purchases", item.value)
    return isinstance(event, PurchaseRecorded) and described_later(event, held)


def _booked():
    return exists().where(Receipt.event_id == JournalEntry.event_id)


def unsent(session: Session, epoch: str, limit: int = 5000, *, settled_before: datetime | None = None) -> list[Unsent]:
    """Journaled events with no receipt that were never sent, or were sent under another broker
    epoch (that broker's topics are gone), oldest first. With `settled_before`, events a command
    line sender (`emit`, `import`) journaled after it and never sent are left to that sender,
    which sends them itself right after its commit."""
    fresh = and_(JournalEntry.source.in_(CLI_SOURCES), JournalEntry.sent_epoch.is_(None),
                 JournalEntry.accepted_at >= settled_before) if settled_before is not None else false()
    rows = session.execute(
        select(JournalEntry.id, JournalEntry.topic, JournalEntry.key, JournalEntry.value)
        .where(or_(JournalEntry.sent_epoch.is_(None), JournalEntry.sent_epoch != epoch), ~_booked(), ~fresh)
        .order_by(JournalEntry.id).limit(limit))
    return [Unsent(i, topic, key, value.encode()) for i, topic, key, value in rows]


def settle(session: Session, epoch: str) -> int:
    """Booked events sent under an earlier broker epoch are done: mark them with `epoch`, so the
    relay's look for what to send again reads only what is not booked, however long the journal."""
    return session.execute(update(JournalEntry).where(
        JournalEntry.sent_epoch.is_not(None), JournalEntry.sent_epoch != epoch, _booked())
        .values(sent_epoch=epoch)).rowcount


def mark_sent(session: Session, ids: list[int], epoch: str, now: datetime) -> None:
    """Record that the broker of `epoch` acknowledged the events of `ids`."""
    for start in range(0, len(ids), _CHUNK):
        session.execute(update(JournalEntry).where(JournalEntry.id.in_(ids[start:start + _CHUNK]))
                        .values(sent_at=now, sent_epoch=epoch))


def mark_sent_events(session: Session, event_ids: list[str], epoch: str, now: datetime) -> None:
    """`mark_sent` for a sender that knows its events by id."""
    for start in range(0, len(event_ids), _CHUNK):
        session.execute(update(JournalEntry).where(JournalEntry.event_id.in_(event_ids[start:start + _CHUNK]))
                        .values(sent_at=now, sent_epoch=epoch))


def journal_counts(session: Session) -> JournalCounts:
    """Journaled events by what the ledger made of them: booked (a receipt applied or duplicate),
    rejected (only rejected receipts), in flight (no receipt yet)."""
    booked = exists().where(Receipt.event_id == JournalEntry.event_id, Receipt.outcome.in_((APPLIED, DUPLICATE)))
    rejected = exists().where(Receipt.event_id == JournalEntry.event_id, Receipt.outcome == REJECTED)

    def count(*where) -> int:
        return session.scalar(select(func.count()).select_from(JournalEntry).where(*where)) or 0

    return JournalCounts(count(), count(booked), count(~booked, rejected), count(~_booked()))
