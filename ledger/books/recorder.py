"""The unit of work around a batch: one transaction, retried whole when it cannot commit."""

import logging
import time
from datetime import datetime, timezone
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ledger.books import purchases as booking
from ledger.books import registry
from ledger.books import targets
from ledger.db import lock_registry
from ledger.books.evaluation import evaluate_all
from ledger.books.intake import BatchResult, Intake, Record, unseen

log = logging.getLogger("kuota.ledger")


class Recorder:
    """Books batches of records into the ledger, exactly once in effect."""

    def __init__(self, engine: Engine, epoch: str = "", retry_delay: float = 1.0, max_delay: float = 15.0,
                 expiring_days: int = 30):
        self.engine, self.epoch, self.expiring_days = engine, epoch, expiring_days
        self.retry_delay, self.max_delay = retry_delay, max_delay
        self.histories = registry.HistoryCache()
        self.statistics = Statistics(engine)

    def book_purchases(self, records: list[Record]) -> BatchResult:
        prepare = partial(booking.prepare, sqlite=self.engine.dialect.name == "sqlite")
        result = self._run(records, prepare, partial(booking.book, histories=self.histories), exclusive=False)
        self.statistics.grew(result.received)
        return result

    def register_suppliers(self, records: list[Record]) -> BatchResult:
        return self._run(records, registry.prepare, registry.register, exclusive=True)

    def register_targets(self, records: list[Record]) -> BatchResult:
        # Exclusive: a buyer's description may move what purchases booked under its aliases.
        return self._run(records, targets.prepare, targets.register, exclusive=True)

    def evaluate(self, now: datetime | None = None) -> list[dict]:
        """Evaluate every program in force; the alerts raised are committed with the standings."""
        now = now or datetime.now(timezone.utc)

        def once() -> list[dict]:
            with Session(self.engine) as session, session.begin():
                return evaluate_all(session, now, self.expiring_days)
        return self._retrying(once, "the evaluation")

    def _run(self, records, prepare, step, *, exclusive: bool) -> BatchResult:
        now = datetime.now(timezone.utc)
        prepared = prepare(records, now)  # no database needed: outside the transaction, once
        return self._retrying(lambda: self._once(prepared, step, exclusive, now),
                              f"the batch of {len(records)} records")

    def _retrying(self, once, what: str):
        """Retry until committed: a database outage pauses the worker, it never skips a record."""
        delay, attempt, outage_since = self.retry_delay, 0, None
        while True:
            attempt += 1
            try:
                result = once()
                if outage_since is not None:
                    log.warning("database available again after %.1fs and %d attempts; %s is committed, "
                                "none skipped", time.monotonic() - outage_since, attempt, what)
                return result
            except IntegrityError as exc:  # another worker booked the same event_id first
                if attempt >= 10:
                    raise
                log.warning("batch conflicted with a concurrent writer, retrying: %s", exc.orig)
                time.sleep(min(self.retry_delay * attempt, self.max_delay))
            except (OperationalError, DBAPIError) as exc:
                if not _is_transient(exc):
                    raise
                outage_since = outage_since or time.monotonic()
                self.engine.dispose()  # pooled connections died with the server; never hand them out again
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


class Statistics:
    """Fresh planner statistics for a young PostgreSQL ledger. A batch looks up its event ids with
    `IN` lists; on a table never analysed the planner takes such a list to match most rows and
    scans the whole table, every batch, until autovacuum's next round (up to a minute, in which
    a worker books a million records). So the recorder analyses the tables it fills whenever
    what it has booked doubles: a handful of times, then never in practice."""

    TABLES = "entries, receipts, positions"

    def __init__(self, engine: Engine, first: int = 1000):
        self.engine, self.booked, self.next_at = engine, 0, first
        self.enabled = engine.dialect.name == "postgresql"

    def grew(self, records: int) -> None:
        self.booked += records
        if not self.enabled or self.booked < self.next_at:
            return
        self.next_at = 2 * self.booked
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"ANALYZE {self.TABLES}")
        except DBAPIError as exc:  # only a planner hint: booking goes on without it
            log.warning("could not analyse the ledger's tables: %s", exc.orig or exc)


def _is_transient(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError) or exc.connection_invalidated
