"""When a partner graduated to besar, and until when a program still counts it: plain values."""

from datetime import date

import pytest

from ledger.rules.eligibility import Classification
from ledger.rules.graduation import Graduation, counts_until, graduation, in_grace


def reg(scale: str, valid_from: date, seq: int, valid_to: date | None = None, region: str = "3216") -> Classification:
    return Classification(scale, None, region, valid_from, valid_to, seq)


HISTORY = [reg("kecil", date(2023, 1, 1), 1), reg("besar", date(2024, 7, 1), 2)]


def test_the_first_day_as_besar_after_a_small_class_is_the_graduation():
    grad = graduation(HISTORY, date(2024, 9, 1), "3216")
    assert grad.besar_from == date(2024, 7, 1) and grad.before.scale == "kecil" and grad.before.local


def test_before_graduating_or_never_small_is_no_graduation():
    assert graduation(HISTORY, date(2024, 6, 30), "3216") is None
    assert graduation([reg("besar", date(2023, 1, 1), 1)], date(2024, 9, 1), "3216") is None
    # Unregistered just before the besar class: it was never counted, so nothing graduated.
    assert graduation([reg("kecil", date(2020, 1, 1), 1, valid_to=date(2021, 1, 1)),
                       reg("besar", date(2024, 7, 1), 2)], date(2024, 9, 1), "3216") is None


def test_a_renewed_besar_registration_keeps_the_first_day_of_the_run():
    history = HISTORY + [reg("besar", date(2025, 1, 1), 3)]
    assert graduation(history, date(2025, 3, 1), "3216").besar_from == date(2024, 7, 1)


@pytest.mark.parametrize("grace, last", [(365, date(2025, 6, 30)), (1, date(2024, 7, 1)), (0, date(2024, 6, 30))])
def test_the_grace_ends_on_its_last_day(grace, last):
    grad = Graduation(date(2024, 7, 1), reg("kecil", date(2023, 1, 1), 1))
    assert counts_until(grad, grace) == last
    assert in_grace(grad, last, grace) is (grace > 0)
    assert not in_grace(grad, date.fromordinal(last.toordinal() + 1), grace)
