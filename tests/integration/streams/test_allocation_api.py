"""The allocation on the API and the dashboard, over a ledger holding the Kalimantan Barat 2025
budget structure and packages (mapped by their formats and booked by the recorder, no broker):
each figure against the test's own sums of the raw files."""

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from streams.importers.base import Context, NotImported
from streams.importers.sirup_anggaran import FORMAT as BUDGETS
from streams.importers.sirup_paket import FORMAT as PACKAGES
from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import signed_in
from tests.integration.helpers import sqlite_ledger

REALDATA = Path(__file__).parents[2] / "fixtures" / "realdata"
PAKET = REALDATA / "rup-paket-penyedia-kalbar-2025-sample.json"
ANGGARAN = REALDATA / "rup-struktur-anggaran-kalbar-2025.json"


def packages() -> list[dict]:
    """The file's packages, plus one of its UKM packages moved to the one unit without a budget line
    (the sample holds none of its packages): such a unit is shown apart, never with a zero budget."""
    raw = json.loads(PAKET.read_bytes())
    moved = next(r for r in raw if r["status_ukm"] == "UKM" and not r["status_dikecualikan"])
    return raw + [moved | {"kd_rup": 1, "kd_satker": 172071, "kd_satker_str": "2.08.0.00.0.00.01.0001",
                           "nama_satker": "UPT PERLINDUNGAN PEREMPUAN DAN ANAK"}]


def expected() -> dict[str, dict]:
    """Per work unit, from the raw files alone: belanja_pengadaan, the UKM pagu and its share."""
    units = {}
    for r in json.loads(ANGGARAN.read_bytes()):
        units[f"{r['kd_klpd']}-{r['kd_satker_str']}"] = {"budget": r["belanja_pengadaan"], "ukm": 0, "name": r["nama_satker"]}
    for r in packages():
        unit = units[f"{r['kd_klpd']}-{r['kd_satker_str']}"]
        if r["status_ukm"] == "UKM" and not r["status_dikecualikan"]:
            unit["ukm"] += r["pagu"]
    for unit in units.values():
        unit["share_bp"] = None if unit["budget"] is None else unit["ukm"] * 10_000 // unit["budget"]
    return units


def sirup_ledger(directory: Path) -> str:
    """The URL of a fresh SQLite ledger in `directory` holding the budget structure and the packages,
    mapped by their formats and booked by the recorder as a worker books them."""
    url = sqlite_ledger(directory)
    events = []
    with ANGGARAN.open("rb") as raw:
        records = [(r, BUDGETS) for r in BUDGETS.records(raw)] + [(r, PACKAGES) for r in packages()]
    for record, fmt in records:
        out = fmt.map(record, Context())
        events += [] if isinstance(out, NotImported) else out
    offsets = itertools.count()
    Recorder(make_engine(url, writer=True), epoch="test").register_targets(
        [Record("kuota.targets.v1", 0, next(offsets), json.dumps(e).encode()) for e in events])
    return url


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = sirup_ledger(tmp_path_factory.mktemp("allocation"))
    with TestClient(create_api(Settings(database_url=url))) as c:
        yield signed_in(c, url, "admin")


def test_each_work_unit_shows_its_procurement_budget_ukm_pagu_and_share(client):
    body = client.get("/api/allocation", params={"year": 2025, "limit": 1000}).json()
    units = expected()
    with_packages_or_budget = {u for u, x in units.items() if x["budget"] is not None or x["ukm"]}
    got = {x["buyer_id"]: x for x in body["items"]}
    assert body["total"] == len(got) and set(got) >= with_packages_or_budget
    for unit, x in units.items():
        if unit in got:
            assert (got[unit]["budget"], got[unit]["planned_ukm"], got[unit]["planned_share_bp"]) == (
                x["budget"], x["ukm"], x["share_bp"]), unit
            assert got[unit]["name"] == x["name"]


def test_the_unit_without_a_budget_line_is_listed_as_such_not_as_a_zero_budget(client):
    (row,) = client.get("/api/allocation", params={"buyer": "D197-2.08.0.00.0.00.01.0001"}).json()["items"]
    assert (row["budget_line"], row["budget"], row["planned_share_bp"], row["packages"]) == (False, None, None, 1)
    assert row["planned_ukm"] == expected()["D197-2.08.0.00.0.00.01.0001"]["ukm"] > 0


def test_one_agency_and_its_non_ukm_packages_with_reasons(client):
    unit = "D197-1.03.0.00.0.00.01.0000"
    (row,) = client.get("/api/allocation", params={"buyer": unit}).json()["items"]
    raw = [r for r in json.loads(PAKET.read_bytes()) if r["kd_satker_str"] == "1.03.0.00.0.00.01.0000"
           and r["status_ukm"] == "Non-UKM" and not r["status_dikecualikan"]]
    assert sorted(p["package_id"] for p in row["non_ukm_packages"]) == sorted(str(r["kd_rup"]) for r in raw)
    assert {p["reason"] for p in row["non_ukm_packages"]} <= {(r["alasan_non_ukm"] or "").strip() or None for r in raw}


def test_downloads_hold_the_same_figures(client):
    units = expected()
    text = client.get("/api/allocation", params={"format": "csv"}).text
    rows = {r["buyer_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert all(int(rows[u]["budget"]) == x["budget"] for u, x in units.items() if x["budget"] is not None)
    book = load_workbook(io.BytesIO(client.get("/api/allocation", params={"format": "xlsx", "lang": "en"}).content))
    assert book.sheetnames == ["About", "Data"] and book["Data"].max_row == len(rows) + 2  # headings, totals


def test_bad_parameters_are_refused_with_422(client):
    for params in ({"year": "dua"}, {"year": 1800}, {"as_of": "2025-01-01T00:00:00"}):
        assert client.get("/api/allocation", params=params).status_code == 422


@pytest.mark.parametrize("lang, words", [("id", ("Alokasi dan realisasi", "Unit tanpa baris anggaran", "Pagu pengadaan")),
                                         ("en", ("Allocation and realisation", "Units without a budget line"))])
def test_the_dashboard_page_in_both_languages(client, lang, words):
    page = client.get("/allocation", params={"lang": lang})
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert 'id="nav-allocation"' in page.text and "UPT PERLINDUNGAN PEREMPUAN DAN ANAK" in page.text
