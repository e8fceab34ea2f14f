"""The unit of work around a batch: one transaction, retried whole when it cannot commit."""

import logging
import time
from datetime import datetime, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ledger import booking, registry
from ledger.db import lock_registry
from ledger.intake import BatchResult, Intake, Record, unseen

log = logging.getLogger("kuota.ledger")


class Recorder:
    """Books batches of records into the ledger, exactly once in effect."""

    def __init__(self, engine: Engine, epoch: str = "", retry_delay: float = 1.0, max_delay: float = 15.0):
        self.engine, self.epoch = engine, epoch
        self.retry_delay, self.max_delay = retry_delay, max_delay

    def book_purchases(self, records: list[Record]) -> BatchResult:
        return self._run(records, booking.prepare, booking.book, exclusive=False)

    def register_suppliers(self, records: list[Record]) -> BatchResult:
        return self._run(records, registry.prepare, registry.register, exclusive=True)

    def _run(self, records, prepare, step, *, exclusive: bool) -> BatchResult:
        """Retry until committed: a database outage pauses the worker, it never skips a record."""
        now = datetime.now(timezone.utc)
        prepared = prepare(records, now)  # no database needed: outside the transaction, once
        delay, attempt = self.retry_delay, 0
        while True:
            attempt += 1
            try:
                return self._once(prepared, step, exclusive, now)
            except IntegrityError as exc:  # another worker booked the same event_id first
                if attempt >= 10:
                    raise
                log.warning("batch conflicted with a concurrent writer, retrying: %s", exc.orig)
                time.sleep(min(self.retry_delay * attempt, self.max_delay))
            except (OperationalError, DBAPIError) as exc:
                if not _is_transient(exc):
                    raise
                log.error("database unavailable (attempt %d), retrying in %.1fs: %s",
                          attempt, delay, str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
                time.sleep(delay)
                delay = min(delay * 2, self.max_delay)

    def _once(self, prepared, step, exclusive, now) -> BatchResult:
        with Session(self.engine) as session, session.begin():
            lock_registry(session.connection(), exclusive=exclusive)
            fresh, skipped = unseen(session, self.epoch, prepared)
            intake = Intake(self.epoch, now)
            step(session, fresh, intake, now)
            result = intake.write(session)
        result.skipped = skipped
        return result


def _is_transient(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError) or exc.connection_invalidated
