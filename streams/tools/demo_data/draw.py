"""Random draws for the demo generator: weighted picks, percentages, times of day, dates and rupiah
amounts. Every draw takes the generator's one `Random`, so the same seed gives the same bytes."""

from bisect import bisect
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from random import Random

def pick(rng: Random, weighted: tuple[tuple, ...]):
    names, cumulative = _table(weighted)
    return names[bisect(cumulative, rng.random() * cumulative[-1])]


@cache
def _table(weighted: tuple[tuple, ...]) -> tuple[tuple, tuple[int, ...]]:
    return tuple(name for name, _ in weighted), tuple(accumulate(w for _, w in weighted))


def percent(rng: Random, pct: int) -> bool:
    return rng.random() * 100 < pct


def below(rng: Random, n: int) -> int:
    """randrange(n) for times and choices; cheaper, and never used for money."""
    return int(rng.random() * n)


def rupiah(rng: Random, lo: int, hi: int, step: int) -> int:
    """A whole-rupiah price, uniform over decades so small purchases dominate as in real spend."""
    low, high = rng.choice(_decades(lo, hi, step))
    return rng.randrange(low, high + 1) * step


@cache
def _decades(lo: int, hi: int, step: int) -> tuple[tuple[int, int], ...]:
    """[lo, hi] cut at each tenfold, in multiples of `step`."""
    bands, bottom = [], lo
    while bottom < hi:
        top = min(bottom * 10, hi)
        bands.append((-(-bottom // step), top // step))
        bottom = top
    return tuple(bands)


def time_of_day(rng: Random, first_minute: int, last_minute: int) -> str:
    minute = first_minute + below(rng, last_minute - first_minute + 1)
    return f"{minute // 60:02d}:{minute % 60:02d}:{below(rng, 60):02d}"


def some_day(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))
