"""What every consumed record leaves behind: a receipt, and for a rejection its full text."""

import base64
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from ledger.bulk import insert_rows
from ledger.models import Receipt, Rejection

APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"


@dataclass(frozen=True, slots=True)
class Record:
    """One record as consumed from Kafka."""

    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None = None


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
        self._receipts: list[dict] = []
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

    def write(self, session: Session) -> BatchResult:
        if self._receipts:
            insert_rows(session.connection(), Receipt.__table__, self._receipts)
        if self._rejections:
            session.connection().execute(insert(Rejection.__table__), self._rejections)
        return self.result

    def _receipt(self, rec: Record, outcome: str, reason: str | None, event_id: str | None) -> None:
        self._receipts.append(
            dict(self._where(rec), outcome=outcome, reason=reason, event_id=event_id, received_at=self.now)
        )

    def _where(self, rec: Record) -> dict:
        return {"epoch": self.epoch, "topic": rec.topic, "partition": rec.partition, "offset": rec.offset}


def unseen(session: Session, epoch: str, items: list) -> tuple[list, int]:
    """Drop items (records, or tuples and objects led by their record) that already have a
    receipt: a redelivery after a crash is not new input."""
    records = [_record_of(item) for item in items]
    by_partition: dict[tuple[str, int], list[int]] = {}
    for rec in records:
        by_partition.setdefault((rec.topic, rec.partition), []).append(rec.offset)
    seen: set[tuple[str, int, int]] = set()
    for (topic, partition), offsets in by_partition.items():
        rows = session.execute(
            select(Receipt.offset).where(
                and_(Receipt.epoch == epoch, Receipt.topic == topic, Receipt.partition == partition,
                     Receipt.offset.between(min(offsets), max(offsets)))
            )
        )
        seen.update((topic, partition, off) for (off,) in rows)
    fresh, batch_seen = [], set()
    for item, rec in zip(items, records):
        where = (rec.topic, rec.partition, rec.offset)
        if where not in seen and where not in batch_seen:
            batch_seen.add(where)
            fresh.append(item)
    return fresh, len(records) - len(fresh)


def _record_of(item) -> Record:
    if isinstance(item, Record):
        return item
    return item[0] if isinstance(item, tuple) else item.rec


def _raw_text(value: bytes | None) -> tuple[str, str]:
    if value is None:
        return "", "utf-8"
    try:
        return value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii"), "base64"
