"""Standings: per program, period and buyer, what was reached against what was required. Live
from the last evaluation, or recomputed from what the ledger had recorded by a past moment (so a
31 March snapshot can be reproduced later). Also each buyer's part of a program, and the alerts.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.evaluation import adjustment_buckets, position_buckets
from ledger.books.measures import declared_buckets
from ledger.books.outbox import alert_message
from ledger.models import Alert, Entry, Evaluation, Standing
from ledger.reports.spend import entry_buckets
from ledger.reports.scope import Scope
from ledger.rules.compliance import evaluate
from ledger.rules.compliance import share_bp as _share
from ledger.rules.programs import ALL, figures, program_base
from schemas.outputs import ComplianceAlert

ORDER = {"breach": 0, "at_risk": 1, "recovered": 2, "met": 3, None: 4}


@dataclass(frozen=True, slots=True)
class ComplianceLine:
    program_id: str
    program: str
    kind: str
    buyer_id: str  # `*` for a program judged on all covered buyers together
    name: str | None
    region: str | None  # the buyer's; the program's for `*`
    period: str
    actual: int
    required: int
    shortfall: int
    total: int
    base: int | None
    share_bp: int | None
    status: str | None
    grade: str | None
    changed_at: datetime | None
    measure: str = "verified"  # which of the two judges the program: `verified` or `declared`
    verified: int | None = None  # spend with suppliers the registry classes eligible on the purchase date
    declared: int | None = None  # the UMK value the source records declare (LKPP's measure)
    registered: int | None = None  # spend whose supplier the registry knew on the purchase date
    coverage_bp: int | None = None  # registered over total: how much of the spend the verified measure could judge


def overview(scope: Scope, *, program: str | None = None, period: str | None = None, region: str | None = None,
             buyer: str | None = None, status: str | None = None) -> list[ComplianceLine]:
    """Per program, period and buyer: actual, required, shortfall, share, status and grade;
    breaches first, then the largest shortfall. `region` is the program's region."""
    lines = _live(scope, program, period, buyer) if scope.as_of is None else _recomputed(scope, program, period, buyer)
    if region is not None:
        regions = {p.program_id: p.region for p in scope.programs}
        lines = [x for x in lines if regions.get(x.program_id) == region]
    if status is not None:
        lines = [x for x in lines if x.status == status]
    return sorted(lines, key=lambda x: (x.program_id, x.period, ORDER.get(x.status, 5), -x.shortfall, x.buyer_id))


def _line(scope: Scope, program_id: str, buyer: str, period: str, *, actual, required, shortfall, total, base,
          share_bp, status, grade, changed_at, verified, declared, registered) -> ComplianceLine:
    p = scope.program(program_id)
    region = (p.region if p else None) if buyer == ALL else scope.regions.get(buyer)
    return ComplianceLine(program_id, p.name if p else program_id, p.kind if p else "?", buyer,
                          scope.names.get(buyer), region, period, actual, required, shortfall, total, base,
                          share_bp, status, grade, changed_at, p.measure if p else "verified", verified, declared,
                          registered, None if registered is None else _share(registered, total))


def _live(scope: Scope, program, period, buyer) -> list[ComplianceLine]:
    q = _matching(select(Standing), (Standing.program_id, program), (Standing.period, period),
                  (Standing.buyer_id, buyer))
    return [_line(scope, s.program_id, s.buyer_id, s.period, actual=s.actual, required=s.required,
                  shortfall=s.shortfall, total=s.total, base=s.base, share_bp=s.share_bp, status=s.status,
                  grade=s.grade, changed_at=s.changed_at, verified=s.verified, declared=s.declared,
                  registered=s.registered)
            for s in scope.session.scalars(q) if scope.program(s.program_id) is not None]


def _recomputed(scope: Scope, program_id, period, buyer) -> list[ComplianceLine]:
    buckets = entry_buckets(scope.session, scope.as_of) + declared_buckets(scope.session, scope.as_of)
    # Buyers with any entry by then, counted or not (only pending, or all reversed), as the live books have them.
    seen = set(scope.session.scalars(select(Entry.buyer_id).where(Entry.recorded_at <= scope.as_of).distinct()))
    # Only buyers the ledger had booked by then (and agencies with a budget declared by then).
    buyers = {b: info for b, info in scope.buyers.items() if b in seen or b not in scope.known_buyers}
    lines = []
    for p in scope.programs:
        if program_id not in (None, p.program_id):
            continue
        judged = figures(p, buckets + adjustment_buckets(scope.session, p, scope.as_of), buyers, scope.budget_of,
                         scope.as_of)
        for (who, label), fig in judged.items():
            if period not in (None, label) or buyer not in (None, who):
                continue
            s = evaluate(p, label, actual=fig.actual, total=fig.total, budget=fig.budget, previous=None,
                         now=scope.as_of)
            lines.append(_line(scope, p.program_id, who, label, actual=s.actual, required=s.required,
                               shortfall=s.shortfall, total=fig.total, base=program_base(p, fig),
                               share_bp=s.share_bp, status=s.status.value if s.status else None, grade=s.grade,
                               changed_at=None, verified=fig.verified, declared=fig.declared,
                               registered=fig.registered))
    return lines


@dataclass(frozen=True, slots=True)
class Part:
    buyer_id: str
    name: str | None
    eligible: int
    total: int


def parts(scope: Scope, program_id: str, period: str) -> list[Part]:
    """Each covered buyer's part of a program in one period, largest eligible first. For a
    combined program this is how the region's figure is made up; with an `as_of` scope, as the
    ledger knew it then."""
    program = scope.program(program_id)
    if program is None:
        return []
    per_buyer = program.model_copy(update={"scope": "per_buyer", "kind": "amount" if program.kind != "share"
                                           else "share"})
    session = scope.session
    buckets = position_buckets(session) if scope.as_of is None else entry_buckets(session, scope.as_of)
    figs = figures(per_buyer, buckets + adjustment_buckets(session, program, scope.as_of), scope.known_buyers, {},
                   scope.now)
    rows = [Part(b, scope.names.get(b), f.actual, f.total) for (b, label), f in figs.items() if label == period]
    return sorted(rows, key=lambda r: (-r.eligible, r.buyer_id))


@dataclass(frozen=True, slots=True)
class AlertLine:
    alert: ComplianceAlert  # as sent on the alerts topic and to webhooks
    published: bool


def alerts(session: Session, *, program: str | None = None, buyer: str | None = None, status: str | None = None,
           limit: int | None = None) -> list[AlertLine]:
    """Alerts, newest first."""
    q = _matching(select(Alert).order_by(Alert.id.desc()), (Alert.program_id, program), (Alert.buyer_id, buyer),
                  (Alert.status, status))
    if limit:
        q = q.limit(limit)
    return [AlertLine(alert_message(a), a.published_at is not None) for a in session.scalars(q)]


def last_evaluation(session: Session) -> datetime | None:
    """When the programs were last evaluated; None if never."""
    return session.scalar(select(func.max(Evaluation.evaluated_at)))


def _matching(query, *filters):
    """The query narrowed to each (column, value) given a value."""
    for column, value in filters:
        if value:
            query = query.where(column == value)
    return query
