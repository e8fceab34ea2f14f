"""Plausibility flags on plain values: the PP 7/2021 sales ceilings at their bounds, purchases split
on one day to stay under a channel's cap, and UMK credit given to a large supplier."""

from datetime import date

import pytest

from ledger.rules.eligibility import sales_ceiling
from ledger.rules.plausibility import Purchase, declared_umk_but_besar, over_ceiling, possible_splits

M = 1_000_000
CAPS = {"toko_daring": 50 * M, "pengadaan_langsung": 200 * M}
DAY = date(2024, 3, 5)


@pytest.mark.parametrize("scale, ceiling", [("mikro", 2_000 * M), ("kecil", 15_000 * M), ("menengah", 50_000 * M)])
def test_each_class_may_receive_up_to_its_ceiling_and_not_one_rupiah_more(scale, ceiling):
    assert sales_ceiling(scale) == ceiling
    assert over_ceiling(scale, ceiling) is None
    assert over_ceiling(scale, ceiling + 1) == ceiling


@pytest.mark.parametrize("scale", ["besar", "unregistered", "lapsed"])
def test_a_large_or_unclassed_supplier_has_no_ceiling_to_pass(scale):
    assert over_ceiling(scale, 10**15) is None


def bought(n: int, amount: int, *, day=DAY, channel="toko_daring", buyer="opd-1", supplier="s-1") -> Purchase:
    return Purchase(f"evt-{n}", buyer, supplier, day, channel, amount)


def test_two_purchases_are_never_a_split_however_large():
    assert possible_splits([bought(1, 40 * M), bought(2, 40 * M)], CAPS) == []


def test_three_purchases_on_one_day_past_the_cap_are_a_possible_split():
    (split,) = possible_splits([bought(3, 20 * M), bought(1, 20 * M), bought(2, 11 * M)], CAPS)
    assert (split.buyer_id, split.supplier_id, split.booked_on, split.channel) == ("opd-1", "s-1", DAY, "toko_daring")
    assert (split.total, split.cap, split.event_ids) == (51 * M, 50 * M, ("evt-1", "evt-2", "evt-3"))


def test_three_purchases_adding_up_to_the_cap_exactly_are_not():
    assert possible_splits([bought(1, 20 * M), bought(2, 20 * M), bought(3, 10 * M)], CAPS) == []


def test_purchases_on_different_days_are_not_summed():
    purchases = [bought(1, 30 * M), bought(2, 30 * M), bought(3, 30 * M, day=date(2024, 3, 6))]
    assert possible_splits(purchases, CAPS) == []


def test_a_channel_without_a_cap_is_not_looked_at_and_channels_are_not_mixed():
    assert possible_splits([bought(n, 100 * M, channel="tender") for n in range(5)], CAPS) == []
    mixed = [bought(1, 30 * M), bought(2, 30 * M), bought(3, 30 * M, channel="pengadaan_langsung")]
    assert possible_splits(mixed, CAPS) == []


def test_each_channel_has_its_own_cap():
    under = [bought(n, 60 * M, channel="pengadaan_langsung") for n in range(3)]
    assert possible_splits(under, CAPS) == []
    (split,) = possible_splits(under + [bought(9, 30 * M, channel="pengadaan_langsung")], CAPS)
    assert (split.total, split.cap, len(split.event_ids)) == (210 * M, 200 * M, 4)


def test_other_buyers_or_suppliers_are_other_groups_and_a_reversed_purchase_is_left_out():
    purchases = [bought(1, 30 * M), bought(2, 30 * M, buyer="opd-2"), bought(3, 30 * M, supplier="s-2"),
                 bought(4, 30 * M), bought(5, 0)]
    assert possible_splits(purchases, CAPS) == []


def test_umk_credit_to_a_large_supplier_is_flagged_and_to_a_small_one_or_none_is_not():
    assert declared_umk_but_besar("besar", 1)
    assert not declared_umk_but_besar("besar", 0) and not declared_umk_but_besar("besar", None)
    assert not declared_umk_but_besar("kecil", 5 * M) and not declared_umk_but_besar("lapsed", 5 * M)
