"""A purchase kept before its source carried a supplier name or a planned package, sent again with
them, is the same purchase described more fully: a duplicate, never a conflicting copy."""

from ledger.rules.attribution import Seen, described_later, seen
from ledger.rules.fingerprint import fingerprint
from schemas.plain import plain_purchase
from tests import factories

KEPT = factories.purchase("spse-00000001", 5_000_000, source=("spse", "10937097/npwp:1", 0),
                          declared_umk_amount=5_000_000)


def kept_fingerprint(doc: dict = KEPT) -> str:
    return fingerprint(factories.model(doc))


def test_an_event_without_the_new_fields_keeps_the_fingerprint_it_had_before_they_existed():
    # The plain path hashes JSON written by hand, without the additions: the models must agree.
    plain = factories.purchase("evt-00000001", 1_250_000)
    assert fingerprint(plain_purchase(factories.wire(plain))) == kept_fingerprint(plain)


def test_the_same_purchase_with_a_supplier_name_or_a_package_is_described_later():
    for more in ({"supplier_name": "CV.HANSAMU"}, {"plan_package": "60608395"},
                 {"supplier_name": "CV.HANSAMU", "plan_package": "60608395"}):
        again = factories.model(KEPT | more)
        assert seen(again.event_id, fingerprint(again), {again.event_id: kept_fingerprint()}) is Seen.CONFLICTING
        assert described_later(again, kept_fingerprint())


def test_a_changed_amount_is_a_conflict_whatever_descriptions_come_with_it():
    again = factories.model(KEPT | {"amount": 6_000_000, "supplier_name": "CV.HANSAMU"})
    assert not described_later(again, kept_fingerprint())


def test_a_changed_name_of_a_purchase_kept_with_a_name_is_a_conflict():
    named = KEPT | {"supplier_name": "CV.HANSAMU"}
    renamed = factories.model(KEPT | {"supplier_name": "CV. HANSAMU JAYA"})
    assert not described_later(renamed, kept_fingerprint(named))


def test_a_copy_with_no_description_is_never_described_later():
    other = factories.model(KEPT | {"amount": 1})
    assert not described_later(other, kept_fingerprint())
    plain = plain_purchase(factories.wire(factories.purchase("evt-00000001", 2)))
    assert not described_later(plain, kept_fingerprint(factories.purchase("evt-00000001", 1)))
