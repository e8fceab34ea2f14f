"""The registry as officers look at it: registrations about to end (and who buys from those
suppliers), plausibility flags on the year's spend, and the registry's profile.

Every supplier id is read as the supplier it counts for (`ledger.books.identities`): entries under
an NPWP, an LKPP code or a merged id add up to the supplier that registered them. Flags are shown,
never acted on: nothing here changes a figure.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.identities import aliases, resolve
from ledger.books.registry import latest_registrations, load_histories, supplier_names
from ledger.books.versions import counting, reversed_of
from ledger.bulk import chunks
from ledger.models import BuyerRow, Entry, Registration
from ledger.rules.eligibility import Classification, class_on, in_force
from ledger.rules.plausibility import Purchase, declared_umk_but_besar, over_ceiling, possible_splits


@dataclass(frozen=True, slots=True)
class BuyerSpend:
    buyer_id: str
    name: str | None
    amount: int  # net of reversals, counting entries only


@dataclass(frozen=True, slots=True)
class Expiring:
    supplier_id: str
    name: str
    region: str
    district: str | None  # kecamatan
    sector: str | None
    scale: str
    cooperative: str | None
    valid_to: date
    days_left: int
    buyers: tuple[BuyerSpend, ...]  # who bought from it this year, the most first

    @property
    def received(self) -> int:
        return sum(b.amount for b in self.buyers)


def expiring(session: Session, *, within: int, today: date, region: str | None = None) -> list[Expiring]:
    """Each supplier whose registration in force today ends within [today, today + within],
    soonest first, with the buyers that bought from it in today's year."""
    until = today + timedelta(days=within)
    ids = set(session.scalars(select(Registration.supplier_id).distinct()
                              .where(Registration.valid_to.between(today, until))))
    out = []
    for sid in sorted(set(resolve(session, ids).values())):
        reg = _in_force(session, sid, today)
        if reg is None or reg.valid_to is None or not today <= reg.valid_to <= until:
            continue
        if region is not None and reg.region != region:
            continue
        out.append(Expiring(sid, reg.name, reg.region, reg.district, reg.sector, reg.scale, reg.cooperative,
                            reg.valid_to, (reg.valid_to - today).days, _buyers_of(session, sid, today.year)))
    return sorted(out, key=lambda x: (x.valid_to, x.supplier_id))


def _in_force(session: Session, supplier_id: str, day: date) -> Registration | None:
    rows = {r.id: r for r in session.scalars(select(Registration).where(Registration.supplier_id == supplier_id))}
    history = [Classification(r.scale, r.cooperative, r.region, r.valid_from, r.valid_to, r.id) for r in rows.values()]
    current = in_force(history, day)
    return None if current is None else rows[current.seq]


def _buyers_of(session: Session, supplier_id: str, year: int) -> tuple[BuyerSpend, ...]:
    sums: dict[str, int] = defaultdict(int)
    for chunk in chunks(sorted(aliases(session, {supplier_id}))):
        q = (select(Entry.buyer_id, func.sum(Entry.amount))
             .where(Entry.supplier_id.in_(chunk), Entry.period.startswith(f"{year}-"), counting())
             .group_by(Entry.buyer_id))
        for buyer, amount in session.execute(q):
            sums[buyer] += int(amount)
    names = dict(session.execute(select(BuyerRow.id, BuyerRow.name).where(BuyerRow.id.in_(sorted(sums)))).all())
    return tuple(sorted((BuyerSpend(b, names.get(b), a) for b, a in sums.items() if a),
                        key=lambda b: (-b.amount, b.buyer_id)))


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # over_ceiling | possible_split | declared_umk_but_besar
    supplier_id: str  # the supplier the entries count for
    supplier_name: str | None
    scale: str  # over_ceiling: its class in force; else its class on the purchase date
    amount: int  # received in the year / the day's total / the UMK value declared
    limit: int | None  # the class's sales ceiling / the channel's cap / None
    event_ids: tuple[str, ...]  # the entries involved
    buyers: tuple[str, ...]  # the buyers of those entries
    buyer_id: str | None = None  # a split's buyer, the buyer of a UMK-credited purchase
    booked_on: date | None = None
    channel: str | None = None


