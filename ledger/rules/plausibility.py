"""Plausibility of what the ledger holds against the registry: signs an officer should look at,
never acted on (no figure changes because of a flag). Pure: plain values in, plain values out."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable, NamedTuple

from ledger.rules.eligibility import sales_ceiling
from schemas.codes import Scale

SPLIT_LEAST = 3  # two purchases on one day are ordinary; three or more past a cap look arranged


def over_ceiling(scale: str, received: int) -> int | None:
    """The annual-sales ceiling of `scale` (PP 7/2021) when `received` in one year went past it,
    else None. Besar has no ceiling; reaching the ceiling exactly is still within it."""
    ceiling = sales_ceiling(scale)
    return ceiling if ceiling is not None and received > ceiling else None


def declared_umk_but_besar(scale: str, declared_umk: int | None) -> bool:
    """A source credits the purchase as UMK while the supplier was registered large on its date."""
    return scale == Scale.BESAR.value and (declared_umk or 0) > 0


class Purchase(NamedTuple):
    """A purchase as split detection sees it: what remains of its amount after reversals."""

    event_id: str
    buyer_id: str
    supplier_id: str
    booked_on: date
    channel: str
    amount: int


@dataclass(frozen=True, slots=True)
class Split:
    """Purchases by one buyer from one supplier on one day through one capped channel."""

    buyer_id: str
    supplier_id: str
    booked_on: date
    channel: str
    total: int
    cap: int
    event_ids: tuple[str, ...]


def possible_splits(purchases: Iterable[Purchase], caps: dict[str, int], least: int = SPLIT_LEAST) -> list[Split]:
    """Groups of `least` or more purchases (by buyer, supplier, day and channel) of a channel in
    `caps` adding up past that channel's cap: a package possibly split to stay under it."""
    groups: dict[tuple, list[Purchase]] = defaultdict(list)
    for p in purchases:
        if p.channel in caps and p.amount > 0:
            groups[(p.buyer_id, p.supplier_id, p.booked_on, p.channel)].append(p)
    out = []
    for (buyer, supplier, day, channel), group in groups.items():
        total = sum(p.amount for p in group)
        if len(group) >= least and total > caps[channel]:
            out.append(Split(buyer, supplier, day, channel, total, caps[channel],
                             tuple(sorted(p.event_id for p in group))))
    return sorted(out, key=lambda s: (s.booked_on, s.buyer_id, s.supplier_id, s.channel))
