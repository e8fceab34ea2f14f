"""What `kuota bench-latency` sends and how it reads the alerts back, without a broker or a clock.

The plan: a stream of purchases at a steady rate, most of them background (agencies buying
through the year), and among them, for each of many companies under the 30% allocation program,
purchases that each change the company's status in one closed quarter: a first purchase from a
local UMKM (`met`), then one from a large supplier that takes the share under 30% (`breach`),
then one from the UMKM that brings it back (`recovered`), and so on, one every `spacing` seconds.

An alert is matched to the purchase that caused it by its content: the buyer, the program, the
period, the status and the figures (eligible spend and the rupiah required), which are
cumulative and so name one purchase of that buyer exactly.
"""

import math
from dataclasses import dataclass

from streams.errors import UsageError

PROGRAM = "alokasi-30-3216"  # examples/programs/alokasi-30-persen-3216.toml: 30% per quarter, companies in 3216
PERIOD = "2024-Q1"  # closed: no grace, no minimum spend, a share under 30% is a breach at once
OCCURRED_AT = "2024-02-14T10:00:00+07:00"
SHARE_BP = 3000
UMKM, BIG = "3216900000001", "3216900000002"  # a local micro supplier and a large one


@dataclass(frozen=True, slots=True)
class Trigger:
    """One purchase that changes a company's status, and the alert it must raise."""

    buyer: str
    n: int  # the n-th change of this buyer's status
    due: float  # seconds after the start of the stream
    supplier: str
    amount: int
    status: str
    actual: int  # eligible spend after this purchase
    required: int  # the 30% of the total after this purchase, in whole rupiah (ceiling)


def company(i: int) -> str:
    return f"co-3216-lat-{i:04d}"


def steps(count: int) -> list[tuple[str, int, str, int, int]]:
    """(supplier, amount, status, actual, required) of one company's first `count` status changes.

    A UMKM purchase lifts the share to at least 40%, a large supplier's takes it to at most 20%:
    well clear of 30% on either side, so each one changes the status."""
    out, actual, total = [], 0, 0
    for n in range(count):
        if n % 2 == 0:  # UMKM: (actual + u) / (total + u) >= 40%
            amount = max(1_000_000, -(-(4 * total - 10 * actual) // 6))
            actual += amount
        else:  # large: actual / (total + b) <= 20%
            amount = max(1_000_000, 5 * actual - total)
        total += amount
        status = "met" if n == 0 else "breach" if n % 2 else "recovered"
        out.append((UMKM if n % 2 == 0 else BIG, amount, status, actual, -(-SHARE_BP * total // 10_000)))
    return out


def triggers(companies: int, seconds: float, spacing: float) -> list[Trigger]:
    """Every company's status-changing purchases, company i first at i x spacing / companies,
    then one every `spacing` seconds while the stream lasts; sorted by when they are due."""
    out = []
    for i in range(companies):
        first = i * spacing / companies
        count = math.ceil((seconds - first) / spacing) if first < seconds else 0
        for n, (supplier, amount, status, actual, required) in enumerate(steps(count), start=1):
            out.append(Trigger(company(i), n, first + (n - 1) * spacing, supplier, amount, status, actual, required))
    return sorted(out, key=lambda t: t.due)


def slots(triggers_: list[Trigger], rate: float, events: int) -> dict[int, Trigger]:
    """{position in the stream: trigger}: event k is due at k / rate; a trigger takes the first
    free position at or after its own time."""
    taken: dict[int, Trigger] = {}
    for t in triggers_:
        k = min(int(t.due * rate), events - 1)
        while k in taken:
            k += 1
        if k >= events:
            raise UsageError(f"{len(triggers_):,} status-changing purchases do not fit in {events:,} events: "
                             f"lower --companies or raise --rate")
        taken[k] = t
    return taken


def key(buyer: str, status: str, actual: int, required: int) -> tuple:
    return buyer, status, actual, required


def match(alert: dict, expected: dict[tuple, Trigger]) -> Trigger | None:
    """The trigger an alert announces, or None when the alert is about something else."""
    if alert.get("program") != PROGRAM or alert.get("period") != PERIOD:
        return None
    return expected.get(key(alert.get("buyer_id"), alert.get("status"), alert.get("actual"), alert.get("required")))


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def tally(planned: list[Trigger], sent: dict[Trigger, float], arrived: list[tuple[float, dict]],
          buyers: set[str]) -> dict:
    """Latency of each expected alert (first arrival - its purchase sent), what is missing, and
    alerts about the benchmark's companies that match no purchase (a change the plan did not make)."""
    expected = {key(t.buyer, t.status, t.actual, t.required): t for t in planned}
    first: dict[Trigger, float] = {}
    unexpected, other = [], 0
    for at, alert in arrived:
        trigger = match(alert, expected)
        if trigger is not None:
            first.setdefault(trigger, at)
        elif alert.get("buyer_id") in buyers:
            unexpected.append(alert)
        else:
            other += 1
    ms = [(first[t] - sent[t]) * 1000 for t in planned if t in first and t in sent]
    missing = [t for t in planned if t not in first]
    return {"expected": len(planned), "received": len(first), "missing": len(missing),
            "missing_examples": [f"{t.buyer} #{t.n} {t.status}" for t in missing[:5]],
            "unexpected": len(unexpected), "other_alerts": other,
            "p50_ms": _ms(percentile(ms, 0.50)), "p99_ms": _ms(percentile(ms, 0.99)), "max_ms": _ms(max(ms, default=None))}


def _ms(value: float | None) -> int | None:
    return None if value is None else round(value)
