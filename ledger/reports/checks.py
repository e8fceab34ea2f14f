"""Read-only counts and listings that the operator tools (demo, bench, chaos) and the API's
`/metrics` check the ledger with: receipts by topic, outcome and epoch, entries and their amounts,
rejections by reason and place, the latest booking and evaluation, alerts raised, the outboxes'
backlog. Nothing here is a report for officers; these queries exist so that code outside the
ledger never needs its table models.
"""

from collections import Counter
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import session_for
from ledger.models import Alert, Entry, Evaluation, Position, Receipt, Rejection


def reading(url: str) -> AbstractContextManager[Session]:
    """A session for one look at the ledger, with no connection kept after it (the database may be
    stopped on purpose between looks)."""
    return session_for(url, migrate_first=False)


def receipts_total(session: Session) -> int:
    """How many records the ledger has received, whatever their outcome."""
    return session.scalar(select(func.count()).select_from(Receipt)) or 0


def receipts_by_outcome(session: Session) -> Counter:
    """Received records per outcome: applied, duplicate, rejected."""
    return Counter(dict(session.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all()))


def receipts_by_topic(session: Session) -> dict[str, int]:
    """Received records per source topic."""
    return dict(session.execute(select(Receipt.topic, func.count()).group_by(Receipt.topic)).all())


def receipts_on_topic(session: Session, topic: str) -> int:
    """Received records from one topic."""
    return session.scalar(select(func.count()).select_from(Receipt).where(Receipt.topic == topic)) or 0


def receipts_in_epoch(session: Session, epoch: str) -> int:
    """Received records whose offsets belong to the broker cluster `epoch`."""
    return session.scalar(select(func.count()).select_from(Receipt).where(Receipt.epoch == epoch)) or 0


def partitions_received(session: Session, topic: str) -> int:
    """How many partitions of `topic` have at least one received record."""
    return session.scalar(select(func.count(func.distinct(Receipt.partition))).where(Receipt.topic == topic)) or 0


def rejected_reasons(session: Session) -> list[tuple[str, int]]:
    """(reason code, received records rejected for it), by reason code."""
    return [tuple(row) for row in session.execute(select(Receipt.reason, func.count())
                                                  .where(Receipt.reason.is_not(None))
                                                  .group_by(Receipt.reason).order_by(Receipt.reason))]


def rejections_by_place(session: Session) -> dict[tuple[str, int, int], str]:
    """The reason of each kept rejection, by where its record was read: (topic, partition, offset)."""
    return {(r.topic, r.partition, r.offset): r.reason
            for r in session.execute(select(Rejection.topic, Rejection.partition, Rejection.offset, Rejection.reason))}


def entry_totals(session: Session) -> tuple[int, int]:
    """(number of entries, sum of their amounts in rupiah)."""
    count = session.scalar(select(func.count()).select_from(Entry)) or 0
    amount = session.scalar(select(func.coalesce(func.sum(Entry.amount), 0))) or 0
    return count, int(amount)


def entry_event_ids(session: Session) -> set[str]:
    """The event id of every entry."""
    return set(session.scalars(select(Entry.event_id)))


def entry_rows(session: Session) -> dict[str, tuple]:
    """Each entry's booked facts by event id: (amount, buyer_id, period, booked_on, supplier_id,
    recorded_at), to tell whether anything booked earlier was changed later."""
    return {r.event_id: (r.amount, r.buyer_id, r.period, r.booked_on, r.supplier_id, r.recorded_at)
            for r in session.execute(select(Entry.event_id, Entry.amount, Entry.buyer_id, Entry.period,
                                            Entry.booked_on, Entry.supplier_id, Entry.recorded_at))}


def last_received_at(session: Session) -> datetime | None:
    """When the latest record was received; None for an empty ledger."""
    return session.scalar(select(func.max(Receipt.received_at)))


def alerts_raised(session: Session) -> list[tuple[str, str, int]]:
    """(program_id, status, alerts raised) by program and status."""
    return [tuple(row) for row in session.execute(select(Alert.program_id, Alert.status, func.count())
                                                  .group_by(Alert.program_id, Alert.status)
                                                  .order_by(Alert.program_id, Alert.status))]


def outbox_backlog(session: Session) -> dict[str, int]:
    """Rows kept in the ledger and not yet published, per outbox: rejections and alerts."""
    return {"rejections": session.scalar(select(func.count()).select_from(Rejection)
                                         .where(Rejection.published_at.is_(None))) or 0,
            "alerts": session.scalar(select(func.count()).select_from(Alert).where(Alert.published_at.is_(None))) or 0}


def positions_by_class(session: Session) -> dict[tuple[str, str, str], int]:
    """Net spend per buyer, month and supplier scale, from the positions (what a benchmark checks
    another consumer's totals against)."""
    rows = session.execute(select(Position.buyer_id, Position.period, Position.scale, func.sum(Position.amount))
                           .group_by(Position.buyer_id, Position.period, Position.scale))
    return {(buyer, period, scale): int(amount) for buyer, period, scale, amount in rows if amount}


def recorded_at_by_event(session: Session, event_id_prefix: str) -> dict[str, datetime]:
    """When the ledger learned each entry whose event id starts with the prefix."""
    return dict(session.execute(select(Entry.event_id, Entry.recorded_at)
                                .where(Entry.event_id.like(f"{event_id_prefix}%"))).all())


def alert_moments(session: Session, program_id: str, buyer_prefix: str) -> dict[str, tuple]:
    """(detected_at, published_at) of each alert of a program about buyers whose id starts with the prefix."""
    return {alert_id: (detected, published) for alert_id, detected, published in session.execute(
        select(Alert.alert_id, Alert.detected_at, Alert.published_at)
        .where(Alert.program_id == program_id, Alert.buyer_id.like(f"{buyer_prefix}%")))}


def evaluated_since_last_receipt(session: Session) -> bool:
    """Whether the last evaluation of the programs began after the last record was received."""
    evaluated = session.scalar(select(func.max(Evaluation.evaluated_at)))
    return evaluated is not None and evaluated >= session.scalar(select(func.max(Receipt.received_at)))
