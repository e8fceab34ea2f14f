"""Read side: spend per buyer and period, from positions only."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.rules.eligibility import SupplierClass, counts_as_umkm
from ledger.models import Buyer, Position
from ledger.rules.periods import period_of


@dataclass(frozen=True, slots=True)
class SpendLine:
    buyer_id: str
    name: str | None
    kind: str
    region: str
    period: str
    total: int
    eligible: int

    @property
    def share_bp(self) -> int | None:
        """Eligible share in basis points (integer, rounded half up); None without spend."""
        if self.total <= 0:
            return None
        return (self.eligible * 10_000 * 2 + self.total) // (self.total * 2)


def spend(session: Session, granularity: str = "year", buyer: str | None = None,
          kind: str | None = None) -> list[SpendLine]:
    """Total and eligible net spend per buyer and period, largest total first."""
    q = (select(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local,
                func.sum(Position.amount))
         .group_by(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local))
    if buyer:
        q = q.where(Position.buyer_id == buyer)
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for buyer_id, month, scale, coop, local, amount in session.execute(q):
        acc = sums[(buyer_id, period_of(month, granularity))]
        acc[0] += int(amount)
        if counts_as_umkm(SupplierClass(scale, bool(coop), bool(local))):
            acc[1] += int(amount)
    buyers = {b.id: b for b in session.scalars(select(Buyer))}
    lines = []
    for (buyer_id, period), (total, eligible) in sums.items():
        b = buyers.get(buyer_id)
        if kind and (b is None or b.kind != kind):
            continue
        lines.append(SpendLine(buyer_id, b.name if b else None, b.kind if b else "?", b.region if b else "?",
                               period, total, eligible))
    return sorted(lines, key=lambda line: (-line.total, line.buyer_id, line.period))


@dataclass(frozen=True, slots=True)
class ComplianceLine:
    program_id: str
    program: str
    kind: str
    buyer_id: str
    name: str | None
    period: str
    actual: int
    required: int
    shortfall: int
    total: int
    base: int | None
    share_bp: int | None
    status: str | None
    grade: str | None
    changed_at: object


_ORDER = {"breach": 0, "at_risk": 1, "recovered": 2, "met": 3, None: 4}


def compliance(session: Session, program: str | None = None, period: str | None = None,
               buyer: str | None = None) -> list[ComplianceLine]:
    """The last evaluated standing per program, buyer and period: breaches first, then the
    largest shortfall."""
    from ledger.models import Standing
    from ledger.books.targets import in_force

    programs = {p.program_id: p for p in in_force(session)[0]}
    q = select(Standing)
    if program:
        q = q.where(Standing.program_id == program)
    if period:
        q = q.where(Standing.period == period)
    if buyer:
        q = q.where(Standing.buyer_id == buyer)
    names = dict(session.execute(select(Buyer.id, Buyer.name)).all())
    lines = []
    for s in session.scalars(q):
        p = programs.get(s.program_id)
        lines.append(ComplianceLine(s.program_id, p.name if p else s.program_id, p.kind if p else "?", s.buyer_id,
                                    names.get(s.buyer_id), s.period, s.actual, s.required, s.shortfall, s.total,
                                    s.base, s.share_bp, s.status, s.grade, s.changed_at))
    return sorted(lines, key=lambda x: (x.program_id, x.period, _ORDER.get(x.status, 5), -x.shortfall, x.buyer_id))


def alerts(session: Session, program: str | None = None, buyer: str | None = None,
           status: str | None = None, limit: int | None = None) -> list:
    """Alerts, newest first, with their delivery attempts counted."""
    from ledger.models import Alert

    q = select(Alert).order_by(Alert.id.desc())
    if program:
        q = q.where(Alert.program_id == program)
    if buyer:
        q = q.where(Alert.buyer_id == buyer)
    if status:
        q = q.where(Alert.status == status)
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))


def breakdown(session: Session, program_id: str, period: str, now) -> list[tuple[str, str | None, int, int]]:
    """Each covered buyer's part of a program in one period: (buyer, name, eligible, total), largest
    eligible first. For a combined program this is how the region's figure is made up."""
    from ledger.books.evaluation import exclusion_buckets, position_buckets
    from ledger.rules.programs import BuyerInfo, figures
    from ledger.books.targets import in_force

    programs, declared = in_force(session)
    program = next((p for p in programs if p.program_id == program_id), None)
    if program is None:
        return []
    per_buyer = program.model_copy(update={"scope": "per_buyer", "kind": "amount" if program.kind != "share"
                                           else "share"})
    buyers = {b.id: BuyerInfo(b.kind, b.region) for b in session.scalars(select(Buyer))}
    buckets = position_buckets(session) + exclusion_buckets(session, program)
    figs = figures(per_buyer, buckets, buyers, {}, now)
    names = {b: n for b, n in session.execute(select(Buyer.id, Buyer.name))}
    rows = [(b, names.get(b), f.actual, f.total) for (b, label), f in figs.items() if label == period]
    return sorted(rows, key=lambda r: (-r[2], r[0]))
