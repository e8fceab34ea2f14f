"""A planned package against its orders, on plain values: the basis on which an order's supplier is
UMK, the part of it that is UMK spend, and what the package's line says."""

import pytest

from ledger.rules.eligibility import SupplierClass
from ledger.rules.packages import (DECLARED, NO_PLAN, NOT_REALISED, NOT_UMK, OUTSIDE_UKM, REALISED, REGISTRY,
                                   finding, plan_status, umk_basis, umk_part)

KECIL, MIKRO = SupplierClass("kecil", False, True), SupplierClass("mikro", False, False)
BESAR, MENENGAH = SupplierClass("besar", False, True), SupplierClass("menengah", False, True)
KOPERASI = SupplierClass("menengah", True, True)
UNREGISTERED, LAPSED = SupplierClass("unregistered", False, False), SupplierClass("lapsed", False, True)


@pytest.mark.parametrize("cls", [KECIL, MIKRO, KOPERASI])
def test_a_supplier_registered_micro_small_or_cooperative_that_day_is_umk_on_the_registrys_basis(cls):
    assert umk_basis(cls, None) == umk_basis(cls, 0) == umk_basis(cls, 5) == REGISTRY


@pytest.mark.parametrize("cls", [BESAR, MENENGAH, UNREGISTERED, LAPSED])
def test_otherwise_the_sources_declaration_is_the_only_basis(cls):
    assert umk_basis(cls, 1_000) == DECLARED
    assert umk_basis(cls, 0) is None and umk_basis(cls, None) is None


def test_the_umk_part_is_all_of_it_on_the_registrys_basis_and_what_is_declared_on_the_sources():
    assert umk_part(10_000, REGISTRY, None) == 10_000
    assert umk_part(10_000, DECLARED, 4_000) == 4_000
    assert umk_part(3_000, DECLARED, 4_000) == 3_000  # never more than what remains of the order
    assert umk_part(10_000, None, None) == 0


@pytest.mark.parametrize("ukm, excluded, withdrawn, status", [
    (True, False, False, "ukm"), (False, False, False, "non_ukm"), (True, True, False, "excluded"),
    (True, False, True, "withdrawn"), (False, True, True, "withdrawn")])
def test_a_plan_is_for_ukm_only_when_reserved_for_it_in_force_and_under_the_rules(ukm, excluded, withdrawn, status):
    assert plan_status(ukm, excluded, withdrawn) == status


def test_a_ukm_package_realised_through_umk_on_either_basis_is_realised():
    assert finding("ukm", [REGISTRY, DECLARED]) == REALISED


def test_one_order_through_a_supplier_umk_on_neither_basis_is_the_finding():
    assert finding("ukm", [REGISTRY, None]) == NOT_UMK


def test_a_ukm_package_with_no_completed_order_is_not_realised_yet():
    assert finding("ukm", []) == finding("ukm", iter(())) == NOT_REALISED


@pytest.mark.parametrize("plan", ["non_ukm", "excluded", "withdrawn"])
def test_a_package_not_planned_for_ukm_is_outside_it_whoever_realised_it(plan):
    assert finding(plan, [None]) == finding(plan, []) == OUTSIDE_UKM


def test_orders_naming_a_code_no_plan_holds_say_so():
    assert finding(None, [REGISTRY]) == NO_PLAN
