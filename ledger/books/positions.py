"""Position deltas: running totals per buyer, month, channel and supplier class."""

from collections import defaultdict

from sqlalchemy.orm import Session

from ledger.bulk import upsert_adding
from ledger.rules.eligibility import SupplierClass
from ledger.models import Position

Key = tuple[str, str, str, SupplierClass]  # buyer_id, period, channel, class on the purchase date


class Deltas:
    """Amount and entry-count changes, summed per position before one upsert."""

    def __init__(self) -> None:
        self._changes: dict[Key, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, buyer_id: str, period: str, channel: str, cls: SupplierClass, amount: int,
            entries: int = 1) -> None:
        change = self._changes[(buyer_id, period, channel, cls)]
        change[0] += amount
        change[1] += entries

    def apply(self, session: Session) -> None:
        rows = [
            {"buyer_id": b, "period": p, "channel": ch, "scale": c.scale, "cooperative": c.cooperative,
             "local": c.local, "amount": amount, "entries": n}
            for (b, p, ch, c), (amount, n) in sorted(self._changes.items(), key=_order)
            if amount or n
        ]
        if not rows:
            return
        upsert_adding(session.connection(), Position.__table__, rows,
                      key=["buyer_id", "period", "channel", "scale", "cooperative", "local"],
                      add=["amount", "entries"])


def _order(item):
    # A stable order of upserts keeps concurrent workers from deadlocking on PostgreSQL.
    (buyer, period, channel, cls), _ = item
    return (buyer, period, channel, cls.scale, cls.cooperative, cls.local)
