"""Whether a buyer meets a program in one period: pure rules on integer rupiah, no I/O.

Shares are never compared through a rounded percentage. `required` turns a share into the
smallest whole rupiah that satisfies it (a ceiling), so `actual >= required` is exactly
`actual * 10000 >= threshold_bp * base`: 30% of Rp 10 is met by Rp 3, and 29.99% is not met.

Status of a buyer, program and period, decided in this order:
1. `met` when actual >= required; `recovered` instead when the last status was a shortfall
   (at_risk or breach) or already recovered. Recovered stays until the next shortfall, so
   the end of a shortfall is announced once and never followed by a second "met".
2. `breach` when the period has closed short. Closed figures are final: no grace, no minimum.
3. Otherwise no alarm is raised in the first `grace_days` of the period or while the total
   spend is below `minimum_spend`: the status stays what it was (None before the first one).
4. Share programs (30% of the buyer's own spend): `breach` when short. A linear pace projects
   eligible spend and total alike, so the projected share is the share now; short after the
   grace is short.
5. Amount programs (a target, or a share of a fixed budget) accumulate over the period:
   `at_risk` when the pace so far (actual x length / elapsed) ends under required, widened by
   `at_risk_margin_bp`. On pace but not yet met keeps the last status: a pace that wobbles
   around the line alerts once, and the warning lifts when the target is met (recovered) or
   turns into a breach when the period closes short.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from enum import StrEnum

from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass
from schemas.codes import region_timezone
from schemas.targets import AppliesTo, EligibleSuppliers, ProgramDefined, StatusOptions

BP = 10_000  # basis points in a whole
KINDS = ("amount", "share", "share_of_budget")


class Status(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    BREACH = "breach"
    RECOVERED = "recovered"


_AFTER_SHORTFALL = frozenset({Status.AT_RISK, Status.BREACH, Status.RECOVERED})
_GRADES = ((120, "A+"), (100, "A"), (90, "B"), (80, "C"), (70, "D"))
_LABEL = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


def applies(rule: AppliesTo, buyer_id: str, kind: str, region: str) -> bool:
    """A buyer is covered when listed by id, or when it matches every selector given (kind, region)."""
    if buyer_id in rule.buyers:
        return True
    if rule.kind is None and rule.region is None:
        return False
    return rule.kind in (None, kind) and rule.region in (None, region)


def counts(cls: SupplierClass, rule: EligibleSuppliers) -> bool:
    """Whether spend in one position bucket counts: listed scale, or a cooperative when they count.

    Unregistered and lapsed never count; with `local_to_region` only local buckets do.
    """
    if cls.scale in (UNREGISTERED, LAPSED):
        return False
    if rule.local_to_region is not None and not cls.local:
        return False
    return cls.scale in rule.scales or (rule.cooperatives and cls.cooperative)


def eligible_amount(buckets: Iterable[tuple[SupplierClass, int]], rule: EligibleSuppliers,
                    buyer_region: str) -> int:
    """Sum of the (class, amount) buckets of one buyer that the program's supplier rule counts.

    Positions record locality relative to the buyer's own region, so a rule local to another
    region cannot be read from them; that is refused rather than counted as zero.
    """
    if rule.local_to_region not in (None, buyer_region):
        raise ValueError(f"positions of a buyer in {buyer_region} cannot tell which suppliers are "
                         f"local to {rule.local_to_region}")
    return sum(amount for cls, amount in buckets if counts(cls, rule))


def share_bp(part: int, whole: int) -> int | None:
    """`part / whole` in basis points, rounded down; None without a base.

    Rounded down, `share_bp(part, whole) >= threshold_bp` agrees exactly with `part >= required`.
    """
    if whole <= 0:
        return None
    return part * BP // whole


def required(kind: str, threshold: int, total: int, budget: int | None = None) -> int:
    """Rupiah a buyer must reach: the amount itself, or the ceiling of a share of its total or budget."""
    if kind == "amount":
        return threshold
    if kind == "share":
        return -(-threshold * max(total, 0) // BP)
    if kind == "share_of_budget":
        if budget is None:
            raise ValueError("no declared budget: a share of budget has no base")
        return -(-threshold * budget // BP)
    raise ValueError(f"unknown program kind {kind!r}")


def shortfall(actual: int, required: int) -> int:
    """Rupiah still missing; never negative."""
    return max(0, required - actual)


def status(previous: Status | None, actual: int, required: int, period_start: datetime,
           period_end: datetime, now: datetime, options: StatusOptions, *, total: int,
           kind: str) -> Status | None:
    """The status after this evaluation; the rules and their order are in the module docstring.

    `total` is the buyer's whole spend in the period (for `minimum_spend`); `period_end` is
    exclusive. None means no status yet (a shortfall still within the grace or the minimum).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown program kind {kind!r}")
    if actual >= required:
        return Status.RECOVERED if previous in _AFTER_SHORTFALL else Status.MET
    if now >= period_end:
        return Status.BREACH
    if now < period_start + timedelta(days=options.grace_days) or total < options.minimum_spend:
        return previous
    if kind == "share":
        return Status.BREACH
    if _off_pace(actual, required, period_start, period_end, now, options.at_risk_margin_bp or 0):
        return Status.AT_RISK
    return previous


