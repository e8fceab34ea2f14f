"""What officers read: the compliance overview, a buyer down to each entry, what each supplier
received, and the monthly trend. Live from the standings and positions, or `as_of` a past
moment, recomputed from what the ledger had recorded by then (entries and registrations by
`recorded_at`, targets in force then), so a 31 March snapshot can be reproduced later.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.rules.compliance import evaluate
from ledger.rules.eligibility import class_on, counts_as_umkm
from ledger.books.evaluation import exclusion_buckets, position_buckets
from ledger.models import Buyer, Entry, Registration
from ledger.rules.programs import Bucket, BuyerInfo, covered, figures, why
from ledger.books.registry import load_histories
from ledger.reports.standings import ComplianceLine, compliance
from ledger.books.targets import in_force

REASONS = {  # code -> (Bahasa Indonesia, English)
    "mikro": ("usaha mikro", "micro business"),
    "kecil": ("usaha kecil", "small business"),
    "menengah": ("usaha menengah", "medium business"),
    "cooperative": ("koperasi", "cooperative"),
    "channel_excluded": ("saluran dikecualikan dari dasar perhitungan", "channel left out of the base"),
    "purchase_excluded": ("pembelian dikecualikan dari dasar perhitungan", "purchase left out of the base"),
    "unregistered": ("pemasok belum terdaftar pada tanggal pembelian", "supplier not registered on the date"),
    "lapsed": ("registrasi pemasok sudah berakhir pada tanggal pembelian", "registration lapsed by the date"),
    "not_local": ("pemasok bukan dari wilayah program", "supplier not local to the program's region"),
    "scale_not_counted": ("skala usaha tidak dihitung program ini", "size class not counted by the program"),
}


def overview(session: Session, *, program: str | None = None, period: str | None = None,
             region: str | None = None, buyer: str | None = None, status: str | None = None,
             as_of: datetime | None = None) -> list[ComplianceLine]:
    """Per program, period and buyer: actual, required, shortfall, share, status and grade."""
    lines = compliance(session, program, period, buyer) if as_of is None else _as_of(session, as_of, program,
                                                                                     period, buyer)
    if region is not None:
        programs = {p.program_id: p.region for p in in_force(session, as_of)[0]}
        lines = [x for x in lines if programs.get(x.program_id) == region]
    if status is not None:
        lines = [x for x in lines if x.status == status]
    return lines


def _as_of(session: Session, as_of: datetime, program_id, period, buyer) -> list[ComplianceLine]:
    programs, declared = in_force(session, as_of)
    buckets = entry_buckets(session, as_of)
    buyers = _buyers(session, {b.buyer_id for b in buckets}, declared)
    budgets = {(d.agency_id, d.fiscal_year): d.budget for d in declared}
    names = dict(session.execute(select(Buyer.id, Buyer.name)).all())
    lines = []
    for p in programs:
        if program_id not in (None, p.program_id):
            continue
        for (who, label), fig in figures(p, buckets + exclusion_buckets(session, p, as_of), buyers, budgets,
                                         as_of).items():
            if period not in (None, label) or buyer not in (None, who):
                continue
            s = evaluate(p, label, actual=fig.actual, total=fig.total, budget=fig.budget, previous=None, now=as_of)
            base = {"share": fig.total, "share_of_budget": fig.budget}.get(p.kind)
            lines.append(ComplianceLine(p.program_id, p.name, p.kind, who, names.get(who), label, s.actual,
                                        s.required, s.shortfall, fig.total, base, s.share_bp,
                                        s.status.value if s.status else None, s.grade, None))
    order = {"breach": 0, "at_risk": 1, "recovered": 2, "met": 3}
    return sorted(lines, key=lambda x: (x.program_id, x.period, order.get(x.status, 4), -x.shortfall, x.buyer_id))


def _buyers(session: Session, ids: set[str], declared) -> dict[str, BuyerInfo]:
    known = {b.id: BuyerInfo(b.kind, b.region) for b in session.scalars(select(Buyer))}
    out = {b: known[b] for b in ids if b in known}
    for d in declared:
        if d.region is not None:
            out.setdefault(d.agency_id, BuyerInfo("agency", d.region))
    return out


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
class EntryLine:
    event_id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    booked_on: object
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


def buyer_detail(session: Session, buyer_id: str, *, period: str | None = None, as_of: datetime | None = None,
                 limit: int | None = 200, offset: int = 0) -> BuyerDetail | None:
    """A buyer's standings and its entries, each with its supplier and why it did or did not count
    for each program that covers the buyer. None for a buyer the ledger has never seen."""
    b = session.get(Buyer, buyer_id)
    if b is None:
        return None
    programs = [p for p in in_force(session, as_of)[0] if buyer_id in covered(p, {buyer_id: BuyerInfo(b.kind, b.region)})]
    q = select(Entry).where(Entry.buyer_id == buyer_id)
    if as_of is not None:
        q = q.where(Entry.recorded_at <= as_of)
    if period is not None:
        q = q.where(Entry.period.like(f"{period}%")) if "Q" not in period else q.where(
            Entry.period.in_(_months_of_quarter(period)))
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    entries = session.scalars(q.order_by(Entry.booked_on, Entry.id).offset(offset).limit(limit)).all()
    histories = load_histories(session, {e.supplier_id for e in entries}, as_of)
    names = _supplier_names(session, {e.supplier_id for e in entries})
    lines = []
    for e in entries:
        cls = class_on(histories.get(e.supplier_id, []), e.booked_on, e.region)
        excluded_id = e.reverses if e.kind == "reversal" else e.event_id
        lines.append(EntryLine(e.event_id, e.kind, e.occurred_at, e.recorded_at, e.booked_on, e.supplier_id,
                               names.get(e.supplier_id), cls.scale, cls.cooperative, cls.local, e.channel, e.amount,
                               e.late, e.reverses, {p.program_id: why(p, cls, e.channel, excluded_id) for p in programs}))
    standings = overview(session, buyer=buyer_id, as_of=as_of)
    return BuyerDetail(b.id, b.name, b.kind, b.region, standings, lines, total, [p.program_id for p in programs])


def _months_of_quarter(label: str) -> list[str]:
    year, q = label.split("-Q")
    first = 3 * int(q) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def _supplier_names(session: Session, ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    rows = session.execute(select(Registration.supplier_id, Registration.name)
                           .where(Registration.supplier_id.in_(sorted(ids))).order_by(Registration.id))
    for sid, name in rows:
        names[sid] = name  # the latest name
    return names


@dataclass(frozen=True, slots=True)
class SupplierLine:
    supplier_id: str
    name: str | None
    region: str | None
    scale: str | None  # the latest registration's
    cooperative: str | None
    received: int  # net, all buyers
    entries: int
    eligible: dict[str, int]  # program_id -> what counted for that program


def supplier_view(session: Session, *, supplier: str | None = None, program: str | None = None,
                  as_of: datetime | None = None) -> list[SupplierLine]:
    """What each supplier received, and how much of it counted for each program; largest first."""
    programs = [p for p in in_force(session, as_of)[0] if program in (None, p.program_id)]
    q = (select(Entry.supplier_id, Entry.buyer_id, Entry.region, Entry.channel, Entry.booked_on,
                func.sum(Entry.amount), func.count())
         .group_by(Entry.supplier_id, Entry.buyer_id, Entry.region, Entry.channel, Entry.booked_on))
    if as_of is not None:
        q = q.where(Entry.recorded_at <= as_of)
    if supplier is not None:
        q = q.where(Entry.supplier_id == supplier)
    rows = session.execute(q).all()
    histories = load_histories(session, {r[0] for r in rows}, as_of)
    buyers = {b.id: BuyerInfo(b.kind, b.region) for b in session.scalars(select(Buyer))}
    coverage = {p.program_id: covered(p, buyers) for p in programs}
    acc: dict[str, list] = defaultdict(lambda: [0, 0, defaultdict(int)])
    for sid, buyer_id, region, channel, day, amount, n in rows:
        cls = class_on(histories.get(sid, []), day, region)
        cell = acc[sid]
        cell[0] += int(amount)
        cell[1] += n
        for p in programs:
            if buyer_id in coverage[p.program_id] and _in_years(p, day.year) and why(p, cls, channel)[0]:
                cell[2][p.program_id] += int(amount)
    latest = _latest_registrations(session, set(acc))
    lines = [SupplierLine(sid, *latest.get(sid, (None, None, None, None)), received, n, dict(eligible))
             for sid, (received, n, eligible) in acc.items()]
    return sorted(lines, key=lambda x: (-x.received, x.supplier_id))


def _in_years(program, year: int) -> bool:
    y = program.years
    return y is None or (year >= y.first and (y.last is None or year <= y.last))


def _latest_registrations(session: Session, ids: set[str]) -> dict[str, tuple]:
    latest: dict[str, tuple] = {}
    for chunk in _chunks(sorted(ids), 900):
        rows = session.execute(select(Registration.supplier_id, Registration.name, Registration.region,
                                      Registration.scale, Registration.cooperative)
                               .where(Registration.supplier_id.in_(chunk)).order_by(Registration.id))
        for sid, *rest in rows:
            latest[sid] = tuple(rest)
    return latest


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    buyer_id: str  # `*` for a combined program
    month: str
    total: int
    eligible: int

    @property
    def share_bp(self) -> int | None:
        return None if self.total <= 0 else self.eligible * 10_000 // self.total


def trend(session: Session, *, buyer: str | None = None, program: str | None = None,
          as_of: datetime | None = None) -> list[TrendPoint]:
    """Month by month: total spend and what counted (for one program, or as UMKM and cooperatives)."""
    buckets = position_buckets(session, buyer) if as_of is None else entry_buckets(session, as_of, buyer)
    if program is None:
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for b in buckets:
            if buyer in (None, b.buyer_id):
                cell = sums[(b.buyer_id, b.month)]
                cell[0] += b.amount
                cell[1] += b.amount if counts_as_umkm(b.cls) else 0
        points = [TrendPoint(k[0], k[1], *v) for k, v in sums.items()]
    else:
        p = next((x for x in in_force(session, as_of)[0] if x.program_id == program), None)
        if p is None:
            return []
        # One buyer's months are its own even in a combined program (its part of the region's figure).
        scope = "per_buyer" if buyer is not None else p.scope
        monthly = p.model_copy(update={"period": "month", "kind": "amount", "scope": scope})
        buyers = {b.id: BuyerInfo(b.kind, b.region) for b in session.scalars(select(Buyer))}
        figs = figures(monthly, buckets + exclusion_buckets(session, p, as_of), buyers, {},
                       as_of or datetime.now(timezone.utc))
        points = [TrendPoint(who, label, f.total, f.actual) for (who, label), f in figs.items()
                  if buyer in (None, who) and f.total]
    return sorted(points, key=lambda t: (t.buyer_id, t.month))

