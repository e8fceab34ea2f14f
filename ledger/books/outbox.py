"""Outbox rows: rejections and alerts kept in the ledger wait here until the worker has sent
them (at least once, deduplicable by their ids); webhook deliveries of alerts are claimed and
recorded attempt by attempt. Each function is its own short transaction."""

from datetime import datetime, timedelta, timezone

import orjson
from sqlalchemy import Engine, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.models import Alert, Delivery, RegistryAlert, Rejection
from schemas.outputs import ComplianceAlert, EventRejected

MAX_MESSAGE_BYTES = 1_000_000  # under the worker producer's request limit, with room for the batch
MAX_ATTEMPTS = 8
FIRST_DELAY, MAX_DELAY = 2.0, 300.0

Message = tuple[int, bytes, bytes]  # (row id, key, value)


def pending_rejections(engine: Engine, limit: int = 5000) -> list[Message]:
    """Unpublished rejections as (id, key, value), key the source topic."""
    with Session(engine) as session:
        rows = session.scalars(
            select(Rejection).where(Rejection.published_at.is_(None)).order_by(Rejection.id).limit(limit)
        ).all()
        return [(r.id, r.topic.encode(), rejection_message(r)) for r in rows]


def mark_rejections_published(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(Rejection).where(Rejection.id.in_(ids)).values(published_at=datetime.now(timezone.utc))
        )


def rejection_message(r: Rejection) -> bytes:
    """The `kuota.rejected.v1` message of a rejection, cut to fit under the producer's limit."""
    raw, errors = r.raw, tuple(orjson.loads(r.errors))
    while True:
        event = EventRejected(
            rejection_id=f"{r.epoch}:{r.topic}:{r.partition}:{r.offset}", source_topic=r.topic,
            partition=r.partition, offset=r.offset, received_at=r.received_at, reason=r.reason,
            errors=errors, raw=raw, raw_encoding=r.raw_encoding, event_id=r.event_id,
        )
        message = event.model_dump_json().encode()
        if len(message) <= MAX_MESSAGE_BYTES:
            return message
        # A message the producer refuses would block every rejection behind it; the full text
        # stays in the ledger's rejections table.
        raw = raw[: len(raw) // 8 * 4]  # halved, and whole base64 quanta
        errors = tuple(orjson.loads(r.errors)) + (
            f"raw cut to its first {len(raw)} characters of {len(r.raw)}; the whole record is kept in the ledger",)


def alert_message(a: Alert) -> ComplianceAlert:
    """An alert row as the contract's message."""
    share = None if a.share_bp is None else f"{a.share_bp // 100}.{a.share_bp % 100:02d}"
    return ComplianceAlert(alert_id=a.alert_id, program=a.program_id, buyer_id=a.buyer_id, period=a.period,
                           status=a.status, previous_status=a.previous, actual=a.actual, required=a.required,
                           shortfall=a.shortfall, share=share, share_bp=a.share_bp, grade=a.grade, late=a.late,
                           as_of=a.as_of, detected_at=a.detected_at, measure=a.measure, declared=a.declared,
                           verified=a.verified)


def pending_alerts(engine: Engine, limit: int = 2000) -> list[Message]:
    """Unpublished alerts as (id, key, value), key the buyer id."""
    with Session(engine) as session:
        rows = session.scalars(select(Alert).where(Alert.published_at.is_(None)).order_by(Alert.id).limit(limit))
        return [(a.id, a.buyer_id.encode(), alert_message(a).model_dump_json().encode()) for a in rows]


def mark_alerts_published(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Alert).where(Alert.id.in_(ids)).values(published_at=datetime.now(timezone.utc)))


def pending_registry_alerts(engine: Engine, limit: int = 2000) -> list[Message]:
    """Unpublished registry alerts as (id, key, value): key the buyer id, or the supplier id of
    an expiring registration; the value is the contract's message as kept."""
    with Session(engine) as session:
        rows = session.scalars(select(RegistryAlert).where(RegistryAlert.published_at.is_(None))
                               .order_by(RegistryAlert.id).limit(limit))
        return [(a.id, (a.buyer_id or a.supplier_id).encode(), a.detail.encode()) for a in rows]


def mark_registry_alerts_published(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(RegistryAlert).where(RegistryAlert.id.in_(ids))
                        .values(published_at=datetime.now(timezone.utc)))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt n+1 after n failed ones: 2 s, 4 s, 8 s ... at most 5 minutes."""
    return timedelta(seconds=min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))


def due_deliveries(engine: Engine, urls: list[str], now: datetime, limit: int = 200) -> list[tuple[str, str, int, bytes]]:
    """(alert_id, url, attempt number, body) of webhook deliveries due now, each one claimed by
    this caller: an attempt is claimed by inserting its row first, so two workers never post it."""
    claimed = []
    with Session(engine) as session:
        tried = {(a, u): (n, ok, last) for a, u, n, ok, last in session.execute(
            select(Delivery.alert_id, Delivery.url, func.count(), func.max(case((Delivery.ok, 1), else_=0)),
                   func.max(Delivery.attempted_at))
            .where(Delivery.url.in_(urls)).group_by(Delivery.alert_id, Delivery.url))}
        alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    for a in alerts:
        for url in urls:
            n, ok, last = tried.get((a.alert_id, url), (0, False, None))
            if ok or n >= MAX_ATTEMPTS or (last is not None and now < last + backoff(n)):
                continue
            if _claim(engine, a.alert_id, url, n + 1, now):
                claimed.append((a.alert_id, url, n + 1, alert_message(a).model_dump_json().encode()))
            if len(claimed) >= limit:
                return claimed
    return claimed


def _claim(engine: Engine, alert_id: str, url: str, attempt: int, now: datetime) -> bool:
    try:
        with Session(engine) as session, session.begin():
            session.add(Delivery(alert_id=alert_id, url=url, attempt=attempt, attempted_at=now, ok=False,
                                 error="in flight"))
        return True
    except IntegrityError:  # another worker claimed this attempt
        return False


def record_delivery(engine: Engine, alert_id: str, url: str, attempt: int, status: int | None,
                    error: str | None) -> None:
    """The outcome of one claimed attempt: a 2xx answer is delivered, anything else is retried."""
    ok = status is not None and 200 <= status < 300
    with Session(engine) as session, session.begin():
        session.execute(update(Delivery).where(Delivery.alert_id == alert_id, Delivery.url == url,
                                               Delivery.attempt == attempt)
                        .values(ok=ok, status_code=status, error=None if ok else (error or f"HTTP {status}")[:500],
                                attempted_at=datetime.now(timezone.utc)))
