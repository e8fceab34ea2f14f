"""The ledger checks itself: every record accounted for, positions equal to a recount of the
entries that count (`ledger.rules.states` applied to every entry afresh)."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.intake import APPLIED, DUPLICATE, REJECTED
from ledger.books.journal import JournalCounts, journal_counts
from ledger.books.recount import recount
from ledger.models import Entry, Position, Receipt, Registration, Rejection, SupplierLink


@dataclass
class AuditReport:
    by_topic: dict[str, Counter] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    positions_checked: int = 0
    journal: JournalCounts | None = None
    applied_twice: int = 0  # event ids with more than one applied receipt

    @property
    def ok(self) -> bool:
        return not self.problems


def audit(session: Session) -> AuditReport:
    """Run every check; problems are returned as readable sentences, none is raised."""
    report = AuditReport()
    _accounting(session, report)
    _journal(session, report)
    _positions(session, report)
    return report


def _journal(session: Session, report: AuditReport) -> None:
    """Every journaled event booked, rejected or in flight (sent, or waiting for the relay), and
    none applied twice. In flight is no problem while a worker runs."""
    report.journal = counts = journal_counts(session)
    if not counts.consistent:
        unknown = counts.journaled - counts.booked - counts.rejected - counts.in_flight
        report.problems.append(f"journal: {counts.journaled} events journaled but {counts.booked} booked + "
                               f"{counts.rejected} rejected + {counts.in_flight} in flight; {unknown} have "
                               f"receipts with no known outcome")
    twice = (select(Receipt.event_id).where(Receipt.outcome == APPLIED, Receipt.event_id.is_not(None))
             .group_by(Receipt.event_id).having(func.count() > 1).subquery())
    report.applied_twice = session.scalar(select(func.count()).select_from(twice)) or 0
    if report.applied_twice:
        report.problems.append(f"{report.applied_twice} event ids applied more than once")


def _accounting(session: Session, report: AuditReport) -> None:
    rows = session.execute(select(Receipt.topic, Receipt.outcome, func.count()).group_by(Receipt.topic, Receipt.outcome))
    for topic, outcome, n in rows:
        report.by_topic.setdefault(topic, Counter())[outcome] += n
    for topic, c in report.by_topic.items():
        received = sum(c.values())
        unknown = received - c[APPLIED] - c[DUPLICATE] - c[REJECTED]
        if unknown:
            report.problems.append(f"{topic}: {unknown} records have no outcome")
    applied_entries = sum(c[APPLIED] for t, c in report.by_topic.items() if "purchases" in t)
    report.entries = session.scalar(select(func.count()).select_from(Entry)) or 0
    if applied_entries != report.entries:
        report.problems.append(f"{applied_entries} purchase records applied but {report.entries} entries booked")
    applied_regs = sum(c[APPLIED] for t, c in report.by_topic.items() if "suppliers" in t)
    regs = session.scalar(select(func.count()).select_from(Registration)) or 0
    regs += session.scalar(select(func.count()).select_from(SupplierLink)) or 0
    if applied_regs != regs:
        report.problems.append(f"{applied_regs} supplier records applied but {regs} registrations and findings kept")
    rejected = sum(c[REJECTED] for c in report.by_topic.values())
    kept = session.scalar(select(func.count()).select_from(Rejection)) or 0
    if rejected != kept:
        report.problems.append(f"{rejected} records rejected but {kept} rejections kept")


def _positions(session: Session, report: AuditReport) -> None:
    expected = recount(session)
    stored = {(p.buyer_id, p.period, p.channel, p.scale, bool(p.cooperative), bool(p.local)): [p.amount, p.entries]
              for p in session.scalars(select(Position))}
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, [0, 0]), stored.get(key, [0, 0])
        if want != have:
            report.problems.append(
                f"position {'/'.join(map(str, key))}: stored {have[0]} in {have[1]} entries, "
                f"entries add up to {want[0]} in {want[1]}")
    report.positions_checked = len(stored)
