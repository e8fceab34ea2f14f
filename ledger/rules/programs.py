"""What a program reads from the books: per buyer (or all covered buyers) and period, the
eligible spend by both measures (verified by the registry, declared by the source), the total
spend and the declared budget. Pure: plain values in, plain values out.

Buckets are the positions (buyer, month, channel, supplier class on the purchase date, amount),
negative buckets for purchases a program leaves out of its base (`exclusion_buckets`), and the
declared UMK value of the purchases that count (`ledger.books.measures`, amount 0).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from ledger.rules.compliance import applies, counts, period_bounds
from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass
from ledger.rules.periods import period_of
from schemas.codes import region_timezone
from schemas.targets import ProgramDefined

ALL = "*"  # the buyer id of a program judged on all covered buyers together


@dataclass(frozen=True, slots=True)
class Bucket:
    buyer_id: str
    month: str  # YYYY-MM
    channel: str
    cls: SupplierClass
    amount: int
    declared: int = 0  # the UMK value the source records declare (`ledger.books.measures`), beside the amount


@dataclass(frozen=True, slots=True)
class BuyerInfo:
    kind: str
    region: str


@dataclass(slots=True)
class Figures:
    actual: int = 0  # eligible spend, by the program's measure
    total: int = 0  # all spend in the base
    budget: int | None = None
    verified: int = 0  # spend with suppliers the registry classes eligible on the purchase date
    declared: int = 0  # the UMK value the source records declare
    registered: int = 0  # spend with suppliers the registry knew on the purchase date: the verified measure's coverage


def covered(program: ProgramDefined, buyers: dict[str, BuyerInfo]) -> set[str]:
    """Buyers the program applies to, among those the ledger knows (plus any listed by id)."""
    ids = {b for b, info in buyers.items() if applies(program.applies_to, b, info.kind, info.region)}
    return ids | set(program.applies_to.buyers)


def figures(program: ProgramDefined, buckets: list[Bucket], buyers: dict[str, BuyerInfo],
            budgets: dict[tuple[str, int], int], now: datetime) -> dict[tuple[str, str], Figures]:
    """{(buyer or `*`, period label): Figures} for every line the program has something to say on.

    Left out: channels the program excludes, periods outside its years, share lines without
    spend (no base), share-of-budget lines without a declared budget (no base either).
    Amount and share-of-budget lines exist from the start of each period of the program's years
    even without spend: a buyer that spends nothing is short, not absent.
    """
    ids = covered(program, buyers)
    excluded = {x.channel.value for x in program.exclusions if x.channel is not None}
    lines: dict[tuple[str, str], Figures] = defaultdict(Figures)
    for b in buckets:
        if b.buyer_id not in ids or b.channel in excluded:
            continue
        label = period_of(b.month, program.period)
        if not in_years(program, label):
            continue
        line = lines[(b.buyer_id if program.scope == "per_buyer" else ALL, label)]
        line.total += b.amount
        line.declared += b.declared
        if counts(b.cls, program.eligible):
            line.verified += b.amount
        if b.cls.scale not in (UNREGISTERED, LAPSED):
            line.registered += b.amount
    for label in started_periods(program, now):
        if program.kind == "amount":
            for who in (sorted(ids) if program.scope == "per_buyer" else [ALL]):
                lines[(who, label)]  # noqa: B018 (creates the empty line)
        elif program.kind == "share_of_budget":
            for agency in sorted(ids):
                if (agency, int(label[:4])) in budgets:
                    lines[(agency, label)]  # noqa: B018
    for line in lines.values():
        line.actual = line.declared if program.measure == "declared" else line.verified
    if program.kind == "share":
        return {k: v for k, v in lines.items() if v.total > 0}
    if program.kind == "share_of_budget":
        for (agency, label), line in lines.items():
            line.budget = budgets.get((agency, int(label[:4])))
        return {k: v for k, v in lines.items() if v.budget is not None}
    return dict(lines)


def program_base(program: ProgramDefined, fig: Figures) -> int | None:
    """What a share is a share of: the buyer's own total, or its budget; none for an amount."""
    return {"share": fig.total, "share_of_budget": fig.budget}.get(program.kind)


def in_years(program: ProgramDefined, label: str) -> bool:
    if program.years is None:
        return True
    year = int(label[:4])
    return year >= program.years.first and (program.years.last is None or year <= program.years.last)


def started_periods(program: ProgramDefined, now: datetime) -> list[str]:
    """Labels of the program's periods that have begun by `now` (none without `years`)."""
    if program.years is None:
        return []
    tz = region_timezone(program.region)
    last = program.years.last if program.years.last is not None else now.astimezone(tz).year
    labels = []
    for year in range(program.years.first, last + 1):
        for label in _labels(year, program.period):
            if period_bounds(label, tz)[0] <= now:
                labels.append(label)
    return labels


def _labels(year: int, granularity: str) -> list[str]:
    if granularity == "year":
        return [str(year)]
    if granularity == "quarter":
        return [f"{year}-Q{q}" for q in range(1, 5)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def excluded_part(amount: int, lines: list[dict] | None, categories: set[str]) -> int:
    """Rupiah of a purchase's lines whose category a program excludes."""
    if not lines or not categories:
        return 0
    return sum(line["quantity"] * line["unit_price"] for line in lines if line.get("category") in categories)


def net_excluded(excluded_gross: int, gross: int, net: int) -> int:
    """The excluded share of what remains of a purchase after reversals, in whole rupiah (floor)."""
    if gross <= 0 or excluded_gross <= 0:
        return 0
    return excluded_gross * net // gross


def why(program: ProgramDefined, cls: SupplierClass, channel: str, event_id: str | None = None,
        not_counted: str | None = None) -> tuple[bool, str]:
    """Whether one entry counts for a program, and the stable code of why (or why not).
    `not_counted` (`ledger.rules.states.not_counted`: pending, void, superseded) answers first:
    an entry that counts toward no position counts for no program, whatever its supplier."""
    if not_counted is not None:
        return False, not_counted
    if any(x.channel is not None and x.channel.value == channel for x in program.exclusions):
        return False, "channel_excluded"
    if event_id is not None and any(x.event_id == event_id for x in program.exclusions):
        return False, "purchase_excluded"
    if cls.scale == UNREGISTERED:
        return False, "unregistered"
    if cls.scale == LAPSED:
        return False, "lapsed"
    if program.eligible.local_to_region is not None and not cls.local:
        return False, "not_local"
    if counts(cls, program.eligible):
        return True, "cooperative" if cls.cooperative and cls.scale not in program.eligible.scales else cls.scale
    return False, "scale_not_counted"