def flags(session: Session, *, year: int, caps: dict[str, int]) -> list[Flag]:
    """Signs of implausible data in `year` (counting entries): a supplier receiving more than its
    class may sell in a year, purchases possibly split under a channel's cap, UMK credit given to
    a supplier registered large on the purchase date."""
    cols = (Entry.event_id, Entry.kind, Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.amount,
            Entry.channel, Entry.booked_on, Entry.declared_umk, Entry.source_system, Entry.source_key)
    rows = session.execute(select(*cols).where(Entry.period.startswith(f"{year}-"), counting())).all()
    purchases = [r for r in rows if r.kind == "purchase"]
    counted_as = resolve(session, {r.supplier_id for r in rows})
    histories = load_histories(session, set(counted_as))
    taken = reversed_of(session, purchases)
    out = _over_ceiling(rows, counted_as, histories)
    remains = [Purchase(p.event_id, p.buyer_id, counted_as[p.supplier_id], p.booked_on, p.channel,
                        p.amount + taken.get(p.event_id, 0)) for p in purchases]
    for s in possible_splits(remains, caps):
        out.append(Flag("possible_split", s.supplier_id, None, _scale(histories, s.supplier_id, s.booked_on), s.total,
                        s.cap, s.event_ids, (s.buyer_id,), s.buyer_id, s.booked_on, s.channel))
    for p in purchases:
        scale = class_on(histories.get(p.supplier_id, []), p.booked_on, p.region).scale
        if declared_umk_but_besar(scale, p.declared_umk):
            out.append(Flag("declared_umk_but_besar", counted_as[p.supplier_id], None, scale, p.declared_umk, None,
                            (p.event_id,), (p.buyer_id,), p.buyer_id, p.booked_on, p.channel))
    names = supplier_names(session, {f.supplier_id for f in out})
    order = {"over_ceiling": 0, "possible_split": 1, "declared_umk_but_besar": 2}
    return sorted((_named(f, names) for f in out),
                  key=lambda f: (order[f.kind], -f.amount, f.supplier_id, f.booked_on or date.min, f.event_ids))


def _over_ceiling(rows, counted_as: dict[str, str], histories) -> list[Flag]:
    """Per supplier, the year's net receipts against the ceiling of its class in force on the day
    of its last purchase that year (the class its latest spend was credited under)."""
    received: dict[str, int] = defaultdict(int)
    events: dict[str, list[str]] = defaultdict(list)
    buyers: dict[str, set[str]] = defaultdict(set)
    last: dict[str, tuple[date, str]] = {}
    for r in rows:
        sid = counted_as[r.supplier_id]
        received[sid] += r.amount
        if r.kind == "purchase":
            events[sid].append(r.event_id)
            buyers[sid].add(r.buyer_id)
            if sid not in last or r.booked_on > last[sid][0]:
                last[sid] = (r.booked_on, r.supplier_id)
    out = []
    for sid, (day, written) in last.items():
        scale = _scale(histories, written, day)
        ceiling = over_ceiling(scale, received[sid])
        if ceiling is not None:
            out.append(Flag("over_ceiling", sid, None, scale, received[sid], ceiling, tuple(sorted(events[sid])),
                            tuple(sorted(buyers[sid]))))
    return out


def _scale(histories, supplier_id: str, day: date) -> str:
    return class_on(histories.get(supplier_id, []), day, "").scale


def _named(f: Flag, names: dict[str, str]) -> Flag:
    return Flag(f.kind, f.supplier_id, names.get(f.supplier_id), f.scale, f.amount, f.limit, f.event_ids, f.buyers,
                f.buyer_id, f.booked_on, f.channel)


@dataclass(frozen=True, slots=True)
class Profile:
    suppliers: int
    by_class: tuple[tuple[str, int], ...]  # (scale, suppliers), the most first
    by_district: tuple[tuple[str | None, int], ...]  # kecamatan; None: not stated
    by_sector: tuple[tuple[str | None, int], ...]
    by_cooperative: tuple[tuple[str | None, int], ...]  # cooperative type; None: not a cooperative


def profile(session: Session, *, region: str | None = None) -> Profile:
    """Suppliers in the registry by their latest registration (merged ids counted once): by class,
    kecamatan, sector and cooperative type."""
    latest = latest_registrations(session, set(session.scalars(select(Registration.supplier_id).distinct())))
    regs = [r for r in {r.id: r for r in latest.values()}.values() if region is None or r.region == region]
    return Profile(len(regs), *(_counted(getattr(r, field) for r in regs)
                                for field in ("scale", "district", "sector", "cooperative")))


def _counted(values) -> tuple:
    return tuple(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")))
