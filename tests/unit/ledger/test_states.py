"""Which purchases count, as specifications on plain values: only the completed version in force;
a later arrival wins a tie; a lower version arriving late never counts; reversals follow their
purchase; and what a new version does to the positions of the one it supersedes."""

import itertools

import pytest

from ledger.rules.attribution import Refusal, original_of, purchase_row, reversible
from ledger.rules.programs import why
from ledger.rules.states import (COMPLETED, PENDING, SUPERSEDED, VOID, Takeover, Version, counts, entry_standing,
                                 in_force, not_counted, supersedes, takeover)
from ledger.rules.eligibility import SupplierClass
from schemas.codes import RejectReason
from tests.factories import defined, model, purchase

KECIL = SupplierClass("kecil", False, True)


def v(version: int, seq: int, state: str = COMPLETED) -> Version:
    return Version(version, seq, state)


# --- states --------------------------------------------------------------------------------------


def test_only_completed_counts():
    assert [counts(s) for s in (COMPLETED, PENDING, VOID)] == [True, False, False]


def test_pending_and_void_say_so_and_completed_says_nothing():
    assert [not_counted(s) for s in (COMPLETED, PENDING, VOID)] == [None, PENDING, VOID]


def test_a_version_that_is_not_in_force_is_superseded_whatever_its_state():
    assert not_counted(COMPLETED, superseded=True) == SUPERSEDED


# --- versions ------------------------------------------------------------------------------------


def test_the_highest_version_is_in_force():
    assert in_force([v(1, 10), v(3, 5), v(2, 20)]) == v(3, 5)


def test_of_equal_versions_the_later_arrival_is_in_force():
    assert in_force([v(1, 10, PENDING), v(1, 11, VOID)]) == v(1, 11, VOID)


def test_no_versions_no_version_in_force():
    assert in_force([]) is None


@pytest.mark.parametrize("order", list(itertools.permutations([v(0, 1, PENDING), v(1, 2), v(2, 3, VOID)])))
def test_the_version_in_force_does_not_depend_on_the_order_of_arrival(order):
    current = None
    for version in order:
        if supersedes(version, current):
            current = version
    assert current == v(2, 3, VOID)


def test_a_lower_version_arriving_later_does_not_supersede():
    assert not supersedes(v(1, 99), v(2, 1))
    assert takeover(v(2, 1), v(1, 99)) is None


def test_the_first_version_of_a_purchase_takes_over_nothing():
    assert takeover(None, v(0, 1)) == Takeover(remove_old=False, add_new=True)
    assert takeover(None, v(0, 1, PENDING)) == Takeover(remove_old=False, add_new=False)


def test_completing_a_pending_purchase_adds_it_and_brings_its_reversals_along():
    move = takeover(v(0, 1, PENDING), v(1, 2))
    assert move == Takeover(remove_old=False, add_new=True) and move.moves_reversals


def test_voiding_a_completed_purchase_removes_it_and_its_reversals():
    move = takeover(v(0, 1), v(1, 2, VOID))
    assert move == Takeover(remove_old=True, add_new=False) and move.moves_reversals


def test_an_addendum_replaces_the_amount_and_leaves_the_reversals_where_they_are():
    move = takeover(v(0, 1), v(1, 2))
    assert move == Takeover(remove_old=True, add_new=True) and not move.moves_reversals


def test_a_pending_version_replacing_a_void_one_moves_nothing():
    move = takeover(v(0, 1, VOID), v(1, 2, PENDING))
    assert move == Takeover(remove_old=False, add_new=False) and not move.moves_reversals


# --- what an entry shows -------------------------------------------------------------------------


def test_a_purchase_without_a_source_shows_its_own_state():
    assert entry_standing("purchase", PENDING, 7, None) == (PENDING, PENDING)
    assert entry_standing("reversal", COMPLETED, 8, None) == (COMPLETED, None)


def test_a_version_not_in_force_is_superseded_and_keeps_its_own_state():
    assert entry_standing("purchase", COMPLETED, 7, v(2, 9, PENDING)) == (COMPLETED, SUPERSEDED)


def test_the_version_in_force_shows_its_state():
    assert entry_standing("purchase", VOID, 9, v(2, 9, VOID)) == (VOID, VOID)


def test_a_reversal_shows_the_state_of_its_purchases_version_in_force():
    # booked while the purchase was pending; the purchase has since been completed
    assert entry_standing("reversal", PENDING, 8, v(1, 9)) == (COMPLETED, None)


# --- the entry rows and the reversal limit -------------------------------------------------------


def test_a_purchase_row_keeps_its_state_source_and_declared_umk():
    ev = model(purchase(state="pending", source=("spse", "PKG-1/K-1", 2), declared_umk_amount=750_000))
    row = purchase_row(ev, "fp", ev.occurred_at)
    assert (row["state"], row["source_system"], row["source_key"], row["source_version"], row["declared_umk"]) == (
        "pending", "spse", "PKG-1/K-1", 2, 750_000)
    assert original_of(row).source == ("spse", "PKG-1/K-1")


def test_a_purchase_row_without_the_additions_is_a_completed_purchase_of_its_own():
    ev = model(purchase())
    row = purchase_row(ev, "fp", ev.occurred_at)
    assert (row["state"], row["source_system"], row["source_version"], row["declared_umk"]) == (
        "completed", None, None, None)
    assert original_of(row).source is None


def test_what_remains_of_a_purchase_with_versions_is_of_the_version_in_force():
    ev = model(purchase(amount=1_000_000, source=("spse", "K", 0)))
    named = original_of(purchase_row(ev, "fp", ev.occurred_at))
    assert reversible("evt-00000001", None, named, 200_000, in_force_amount=1_500_000) == 1_300_000
    refused = reversible("evt-00000001", 1_300_001, named, 200_000, in_force_amount=1_500_000)
    assert isinstance(refused, Refusal) and refused.reason is RejectReason.OVER_REVERSAL


# --- the reason a program is given ---------------------------------------------------------------


@pytest.mark.parametrize("reason", [PENDING, VOID, SUPERSEDED])
def test_an_entry_that_does_not_count_says_why_before_its_suppliers_class(reason):
    program = defined()
    assert why(program, KECIL, "toko_daring") == (True, "kecil")
    assert why(program, KECIL, "toko_daring", None, reason) == (False, reason)
