"""What the ledger decided about events a sender handed it, read from its receipts: for
`kuota import` to say, once the worker has decided, which records were new, already recorded,
corrections of a source record booked before, or rejected and why.

Receipts are told apart by a mark, the highest receipt id read before anything was sent: ids are
taken as records are received, so a receipt at or below the mark was written before the send."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from ledger.books.intake import APPLIED, DUPLICATE, REJECTED
from ledger.bulk import chunks
from ledger.models import Entry, Receipt, Target

NEW, RECORDED, CORRECTION = "new", "recorded", "correction"  # and REJECTED


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str  # new | recorded | correction | rejected
    reason: str | None = None  # a rejection's reason code


def receipts_mark(session: Session) -> int:
    """The highest receipt id so far, 0 on an empty ledger: a receipt above it came later."""
    return session.scalar(select(func.max(Receipt.id))) or 0


def decide(receipts: Iterable[tuple[bool, str, str | None]], sent_again: bool) -> Decision | None:
    """One event's decision from its receipts, (before the mark, outcome, reason) in the order
    received; None while undecided. Held before the mark is `recorded`, whatever came since. Since
    the mark: applied is `new`, a duplicate `recorded`, else the last rejection. A rejection from
    before the mark stands unless the event was `sent_again`: then only what comes since counts."""
    receipts = list(receipts)
    if any(before and outcome in (APPLIED, DUPLICATE) for before, outcome, _ in receipts):
        return Decision(RECORDED)
    since = [(outcome, reason) for before, outcome, reason in receipts if not before]
    if any(outcome == APPLIED for outcome, _ in since):
        return Decision(NEW)
    if any(outcome == DUPLICATE for outcome, _ in since):
        return Decision(RECORDED)
    rejected = since or ([] if sent_again else [(o, r) for before, o, r in receipts if before and o == REJECTED])
    return Decision(REJECTED, rejected[-1][1]) if rejected else None


def decisions(session: Session, event_ids: Iterable[str], mark: int,
              sent_again: Collection[str] = ()) -> dict[str, Decision]:
    """The decided among `event_ids` (`decide`), new ones that are corrections told apart.
    `sent_again`: events this sender sent itself, an old rejection of which is not the last word."""
    found: dict[str, list[tuple[bool, str, str | None]]] = {}
    for chunk in chunks(sorted(set(event_ids))):
        q = (select(Receipt.event_id, Receipt.id, Receipt.outcome, Receipt.reason)
             .where(Receipt.event_id.in_(chunk)).order_by(Receipt.id))
        for event_id, receipt_id, outcome, reason in session.execute(q):
            found.setdefault(event_id, []).append((receipt_id <= mark, outcome, reason))
    out = {}
    for event_id, receipts in found.items():
        if (decision := decide(receipts, event_id in sent_again)) is not None:
            out[event_id] = decision
    for event_id in corrections(session, [e for e, d in out.items() if d.kind == NEW]):
        out[event_id] = Decision(CORRECTION)
    return out


def corrections(session: Session, event_ids: list[str]) -> set[str]:
    """Of these booked events, those booked after another version of the same thing: a purchase
    of a source record (system and key) booked before, a program, budget or plan of a key before."""
    earlier, older = aliased(Entry), aliased(Target)
    found: set[str] = set()
    for chunk in chunks(sorted(event_ids)):
        found.update(session.scalars(select(Entry.event_id).where(
            Entry.event_id.in_(chunk), Entry.kind == "purchase", Entry.source_system.is_not(None),
            exists().where(earlier.kind == "purchase", earlier.source_system == Entry.source_system,
                           earlier.source_key == Entry.source_key, earlier.id < Entry.id))))
        found.update(session.scalars(select(Target.event_id).where(
            Target.event_id.in_(chunk), exists().where(older.key == Target.key, older.id < Target.id))))
    return found
