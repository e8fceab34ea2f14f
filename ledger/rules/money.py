"""Money is integer rupiah. This module is the one place that turns it into text."""


def format_rupiah(amount: int) -> str:
    """`1250000` -> `Rp 1.250.000` (Indonesian thousands separator)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def share_text(numerator: int, denominator: int, places: int = 2) -> str:
    """A percentage computed from integers, rounded half up only for display."""
    if denominator <= 0:
        return "-"
    sign = "-" if numerator < 0 else ""
    scale = 10**places
    units = (abs(numerator) * 100 * scale * 2 + denominator) // (denominator * 2)
    whole, frac = divmod(units, scale)
    return f"{sign}{whole}%" if places == 0 else f"{sign}{whole},{frac:0{places}d}%"


def percent(bp: int | None, sep: str = ",") -> str:
    """Basis points as a percentage with two decimals: 2999 -> `29,99%`. Compliance shares are
    kept rounded down, so a shortfall never reads as the line."""
    return "-" if bp is None else share_text(bp, 10_000).replace(",", sep)
