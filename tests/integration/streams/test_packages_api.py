"""Plan against realisation on the command line, the API and the dashboard, over a ledger holding the
Kab. Bandung 2025 e-Katalog v6 orders (mapped by their format and booked by the recorder, no broker)
and a SIRUP plan for Dinas Pertanian made of the codes its orders name: each package's figures
against the test's own sums of the raw file."""

import csv
import io
import itertools
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from streams.importers.base import Context, NotImported
from streams.importers.ekatalog import FORMAT as EKATALOG
from streams.officers.words import WORDS
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.credentials import signed_in
from tests.integration.helpers import kuota, sqlite_ledger

pytestmark = pytest.mark.integration

ORDERS = Path(__file__).parents[2] / "fixtures" / "realdata" / "ecat-v6-paket-kabbandung-2025.json"
UNIT = "3.27.0.00.0.00.22.0000"  # Dinas Pertanian, 57 orders
AGENCY = f"D107-{UNIT}"
NON_UKM = {"58135220", "57990157"}  # planned as non-UKM: listed only because orders name them
UNORDERED = "60999999"  # planned for UKM, never ordered
SMALL = "sikap:28141014"  # registered kecil: its orders are UMK on the registry's basis
DONE, WAITING = {"COMPLETED", "PAYMENT_OUTSIDE_SYSTEM"}, {"ON_PROCESS", "ON_ADDENDUM"}


def raw() -> list[dict]:
    return [r for r in json.loads(ORDERS.read_bytes()) if r["kd_satker_str"] == UNIT]


def expected() -> dict[str, dict]:
    """Per package code, from the raw file alone: completed and pending sums and counts."""
    out: dict[str, dict] = defaultdict(lambda: {"realised": 0, "orders": 0, "pending": 0, "pending_orders": 0,
                                                "umk": 0})
    for r in raw():
        cell = out[r["kd_rup"]]
        if r["status_pkt"] in DONE:
            cell["realised"] += r["total_harga"]
            cell["orders"] += 1
            cell["umk"] += r["total_harga"] if f"sikap:{r['kd_penyedia_sikap']}" == SMALL else 0
        elif r["status_pkt"] in WAITING:
            cell["pending"] += r["total_harga"]
            cell["pending_orders"] += 1
    return dict(out)


def plans() -> list[dict]:
    codes = sorted({r["kd_rup"] for r in raw()}) + [UNORDERED]
    return [{"type": "allocation.planned", "schema_version": 1, "event_id": f"sirup-rup:test{code}",
             "occurred_at": "2025-01-15T09:00:00+07:00", "agency_id": AGENCY, "agency_name": "DINAS PERTANIAN",
             "fiscal_year": 2025, "package_id": code, "name": f"Belanja paket {code}", "pagu": 500_000_000,
             "ukm": code not in NON_UKM, "region": "3204"} | ({"reason_non_ukm": "Nilai di atas 15 M"}
                                                            if code in NON_UKM else {}) for code in codes]


def packages_ledger(directory: Path) -> str:
    url = sqlite_ledger(directory)
    recorder, offsets = Recorder(make_engine(url, writer=True), epoch="test"), itertools.count()

    def records(topic, events):
        return [Record(topic, 0, next(offsets), json.dumps(e).encode()) for e in events]
    events = []
    for record in json.loads(ORDERS.read_bytes()):
        out = EKATALOG.map(record, Context())
        events += [] if isinstance(out, NotImported) else out
    recorder.register_targets(records("kuota.targets.v1", plans()))
    recorder.register_suppliers(records("kuota.suppliers.v1", [factories.registration(
        "reg-00000001", SMALL, "kecil", region="3204", name="CV Tani Makmur", valid_from="2025-01-01")]))
    result = recorder.book_purchases(records("kuota.purchases.v1", events))
    assert result.applied == len(events) == 606
    recorder.engine.dispose()
    return url


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return packages_ledger(tmp_path_factory.mktemp("packages"))


@pytest.fixture(scope="module")
def client(url):
    with TestClient(create_api(Settings(database_url=url))) as c:
        yield signed_in(c, url, "admin")


def items(client, **params) -> list[dict]:
    body = client.get("/api/packages", params={"limit": 1000} | params).json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_each_planned_package_beside_the_orders_that_name_it(client):
    rows = {r["package_id"]: r for r in items(client, buyer=AGENCY, year=2025)}
    want = expected()
    assert set(rows) == set(want) | {UNORDERED}
    for code, w in want.items():
        r = rows[code]
        assert (r["realised"], r["orders"], r["pending"], r["pending_orders"]) == (
            w["realised"], w["orders"], w["pending"], w["pending_orders"]), code
        assert r["realised_umk"] == w["umk"] and r["realised_not_umk"] == w["realised"] - w["umk"], code
    assert rows[UNORDERED]["finding"] == "not_realised" and rows[UNORDERED]["realising"] == []
    assert {rows[c]["finding"] for c in NON_UKM} == {"outside_ukm"}


