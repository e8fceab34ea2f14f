"""A partner that grew out of UMKM: when it became `besar`, and whether a program still counts
it (Peraturan BKPM 3/2025 gives a company one year to take on another partner). Pure.

A supplier graduates on the first day of an unbroken run of `besar` registrations that follows
a registration as mikro, kecil or menengah. A program counts the graduated partner's sales,
as it counted them the day before, until the grace has run: `besar_from + grace - 1 day` is
the last day that counts.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ledger.rules.eligibility import UMKM, Classification, SupplierClass, class_on, in_force
from schemas.codes import Scale

BESAR = Scale.BESAR.value


@dataclass(frozen=True, slots=True)
class Graduation:
    besar_from: date  # the first day as besar
    before: SupplierClass  # what it was the day before, for the same buyer region


def graduation(history: list[Classification], day: date, buyer_region: str) -> Graduation | None:
    """The graduation behind the supplier's class on `day`, if it is `besar` by graduating."""
    current = in_force(history, day)
    if current is None or current.scale != BESAR or (current.valid_to is not None and day > current.valid_to):
        return None
    start = current.valid_from
    for _ in range(len(history)):
        before = in_force(history, start - timedelta(days=1))
        if before is None or before.scale != BESAR:
            break
        start = before.valid_from
    prior = class_on(history, start - timedelta(days=1), buyer_region)
    if prior.scale not in UMKM:
        return None
    return Graduation(start, prior)


def counts_until(grad: Graduation, grace_days: int) -> date:
    """The last day a graduated partner still counts: the day before it became besar without a grace."""
    return grad.besar_from + timedelta(days=grace_days - 1) if grace_days > 0 else grad.besar_from - timedelta(days=1)


def in_grace(grad: Graduation, day: date, grace_days: int) -> bool:
    return grad.besar_from <= day <= counts_until(grad, grace_days)


def why_in_grace(verdict: tuple[bool, str], grad: Graduation | None, day: date, grace_days: int,
                 counted_before: bool) -> tuple[bool, str]:
    """An entry's verdict for a program (`ledger.rules.programs.why`), turned to counting with the
    code `graduated_grace` when its supplier's class is not counted only because it graduated
    within the program's grace, and the class it had before was counted."""
    if verdict == (False, "scale_not_counted") and grad is not None and counted_before \
            and in_grace(grad, day, grace_days):
        return True, "graduated_grace"
    return verdict
