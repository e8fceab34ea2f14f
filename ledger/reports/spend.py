"""Spend: per buyer and period, total and eligible (UMKM and cooperatives) from the positions;
month by month for one program or the default rule; and buckets recomputed from entries as the
ledger knew them at a past moment."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.evaluation import exclusion_buckets, position_buckets
from ledger.books.registry import load_histories
from ledger.models import Entry, Position
from ledger.reports.scope import Scope
from ledger.rules.compliance import share_bp
from ledger.rules.eligibility import SupplierClass, class_on, counts_as_umkm
from ledger.rules.periods import period_of
from ledger.rules.programs import Bucket, figures


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


def spend(scope: Scope, granularity: str = "year", buyer: str | None = None,
          kind: str | None = None) -> list[SpendLine]:
    """Total and eligible net spend per buyer and period, largest total first."""
    q = (select(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local,
                func.sum(Position.amount))
         .group_by(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local))
    if buyer:
        q = q.where(Position.buyer_id == buyer)
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for buyer_id, month, scale, coop, local, amount in scope.session.execute(q):
        acc = sums[(buyer_id, period_of(month, granularity))]
        acc[0] += int(amount)
        if counts_as_umkm(SupplierClass(scale, bool(coop), bool(local))):
            acc[1] += int(amount)
    lines = []
    for (buyer_id, period), (total, eligible) in sums.items():
        info = scope.known_buyers.get(buyer_id)
        if kind and (info is None or info.kind != kind):
            continue
        lines.append(SpendLine(buyer_id, scope.names.get(buyer_id), info.kind if info else "?",
                               info.region if info else "?", period, total, eligible))
    return sorted(lines, key=lambda line: (-line.total, line.buyer_id, line.period))


def entry_buckets(session: Session, as_of: datetime | None = None, buyer: str | None = None) -> list[Bucket]:
    """Buckets recomputed from entries (and registrations) recorded by `as_of`."""
    q = (select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                func.sum(Entry.amount))
         .group_by(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on))
    if as_of is not None:
        q = q.where(Entry.recorded_at <= as_of)
    if buyer is not None:
        q = q.where(Entry.buyer_id == buyer)
    rows = session.execute(q).all()
    histories = load_histories(session, {r[2] for r in rows}, as_of)
    sums: dict[tuple, int] = defaultdict(int)
    for buyer_id, region, supplier, month, channel, day, amount in rows:
        sums[(buyer_id, month, channel, class_on(histories.get(supplier, []), day, region))] += int(amount)
    return [Bucket(b, m, ch, cls, amount) for (b, m, ch, cls), amount in sums.items() if amount]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    buyer_id: str  # `*` for a combined program
    month: str
    total: int
    eligible: int

    @property
    def share_bp(self) -> int | None:
        return share_bp(self.eligible, self.total)


def trend(scope: Scope, *, buyer: str | None = None, program: str | None = None) -> list[TrendPoint]:
    """Month by month: total spend and what counted (for one program, or as UMKM and cooperatives)."""
    session = scope.session
    buckets = position_buckets(session, buyer) if scope.as_of is None else entry_buckets(session, scope.as_of, buyer)
    if program is None:
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for b in buckets:
            if buyer in (None, b.buyer_id):
                cell = sums[(b.buyer_id, b.month)]
                cell[0] += b.amount
                cell[1] += b.amount if counts_as_umkm(b.cls) else 0
        points = [TrendPoint(k[0], k[1], *v) for k, v in sums.items()]
    else:
        p = scope.program(program)
        if p is None:
            return []
        # One buyer's months are its own even in a combined program (its part of the region's figure).
        monthly = p.model_copy(update={"period": "month", "kind": "amount",
                                       "scope": "per_buyer" if buyer is not None else p.scope})
        figs = figures(monthly, buckets + exclusion_buckets(session, p, scope.as_of), scope.known_buyers, {},
                       scope.now)
        points = [TrendPoint(who, label, f.total, f.actual) for (who, label), f in figs.items()
                  if buyer in (None, who) and f.total]
    return sorted(points, key=lambda t: (t.buyer_id, t.month))