def test_the_finding_follows_the_suppliers_basis(client):
    rows = {r["package_id"]: r for r in items(client, buyer=AGENCY)}
    for code, r in rows.items():
        done = [o for o in r["realising"] if o["state"] == "completed"]
        if code in NON_UKM:
            continue
        if not done:
            assert r["finding"] == "not_realised", code
        elif all(o["supplier_id"] == SMALL for o in done):
            assert r["finding"] == "realised" and {o["umk_basis"] for o in done} == {"registry"}, code
        else:
            assert r["finding"] == "not_umk", code
    named = [o for r in rows.values() for o in r["realising"] if o["supplier_id"] == SMALL]
    assert named and {(o["supplier_name"], o["supplier_class"]) for o in named} == {("CV Tani Makmur", "kecil")}
    # Realised through a supplier UMK on neither basis first, then nothing realised yet.
    findings = [r["finding"] for r in items(client, buyer=AGENCY)]
    assert findings == sorted(findings, key=["not_umk", "not_realised", "realised", "outside_ukm", "no_plan"].index)


def test_orders_of_other_units_name_codes_their_plans_do_not_hold(client):
    others = [r for r in items(client, year=2025) if r["buyer_id"] != AGENCY]
    assert others and {r["finding"] for r in others} == {"no_plan"} and {r["package"] for r in others} == {None}
    total = sum(r["total_harga"] for r in json.loads(ORDERS.read_bytes())
                if r["kd_satker_str"] != UNIT and r["status_pkt"] in DONE)
    assert sum(r["realised"] for r in others) == total


def test_downloads_keep_integer_rupiah_and_name_the_findings_in_words(client):
    text = client.get("/api/packages", params={"buyer": AGENCY, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["package_id"] for r in rows} == set(expected()) | {UNORDERED}
    assert all(r["realised"].isdigit() for r in rows)
    book = load_workbook(io.BytesIO(client.get("/api/packages", params={"buyer": AGENCY, "format": "xlsx",
                                                                       "lang": "en"}).content))
    sheet = book["Data"]
    head = [c.value for c in sheet[1]]
    assert "Finding" in head and "UMK on neither basis" in head
    findings = {row[head.index("Finding")] for row in sheet.iter_rows(min_row=2, values_only=True)} - {None, "Total"}
    assert "nothing realised yet" in findings


def test_an_officer_reads_the_packages_of_its_regions_only(url):
    api = create_api(Settings(database_url=url))
    with TestClient(api) as home_c, TestClient(api) as away_c:
        home, away = signed_in(home_c, url, "officer", regions=["3204"]), signed_in(away_c, url, "officer",
                                                                                     regions=["6100"])
        assert items(home, buyer=AGENCY) and items(away) == []
        assert away.get("/api/packages", params={"buyer": AGENCY}).status_code == 403


def test_the_dashboard_page_lists_the_agency_with_its_findings(client):
    page = client.get("/packages", params={"year": 2025, "buyer": AGENCY, "lang": "en"})
    assert page.status_code == 200
    assert f'data-buyer="{AGENCY}"' in page.text and 'id="no-linked-orders"' not in page.text
    assert f'data-package="{UNORDERED}"' in page.text and "nothing realised yet" in page.text
    assert "CV Tani Makmur" in page.text and "UMK per the registry" in page.text


def test_the_dashboard_says_why_when_nothing_is_planned_or_linked(tmp_path):
    empty = sqlite_ledger(tmp_path)
    with TestClient(create_api(Settings(database_url=empty))) as c:
        page = signed_in(c, empty, "admin").get("/packages", params={"lang": "en"}).text
    assert 'id="no-packages"' in page and "kd_rup" in page


@pytest.fixture(scope="module")
def env(url, tmp_path_factory):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_") and k != "COLUMNS"}
    return clean | {"KUOTA_DATABASE_URL": url, "KUOTA_DATA_DIR": str(tmp_path_factory.mktemp("packages-cli"))}


def test_kuota_report_packages_gives_the_apis_rows(env, client):
    rows = json.loads(kuota(env, "report", "packages", "--buyer", AGENCY, "--year", "2025", "--format",
                            "json").stdout)
    assert rows == items(client, buyer=AGENCY, year=2025)


def test_at_100_columns_the_table_keeps_ids_whole(env):
    lines = kuota(env | {"COLUMNS": "100"}, "report", "packages", "--buyer", AGENCY).stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(AGENCY in line for line in lines) and any(UNORDERED in line for line in lines)


def test_a_year_nothing_was_planned_for_says_what_to_import(env):
    said = kuota(env, "report", "packages", "--year", "2030").stdout
    assert " ".join(said.split()) == " ".join(WORDS["id"]["no_packages"].split())