def _off_pace(actual: int, required: int, start: datetime, end: datetime, now: datetime, margin_bp: int) -> bool:
    # actual * length / elapsed < required * (1 + margin), cross-multiplied to stay in integers.
    length, elapsed = _micros(start, end), _micros(start, now)
    return actual * length * BP < required * (BP + margin_bp) * elapsed


def _micros(a: datetime, b: datetime) -> int:
    # Through UTC: aware datetimes sharing a tzinfo would otherwise subtract as wall-clock times.
    return (b.astimezone(timezone.utc) - a.astimezone(timezone.utc)) // timedelta(microseconds=1)


def grade(actual: int, required: int) -> str | None:
    """SBA scorecard grade by percent of goal: A+ >= 120, A >= 100, B >= 90, C >= 80, D >= 70, else F.

    Exact integer boundaries on the rupiah requirement; None when there is no goal (required <= 0).
    """
    if required <= 0:
        return None
    return next((name for pct, name in _GRADES if actual * 100 >= pct * required), "F")


def period_bounds(period_label: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of `2024`, `2024-Q1` or `2024-03` in a time zone."""
    year, first, months = _parse(period_label)
    carry, last = divmod(first - 1 + months, 12)
    return datetime(year, first, 1, tzinfo=tz), datetime(year + carry, last + 1, 1, tzinfo=tz)


def granularity(period_label: str) -> str:
    """`year`, `quarter` or `month`: the kind of period a label names."""
    return {12: "year", 3: "quarter", 1: "month"}[_parse(period_label)[2]]


def _parse(period_label: str) -> tuple[int, int, int]:
    match = _LABEL.match(period_label)
    if match is None:
        raise ValueError(f"not a period: {period_label!r} (YYYY, YYYY-Qn or YYYY-MM)")
    year, quarter, month = match.groups()
    first, months = (3 * int(quarter) - 2, 3) if quarter else (int(month), 1) if month else (1, 12)
    return int(year), first, months


def should_alert(previous: Status | None, new: Status | None) -> bool:
    """One alert per change of status: never for no status, never for the status already held."""
    return new is not None and new != previous


@dataclass(frozen=True, slots=True)
class Assessment:
    """One status line: what an alert and a report row carry."""

    status: Status | None
    actual: int
    required: int
    shortfall: int
    share_bp: int | None  # of the total (share) or the budget (share_of_budget); None for amounts
    grade: str | None


def evaluate(program: ProgramDefined, period_label: str, *, actual: int, total: int, budget: int | None,
             previous: Status | None, now: datetime) -> Assessment:
    """A program's standing for one buyer (or all, when combined) and period, as of `now`.

    `actual` is the eligible spend (`eligible_amount`, summed over buyers for a combined
    scope), `total` all spend, `budget` the declared pagu for share_of_budget.
    """
    if granularity(period_label) != program.period:
        raise ValueError(f"{program.program_id} is per {program.period}, not {period_label!r}")
    start, end = period_bounds(period_label, region_timezone(program.region))
    threshold = program.threshold.amount if program.kind == "amount" else program.threshold.share_bp
    need = required(program.kind, threshold, total, budget)
    new = status(previous, actual, need, start, end, now, program.status, total=total, kind=program.kind)
    base = {"share": total, "share_of_budget": budget}.get(program.kind)
    return Assessment(new, actual, need, shortfall(actual, need),
                    None if base is None else share_bp(actual, base), grade(actual, need))
