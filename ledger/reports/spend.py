"""Spend: per buyer and period, total and eligible (UMKM and cooperatives) from the positions, and
beside them what is pending; month by month for one program or the default rule; and buckets
recomputed from entries as the ledger knew them at a past moment."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.evaluation import adjustment_buckets, position_buckets
from ledger.books.measures import declared_buckets, resting_on_declarations
from ledger.books.registry import load_histories
from ledger.books.versions import counting, in_state
from ledger.models import Entry, Position
from ledger.reports.scope import Scope
from ledger.rules.compliance import share_bp
from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass, class_on, counts_as_umkm
from ledger.rules.periods import period_of
from ledger.rules.programs import Bucket, figures
from ledger.rules.states import PENDING


@dataclass(frozen=True, slots=True)
class SpendLine:
    buyer_id: str
    name: str | None
    kind: str
    region: str
    period: str
    total: int
    eligible: int  # the verified measure: UMKM and cooperatives as the registry classes them on the purchase date
    pending: int = 0  # in process (dalam proses): shown beside the total, never counted in it
    declared: int = 0  # the LKPP measure: the UMK value the source records declare
    registered: int = 0  # spend with suppliers the registry knew on the purchase date
    declaration_only: int = 0  # spend the registry did not class that day but whose source declares UMK

    @property
    def rests_on(self) -> dict[str, int]:
        """The spend by what its suppliers' classes rest on (`ledger.rules.basis`; LKPP's supplier
        profile counted with the registry here)."""
        unknown = self.total - self.registered - self.declaration_only
        return {"registry": self.registered, "declaration": self.declaration_only, "unknown": unknown}

    @property
    def coverage_bp(self) -> int | None:
        """How much of the total the registry could class (rounded down); None without spend."""
        return share_bp(self.registered, self.total)

    @property
    def share_bp(self) -> int | None:
        """Eligible share in basis points (integer, rounded half up); None without spend."""
        if self.total <= 0:
            return None
        return (self.eligible * 10_000 * 2 + self.total) // (self.total * 2)


def spend(scope: Scope, granularity: str = "year", buyer: str | None = None,
          kind: str | None = None) -> list[SpendLine]:
    """Total and eligible net spend per buyer and period, largest total first; beside them what
    is still pending. A buyer with only pending spend has a line with a total of 0."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for buyer_id, month, cls, amount in _counted(scope, buyer):
        acc = sums[(buyer_id, period_of(month, granularity))]
        acc[0] += amount
        if counts_as_umkm(cls):
            acc[1] += amount
        if cls.scale not in (UNREGISTERED, LAPSED):
            acc[4] += amount
    for (buyer_id, month), amount in pending(scope.session, scope.as_of, buyer).items():
        sums[(buyer_id, period_of(month, granularity))][2] += amount
    for b in declared_buckets(scope.session, scope.as_of, buyer):
        sums[(b.buyer_id, period_of(b.month, granularity))][3] += b.declared
    alone: dict[tuple[str, str], int] = defaultdict(int)
    for (buyer_id, month), amount in resting_on_declarations(scope.session, scope.as_of, buyer).items():
        alone[(buyer_id, period_of(month, granularity))] += amount
    lines = []
    for (buyer_id, period), (total, eligible, waiting, declared, registered) in sums.items():
        info = scope.known_buyers.get(buyer_id)
        if kind and (info is None or info.kind != kind):
            continue
        lines.append(SpendLine(buyer_id, scope.names.get(buyer_id), info.kind if info else "?",
                               info.region if info else "?", period, total, eligible, waiting, declared, registered,
                               alone.get((buyer_id, period), 0)))
    return sorted(lines, key=lambda line: (-line.total, line.buyer_id, line.period))


def _counted(scope: Scope, buyer: str | None):
    """(buyer, month, supplier class, amount) of what counts: the positions, or as of a past moment
    the entries recorded by then."""
    if scope.as_of is not None:
        for b in entry_buckets(scope.session, scope.as_of, buyer):
            yield b.buyer_id, b.month, b.cls, b.amount
        return
    q = (select(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local,
                func.sum(Position.amount))
         .group_by(Position.buyer_id, Position.period, Position.scale, Position.cooperative, Position.local))
    if buyer:
        q = q.where(Position.buyer_id == buyer)
    for buyer_id, month, scale, coop, local, amount in scope.session.execute(q):
        yield buyer_id, month, SupplierClass(scale, bool(coop), bool(local)), int(amount)


def pending(session: Session, as_of: datetime | None = None, buyer: str | None = None) -> dict[tuple[str, str], int]:
    """{(buyer, month): rupiah of purchases whose version in force is pending, net of their
    reversals}, as known at `as_of`: what would count once completed."""
    q = (select(Entry.buyer_id, Entry.period, func.sum(Entry.amount)).where(in_state(PENDING, as_of))
         .group_by(Entry.buyer_id, Entry.period))
    if as_of is not None:
        q = q.where(Entry.recorded_at <= as_of)
    if buyer is not None:
        q = q.where(Entry.buyer_id == buyer)
    return {(b, month): int(amount) for b, month, amount in session.execute(q) if amount}


def entry_buckets(session: Session, as_of: datetime | None = None, buyer: str | None = None) -> list[Bucket]:
    """Buckets recomputed from the entries (and registrations) recorded by `as_of` that counted then."""
    q = (select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                func.sum(Entry.amount))
         .group_by(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on))
    q = q.where(counting(as_of))
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
        figs = figures(monthly, buckets + adjustment_buckets(session, p, scope.as_of), scope.known_buyers, {},
                       scope.now)
        points = [TrendPoint(who, label, f.total, f.actual) for (who, label), f in figs.items()
                  if buyer in (None, who) and f.total]
    return sorted(points, key=lambda t: (t.buyer_id, t.month))
