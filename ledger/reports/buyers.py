"""One buyer down to each entry: the supplier, the supplier's class on the purchase date, the
purchase's state, and whether and why the entry counted for each program covering the buyer
(pending, void and superseded first); and the buyer's months against each program's line."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ledger.books.graduation import grace_days
from ledger.books.registry import load_histories, lkpp_profiled, supplier_names
from ledger.books.versions import entry_states
from ledger.models import Entry
from ledger.reports.scope import Scope
from ledger.reports.spend import trend
from ledger.reports.standings import ComplianceLine, overview
from ledger.rules.basis import class_basis
from ledger.rules.compliance import counts, share_bp
from ledger.rules.eligibility import class_on
from ledger.rules.graduation import graduation, why_in_grace
from ledger.rules.lateness import late_reason
from ledger.rules.programs import covered, why
from schemas.targets import ProgramDefined


@dataclass(frozen=True, slots=True)
class EntryLine:
    event_id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    booked_on: date
    supplier_id: str
    supplier_name: str | None
    supplier_class: str  # scale on the purchase date, unregistered or lapsed
    cooperative: bool
    local: bool
    channel: str
    amount: int
    late: bool
    reverses: str | None
    counts: dict[str, tuple[bool, str]]  # program_id -> (counts?, reason code)
    state: str = "completed"  # of the purchase (for a reversal: of the purchase it reverses, as in force)
    not_counted: str | None = None  # pending, void or superseded; None when it counts
    late_reason: str | None = None  # when late: imported (later, from a register) or sent_late (`rules.lateness`)
    basis: str = "unknown"  # what the class rests on (`ledger.rules.basis`)
    declared_umk: int | None = None  # the UMK value the source declares for the purchase


@dataclass
class BuyerDetail:
    buyer_id: str
    name: str | None
    kind: str | None
    region: str | None
    standings: list[ComplianceLine]
    entries: list[EntryLine]
    total_entries: int
    programs: list[str] = field(default_factory=list)


def programs_of(scope: Scope, buyer_id: str) -> list[ProgramDefined]:
    """The programs in force that cover a buyer."""
    info = scope.known_buyers.get(buyer_id)
    if info is None:
        return []
    return [p for p in scope.programs if buyer_id in covered(p, {buyer_id: info})]


def buyer_detail(scope: Scope, buyer_id: str, *, period: str | None = None, limit: int | None = 200,
                 offset: int = 0) -> BuyerDetail | None:
    """A buyer's standings and its entries, oldest first. None for a buyer the ledger has never seen."""
    info = scope.known_buyers.get(buyer_id)
    if info is None:
        return None
    programs = programs_of(scope, buyer_id)
    q = select(Entry).where(Entry.buyer_id == buyer_id)
    if scope.as_of is not None:
        q = q.where(Entry.recorded_at <= scope.as_of)
    if period is not None:
        q = q.where(Entry.period.like(f"{period}%")) if "Q" not in period else q.where(
            Entry.period.in_(_months_of_quarter(period)))
    session = scope.session
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    entries = session.scalars(q.order_by(Entry.booked_on, Entry.id).offset(offset).limit(limit)).all()
    histories = load_histories(session, {e.supplier_id for e in entries}, scope.as_of)
    names = supplier_names(session, {e.supplier_id for e in entries})
    profiled = lkpp_profiled(session, {e.supplier_id for e in entries})
    states = entry_states(session, entries, scope.as_of)
    lines = []
    for e in entries:
        history = histories.get(e.supplier_id, [])
        cls = class_on(history, e.booked_on, e.region)
        grad = graduation(history, e.booked_on, e.region)
        excluded_id = e.reverses if e.kind == "reversal" else e.event_id
        state, not_counted = states[e.event_id]
        lines.append(EntryLine(e.event_id, e.kind, e.occurred_at, e.recorded_at, e.booked_on, e.supplier_id,
                               names.get(e.supplier_id), cls.scale, cls.cooperative, cls.local, e.channel, e.amount,
                               e.late, e.reverses,
                               {p.program_id: why_in_grace(why(p, cls, e.channel, excluded_id, not_counted), grad,
                                                           e.booked_on, grace_days(p),
                                                           grad is not None and counts(grad.before, p.eligible))
                                for p in programs},
                               state, not_counted, late_reason(e.late, e.source_system),
                               class_basis(cls.scale, e.supplier_id in profiled, e.declared_umk), e.declared_umk))
    return BuyerDetail(buyer_id, scope.names.get(buyer_id), info.kind, info.region, overview(scope, buyer=buyer_id),
                       lines, total, [p.program_id for p in programs])


def _months_of_quarter(label: str) -> list[str]:
    year, q = label.split("-Q")
    first = 3 * int(q) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


@dataclass(frozen=True, slots=True)
class ProgramPoint:
    period: str  # YYYY-MM
    actual: int
    total: int
    cumulative: int  # eligible so far in the year
    share_bp: int | None  # the month's share (share programs) or the year so far over the budget


@dataclass(frozen=True, slots=True)
class ProgramTrend:
    program: ProgramDefined
    points: list[ProgramPoint]


def program_trends(scope: Scope, buyer_id: str) -> list[ProgramTrend]:
    """Per program covering the buyer, month by month against the program's line: share programs
    the month's share; share of budget what was realised so far in the year over the budget."""
    out = []
    for p in programs_of(scope, buyer_id):
        points, run, year = [], 0, None
        for t in trend(scope, buyer=buyer_id, program=p.program_id):
            if t.buyer_id != buyer_id:
                continue  # a combined program's region-wide line
            run = (run if year == t.month[:4] else 0) + t.eligible
            year = t.month[:4]
            share = t.share_bp if p.kind == "share" else share_bp(run, scope.budget_of.get((buyer_id, int(year)), 0))
            points.append(ProgramPoint(t.month, t.eligible, t.total, run, share if p.kind != "amount" else None))
        out.append(ProgramTrend(p, points))
    return out
