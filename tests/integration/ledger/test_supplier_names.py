"""Suppliers by name where a source names them, on SQLite and PostgreSQL: the buyer's entries, the
suppliers' and declared reports and the buyer page show the registry's name when the supplier is
registered, else the latest name a source gave, with the id beside it; a name never makes a class.
A file imported again after kuota learned to read names and packages is already recorded."""

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.models import Entry, SupplierName
from ledger.reports.buyers import buyer_detail
from ledger.reports.declared import declared
from ledger.reports.scope import Scope
from ledger.reports.suppliers import supplier_view
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.credentials import signed_in
from tests.integration.ledger.test_evaluation import Books

pytestmark = pytest.mark.integration

DINAS, HANSAMU, ARTHIKA = "D197-4.01.0.00.0.00.01.0000", "npwp:0603243239707000", "merchant:arthika-arthika-stationery"


def contract(n: int, supplier: str = HANSAMU, amount: int = 199_439_382, **fields) -> dict:
    """An SPSE contract of the Sekretariat Daerah as its importer sends it (no name unless given)."""
    return factories.purchase(f"spse:{n:032d}", amount, buyer=DINAS, region="6100", supplier=supplier,
                              at="2023-11-28T12:00:00+07:00", channel="pengadaan_langsung",
                              source=("spse", f"{10937097 + n}/{supplier}", 0), declared_umk_amount=amount,
                              **fields)


def order(n: int, name: str | None = "PD. Arthika - Arthika Stationery") -> dict:
    return factories.purchase(f"tokodaring:{n:032d}", 350_000, buyer=DINAS, region="6100", supplier=ARTHIKA,
                              at="2023-11-17T16:57:22+07:00", channel="toko_daring",
                              source=("tokodaring", str(1123140 + n), 1), **({"supplier_name": name} if name else {}))


@pytest.fixture
def books(ledger_url):
    b = Books(ledger_url)
    yield b
    b.engine.dispose()


def entries(books) -> dict[str, tuple]:
    """{event id: (supplier id, name shown, class on the date)} on the buyer's page."""
    with Session(books.engine) as s:
        detail = buyer_detail(Scope(s), DINAS)
    return {e.event_id: (e.supplier_id, e.supplier_name, e.supplier_class) for e in detail.entries}


def test_a_supplier_a_source_names_is_shown_by_that_name_with_its_id_and_no_class(books):
    books.purchases(contract(1, supplier_name="CV.HANSAMU"), order(1), contract(2, supplier="npwp:0000000000000002"))
    assert entries(books) == {
        contract(1)["event_id"]: (HANSAMU, "CV.HANSAMU", "unregistered"),
        order(1)["event_id"]: (ARTHIKA, "PD. Arthika - Arthika Stationery", "unregistered"),
        contract(2)["event_id"]: ("npwp:0000000000000002", None, "unregistered"),  # no source named it
    }
    with Session(books.engine) as s:
        suppliers = {x.supplier_id: (x.name, x.scale) for x in supplier_view(Scope(s))}
        (line,) = declared(Scope(s))
    assert suppliers[HANSAMU] == ("CV.HANSAMU", None)
    assert suppliers[ARTHIKA] == ("PD. Arthika - Arthika Stationery", None)
    assert {(c.supplier_id, c.supplier_name, c.supplier_class) for c in line.unsupported} == {
        (HANSAMU, "CV.HANSAMU", "unregistered"), ("npwp:0000000000000002", None, "unregistered")}


def test_the_registrys_name_comes_first_once_the_supplier_is_registered(books):
    books.purchases(contract(1, supplier_name="CV.HANSAMU"))
    books.suppliers(factories.registration("reg-00000001", HANSAMU, "kecil", region="6100", name="CV Hansamu Jaya",
                                           valid_from="2023-01-01"))
    assert entries(books)[contract(1)["event_id"]] == (HANSAMU, "CV Hansamu Jaya", "kecil")


def test_the_latest_name_a_source_gives_is_shown_and_where_it_came_from_is_kept(books):
    books.purchases(order(1, "PD. Arthika"))
    books.purchases(order(2))
    assert {name for _, name, _ in entries(books).values()} == {"PD. Arthika - Arthika Stationery"}
    with Session(books.engine) as s:
        kept = s.get(SupplierName, ARTHIKA)
    assert (kept.name, kept.source_system) == ("PD. Arthika - Arthika Stationery", "tokodaring")


def test_a_file_imported_again_once_kuota_reads_names_and_packages_is_already_recorded(books):
    before = contract(1)
    assert books.purchases(before).applied == 1
    described = before | {"supplier_name": "CV.HANSAMU", "plan_package": "60608395"}
    result = books.purchases(described)
    assert (result.applied, result.duplicate, dict(result.rejected)) == (0, 1, {})
    assert entries(books)[before["event_id"]] == (HANSAMU, "CV.HANSAMU", "unregistered")
    with Session(books.engine) as s:
        kept = s.scalars(select(Entry).where(Entry.event_id == before["event_id"])).one()
        assert (kept.plan_package, kept.amount) == ("60608395", 199_439_382)
        assert audit(s).ok
    again = books.purchases(described)
    assert (again.applied, again.duplicate, dict(again.rejected)) == (0, 1, {})
    changed = books.purchases(described | {"amount": 1})
    assert dict(changed.rejected) == {"conflicting_duplicate": 1}


def test_the_buyer_page_shows_the_name_with_the_id_beside_it(books, ledger_url):
    books.purchases(contract(1, supplier_name="CV.HANSAMU"), contract(2, supplier="npwp:0000000000000002"))
    with TestClient(create_api(Settings(database_url=ledger_url))) as client:
        page = signed_in(client, ledger_url).get(f"/buyers/{DINAS}").text
    cells = [html.unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in re.findall(r"<td>(.*?)</td>", page)]
    assert ["CV.HANSAMU", HANSAMU] in cells
    assert ["npwp:0000000000000002"] in cells
