"""After `kuota import` has sent a run's events: what the ledger decided about each record, read
back from its receipts (`ledger.reports.decisions`) once the worker has decided, within bounds.

The wait ends when every event sent is decided, after `--wait` seconds, or when the ledger has
received nothing at all for `IDLE` seconds: no worker is booking, and waiting longer is in vain.
What is still undecided then is said as such (sent, not yet decided), never guessed.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ledger.db import make_engine
from ledger.reports.decisions import CORRECTION, NEW, REJECTED, Decision, decisions, receipts_mark
from streams.importers.summary import Decided, Tally

WAIT = 30.0  # seconds `kuota import` waits for the ledger's decisions by default
IDLE = 5.0  # seconds without any receipt in the ledger after which nobody is booking
POLL = 0.5
DECIDED, DEADLINE, IDLE_LEDGER, NO_WAIT = "decided", "deadline", "idle", "no_wait"  # how a wait ended


@dataclass
class Handed:
    """One file's events handed to the journal: event id -> its record's position, and which of
    them this run journaled itself (the others were journaled, and sent, before)."""

    positions: dict[str, int] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)

    def drop(self, event_id: str) -> None:  # refused by the journal: never sent, nothing to wait for
        self.positions.pop(event_id, None)
        self.fresh.discard(event_id)


class Ledger:
    """Looks at the ledger's receipts through one engine kept for the wait."""

    def __init__(self, url: str):
        self.engine = make_engine(url)

    def mark(self) -> int:
        with Session(self.engine) as session:
            return receipts_mark(session)

    def look(self, event_ids: set[str], fresh: set[str], mark: int) -> tuple[dict[str, Decision], int]:
        """The decided among `event_ids`, and the latest receipt id (whether anything is booking)."""
        with Session(self.engine) as session:
            return decisions(session, event_ids, mark, fresh), receipts_mark(session)

    def close(self) -> None:
        self.engine.dispose()


def await_decisions(ledger, handed: list[Handed], mark: int, wait: float, *, idle: float = IDLE,
                    poll: float = POLL, clock=time.monotonic, sleep=time.sleep) -> tuple[dict[str, Decision], str]:
    """Look until every event handed is decided, `wait` seconds have passed (0: one look) or the
    ledger stayed still for `idle` seconds; the decisions, and how the wait ended."""
    pending = {event_id for h in handed for event_id in h.positions}
    fresh = {event_id for h in handed for event_id in h.fresh}
    decided: dict[str, Decision] = {}
    start = clock()
    latest, still_since = None, start
    while True:
        found, now_latest = ledger.look(pending, fresh & pending, mark)
        decided.update(found)
        pending.difference_update(found)
        now = clock()
        if now_latest != latest:
            latest, still_since = now_latest, now
        if not pending:
            return decided, DECIDED
        if wait <= 0:
            return decided, NO_WAIT
        if now - start >= wait:
            return decided, DEADLINE
        if now - still_since >= idle:
            return decided, IDLE_LEDGER
        sleep(poll)


def tally(handed: Handed, decided: dict[str, Decision]) -> Decided:
    """Per record, from its events' decisions: rejected if any event was, undecided if any is,
    a correction if any event corrects, new if any is new, else already recorded."""
    records: dict[int, list[Decision | None]] = {}
    for event_id, position in handed.positions.items():
        records.setdefault(position, []).append(decided.get(event_id))
    out = Decided()
    for position, found in sorted(records.items()):
        kinds = {d.kind if d else None for d in found}
        if REJECTED in kinds:
            reason = next(d.reason for d in found if d and d.kind == REJECTED)
            out.rejected.setdefault(reason or "rejected", Tally()).add(position)
        elif None in kinds:
            out.undecided += 1
        elif CORRECTION in kinds:
            out.corrections += 1
        elif NEW in kinds:
            out.new += 1
        else:
            out.recorded += 1
    return out
