"""Which class a supplier had on a date, and whether spend with it counts. Pure."""

from dataclasses import dataclass
from datetime import date

from schemas.codes import Scale

UNREGISTERED = "unregistered"
LAPSED = "lapsed"

# PP 7/2021 Pasal 35: (upper bound of capital, upper bound of annual sales) per class.
_PP7_LIMITS: tuple[tuple[Scale, int, int], ...] = (
    (Scale.MIKRO, 1_000_000_000, 2_000_000_000),
    (Scale.KECIL, 5_000_000_000, 15_000_000_000),
    (Scale.MENENGAH, 10_000_000_000, 50_000_000_000),
)

#: Classes that count as UMKM for the default eligibility (issue-level programs narrow it).
UMKM = frozenset({Scale.MIKRO.value, Scale.KECIL.value, Scale.MENENGAH.value})


def derive_scale(capital: int | None = None, annual_sales: int | None = None) -> Scale:
    """Size class by PP 7/2021: annual sales when known (an operating business), else capital."""
    if annual_sales is not None:
        return next((s for s, _, cap in _PP7_LIMITS if annual_sales <= cap), Scale.BESAR)
    if capital is not None:
        return next((s for s, cap, _ in _PP7_LIMITS if capital <= cap), Scale.BESAR)
    raise ValueError("capital or annual_sales is needed to derive a scale")


def sales_ceiling(scale: str) -> int | None:
    """The most a class may sell in a year (PP 7/2021); None for besar and for what is no class."""
    return next((cap for s, _, cap in _PP7_LIMITS if s.value == scale), None)


@dataclass(frozen=True, slots=True)
class Classification:
    """One row of a supplier's classification history."""

    scale: str
    cooperative: str | None
    region: str
    valid_from: date
    valid_to: date | None = None
    seq: int = 0  # order of arrival; a later row with the same valid_from corrects an earlier one


@dataclass(frozen=True, slots=True)
class SupplierClass:
    """What a supplier was on one date: the key of a position bucket."""

    scale: str  # a Scale value, UNREGISTERED or LAPSED
    cooperative: bool
    local: bool


def in_force(history: list[Classification], day: date) -> Classification | None:
    """The registration in force on `day`: the latest valid_from on or before it (then arrival)."""
    current = None
    for reg in history:
        if reg.valid_from <= day and (
            current is None or (reg.valid_from, reg.seq) > (current.valid_from, current.seq)
        ):
            current = reg
    return current


def class_on(history: list[Classification], day: date, buyer_region: str) -> SupplierClass:
    """The registration in force on `day` decides; none yet is unregistered, past valid_to is lapsed."""
    current = in_force(history, day)
    if current is None:
        return SupplierClass(UNREGISTERED, False, False)
    if current.valid_to is not None and day > current.valid_to:
        return SupplierClass(LAPSED, False, current.region == buyer_region)
    return SupplierClass(current.scale, current.cooperative is not None, current.region == buyer_region)


def counts_as_umkm(cls: SupplierClass) -> bool:
    """Default eligibility of the spine: UMKM of any class or a cooperative, registered on the date."""
    if cls.scale in (UNREGISTERED, LAPSED):
        return False
    return cls.scale in UMKM or cls.cooperative
