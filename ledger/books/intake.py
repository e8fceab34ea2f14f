"""What every consumed record leaves behind: a receipt, and for a rejection its full text."""

import base64
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from ledger.bulk import insert_tuples
from ledger.errors import OffsetsReused
from ledger.models import Receipt, Rejection
from ledger.rules.attribution import Seen, conflict, seen
from ledger.rules.fingerprint import fingerprint
from schemas.decode import Invalid

APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"
_RECEIPT_COLUMNS = ("epoch", "topic", "partition", "offset", "outcome", "reason", "event_id")


@dataclass(frozen=True, slots=True)
class Record:
    """One record as consumed from Kafka."""

    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None = None

    def __reduce__(self):  # batches cross to the booking process by the thousand: pickle as a plain tuple
        return (Record, (self.topic, self.partition, self.offset, self.value, self.key))


@dataclass(slots=True)
class BatchResult:
    """What one batch did. `skipped` are records this ledger had already received (redelivery)."""

    applied: int = 0
    duplicate: int = 0
    rejected: Counter = field(default_factory=Counter)
    skipped: int = 0

    @property
    def received(self) -> int:
        return self.applied + self.duplicate + sum(self.rejected.values())


class Intake:
    """Collects the outcome of each record of a batch, then writes them in two statements."""

    def __init__(self, epoch: str, now: datetime):
        self.epoch, self.now = epoch, now
        self.result = BatchResult()
        self._receipts: list[tuple] = []  # in `_RECEIPT_COLUMNS` order; a batch's records by the thousand
        self._rejections: list[dict] = []

    def applied(self, rec: Record, event_id: str) -> None:
        self.result.applied += 1
        self._receipt(rec, APPLIED, None, event_id)

    def duplicate(self, rec: Record, event_id: str) -> None:
        self.result.duplicate += 1
        self._receipt(rec, DUPLICATE, None, event_id)

    def rejected(self, rec: Record, reason: str, errors: tuple[str, ...], event_id: str | None = None) -> None:
        self.result.rejected[str(reason)] += 1
        self._receipt(rec, REJECTED, str(reason), event_id)
        raw, encoding = _raw_text(rec.value)
        self._rejections.append(
            dict(self._where(rec), received_at=self.now, reason=str(reason), event_id=event_id,
                 errors=orjson.dumps(list(errors)).decode(), raw=raw, raw_encoding=encoding)
        )

    def not_new(self, rec: Record, event_id: str, verdict: Seen) -> None:
        """A duplicate, or a conflicting duplicate rejected."""
        if verdict is Seen.DUPLICATE:
            self.duplicate(rec, event_id)
        else:
            refusal = conflict(event_id)
            self.rejected(rec, refusal.reason, (refusal.message,), event_id)

    def write(self, session: Session) -> BatchResult:
        if self._receipts:
            insert_tuples(session.connection(), Receipt.__table__, _RECEIPT_COLUMNS, self._receipts,
                          received_at=self.now)
        if self._rejections:
            session.connection().execute(insert(Rejection.__table__), self._rejections)
        return self.result

    def _receipt(self, rec: Record, outcome: str, reason: str | None, event_id: str | None) -> None:
        self._receipts.append((self.epoch, rec.topic, rec.partition, rec.offset, outcome, reason, event_id))

    def _where(self, rec: Record) -> dict:
        return {"epoch": self.epoch, "topic": rec.topic, "partition": rec.partition, "offset": rec.offset}


def new_events(decoded: list, known: dict[str, str], intake: "Intake"):
    """Yield (record, event, fingerprint) for each event seen for the first time; every other record
    gets its outcome here (`ledger.rules.attribution.seen`). `known` maps event ids already kept to
    their fingerprints; the events yielded are added to it."""
    for rec, ev in decoded:
        if isinstance(ev, Invalid):
            intake.rejected(rec, ev.reason, ev.errors)
            continue
        fp = fingerprint(ev)
        verdict = seen(ev.event_id, fp, known)
        if verdict is not Seen.NEW:
            intake.not_new(rec, ev.event_id, verdict)
            continue
        known[ev.event_id] = fp
        yield rec, ev, fp


def unseen(session: Session, epoch: str, items: list) -> tuple[list, int]:
    """Drop items (records, or tuples and objects led by their record) that already have a
    receipt: a redelivery after a crash is not new input."""
    records = [_record_of(item) for item in items]
    by_partition: dict[tuple[str, int], list[int]] = {}
    for rec in records:
        by_partition.setdefault((rec.topic, rec.partition), []).append(rec.offset)
    seen: dict[tuple[str, int, int], str | None] = {}
    for (topic, partition), offsets in by_partition.items():
        rows = session.execute(
            select(Receipt.offset, Receipt.event_id).where(
                and_(Receipt.epoch == epoch, Receipt.topic == topic, Receipt.partition == partition,
                     Receipt.offset.between(min(offsets), max(offsets)))
            )
        )
        seen.update(((topic, partition, off), event_id) for off, event_id in rows)
    fresh, batch_seen = [], set()
    for item, rec in zip(items, records):
        where = (rec.topic, rec.partition, rec.offset)
        if where in seen:
            _same_record(where, seen[where], _event_id_of(item), epoch)
        elif where not in batch_seen:
            batch_seen.add(where)
            fresh.append(item)
    return fresh, len(records) - len(fresh)


def _same_record(where: tuple, received: str | None, offered: str | None, epoch: str) -> None:
    # A redelivery carries the event the receipt names. Another event at the same place means the
    # offsets started again (a broker that lost its topics): skipping it would drop it unbooked.
    if received is not None and offered is not None and received != offered:
        raise OffsetsReused(f"{where[0]}[{where[1]}]@{where[2]} under epoch {epoch!r} was {received}, now {offered}: "
                            f"the broker's offsets started again; restart the worker to take its new identity")


def _event_id_of(item) -> str | None:
    event = getattr(item, "event", None) if not isinstance(item, tuple) else item[1]
    return getattr(event, "event_id", None)


def _record_of(item) -> Record:
    if isinstance(item, Record):
        return item
    return item[0] if isinstance(item, tuple) else item.rec


def _raw_text(value: bytes | None) -> tuple[str, str]:
    if value is None:
        return "", "utf-8"
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:  # PostgreSQL text cannot hold NUL: keep such bytes as base64
        return base64.b64encode(value).decode("ascii"), "base64"
    return text, "utf-8"
