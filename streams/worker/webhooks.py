"""Alerts leave the ledger two ways: the `kuota.alerts.v1` topic (outbox) and webhooks.

Webhook delivery is at least once per URL, retried with exponential backoff; every attempt is
recorded in `alert_deliveries`. An attempt is claimed by inserting its row first, so two workers
never post the same attempt; a receiver drops a repeat by `alert_id`.
"""

import logging
from datetime import datetime, timedelta, timezone

import aiohttp
from sqlalchemy import Engine, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.models import Alert, Delivery
from schemas.outputs import ComplianceAlert

log = logging.getLogger("kuota.alerts")
MAX_ATTEMPTS = 8
FIRST_DELAY, MAX_DELAY = 2.0, 300.0


def message(a: Alert) -> ComplianceAlert:
    share = None if a.share_bp is None else f"{a.share_bp // 100}.{a.share_bp % 100:02d}"
    return ComplianceAlert(alert_id=a.alert_id, program=a.program_id, buyer_id=a.buyer_id, period=a.period,
                           status=a.status, previous_status=a.previous, actual=a.actual, required=a.required,
                           shortfall=a.shortfall, share=share, share_bp=a.share_bp, grade=a.grade, late=a.late,
                           as_of=a.as_of, detected_at=a.detected_at)


def pending(engine: Engine, limit: int = 2000) -> list[tuple[int, bytes, bytes]]:
    """Unpublished alerts as (id, key, value), key the buyer id."""
    with Session(engine) as session:
        rows = session.scalars(select(Alert).where(Alert.published_at.is_(None)).order_by(Alert.id).limit(limit))
        return [(a.id, a.buyer_id.encode(), message(a).model_dump_json().encode()) for a in rows]


def mark_published(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Alert).where(Alert.id.in_(ids)).values(published_at=datetime.now(timezone.utc)))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt n+1 after n failed ones: 2 s, 4 s, 8 s ... at most 5 minutes."""
    return timedelta(seconds=min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))


def due(engine: Engine, urls: list[str], now: datetime, limit: int = 200) -> list[tuple[str, str, int, bytes]]:
    """(alert_id, url, attempt number, body) of deliveries due now; each one claimed by this caller."""
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
                claimed.append((a.alert_id, url, n + 1, message(a).model_dump_json().encode()))
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


def record(engine: Engine, alert_id: str, url: str, attempt: int, status: int | None, error: str | None) -> None:
    ok = status is not None and 200 <= status < 300
    with Session(engine) as session, session.begin():
        session.execute(update(Delivery).where(Delivery.alert_id == alert_id, Delivery.url == url,
                                               Delivery.attempt == attempt)
                        .values(ok=ok, status_code=status, error=None if ok else (error or f"HTTP {status}")[:500],
                                attempted_at=datetime.now(timezone.utc)))


async def deliver(engine: Engine, urls: list[str], run_blocking, timeout: float = 10.0) -> int:
    """Post every due alert to every URL once; the number delivered."""
    if not urls:
        return 0
    batch = await run_blocking(due, engine, urls, datetime.now(timezone.utc))
    delivered = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        for alert_id, url, attempt, body in batch:
            status, error = None, None
            try:
                async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                    status = resp.status
            except Exception as exc:  # every failure is recorded and retried later
                error = f"{type(exc).__name__}: {exc}"
            await run_blocking(record, engine, alert_id, url, attempt, status, error)
            if status is not None and 200 <= status < 300:
                delivered += 1
            else:
                log.warning("alert %s to %s: attempt %d failed (%s)", alert_id, url, attempt, error or status)
    return delivered
