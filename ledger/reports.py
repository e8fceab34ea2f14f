"""Read side: spend per buyer and period, from positions only."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.eligibility import SupplierClass, counts_as_umkm
from ledger.models import Buyer, Position
from ledger.periods import period_of


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
