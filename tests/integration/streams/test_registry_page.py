"""The Registri page and its downloads over a SQLite ledger booked by the recorder (no broker):
the registry's profile, suspected duplicates, a registration ending in 20 days with its buyers,
and this year's flags, each section downloadable as XLSX with the same rows."""

import io
import itertools
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.credentials import signed_in
from tests.integration.helpers import sqlite_ledger

M = 1_000_000
TODAY = datetime.now(timezone(timedelta(hours=7))).date()  # the page counts from today, WIB
JAN_1 = date(TODAY.year, 1, 1).isoformat()
DINKES, DISDIK = "opd-3216-dinkes", "opd-3216-disdik"
NPWP = "012345678431000"


def reg(n: int, supplier: str, scale: str, name: str, **fields) -> dict:
    profile = {k: fields.pop(k) for k in ("district", "identifiers") if k in fields}
    return factories.registration(f"reg-{n:08d}", supplier, scale, valid_from=JAN_1, name=name, profile=profile,
                                  **fields)


def buy(n: int, amount: int, supplier: str, buyer: str = DINKES, channel: str = "tender") -> dict:
    # Just after midnight of 1 January: never in the future, always this year.
    return factories.purchase(f"evt-{n:08d}", amount, buyer=buyer, buyer_name=f"Dinas {buyer[9:]}", supplier=supplier,
                              at=f"{JAN_1}T00:00:01+07:00", channel=channel)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = sqlite_ledger(tmp_path_factory.mktemp("registry"))
    recorder = Recorder(make_engine(url, writer=True), epoch="test")
    offsets = itertools.count()

    def send(book, *events):
        book([Record("kuota.suppliers.v1" if book == recorder.register_suppliers else "kuota.purchases.v1", 0,
                     next(offsets), json.dumps(e).encode()) for e in events])

    send(recorder.register_suppliers,
         reg(1, "sup-segera", "kecil", "CV Segera Berakhir", district="Tambun Selatan",
             valid_to=(TODAY + timedelta(days=20)).isoformat()),
         reg(2, "sup-omzet", "mikro", "Warung Omzet Besar", district="Cikarang Utara"),
         reg(3, "sup-pecah", "mikro", "Toko Pecah Paket", district="Cibitung"),
         reg(4, "sup-kembar-a", "kecil", "Koperasi Sumber Rejeki", district="Cibitung", identifiers={"npwp": NPWP}),
         reg(5, "sup-kembar-b", "kecil", "KSU Sumber Rezeki Abadi", district="Tambun Selatan",
             identifiers={"npwp": NPWP}))
    send(recorder.book_purchases,
         buy(1, 10 * M, "sup-segera"), buy(2, 5 * M, "sup-segera", buyer=DISDIK),
         buy(3, 1_500 * M, "sup-omzet"), buy(4, 1_500 * M, "sup-omzet", buyer=DISDIK),
         *(buy(10 + i, 20 * M, "sup-pecah", channel="toko_daring") for i in range(3)))
    with TestClient(create_api(Settings(database_url=url))) as c:
        yield signed_in(c, url, "admin")


def test_the_page_shows_every_section_with_links_to_the_buyers(client):
    page = client.get("/registri", params={"lang": "id"})
    assert page.status_code == 200 and 'id="nav-registry"' in page.text
    html = page.text
    assert '<span class="suppliers-total">5</span>' in html
    assert 'data-suppliers="sup-kembar-a sup-kembar-b"' in html and "NPWP sama" in html
    expiring = html.split('data-supplier="sup-segera"')[1].split("</tr>")[0]
    assert '<td class="num days-left">20</td>' in expiring and 'href="/buyers/opd-3216-disdik"' in expiring
    assert "Rp 10.000.000" in expiring and "Rp 5.000.000" in expiring
    assert 'class="flag over_ceiling" data-supplier="sup-omzet"' in html
    assert 'class="flag possible_split" data-supplier="sup-pecah"' in html
    assert "sup-segera" not in html.split('id="flags"')[1]
    for section in ("profile", "duplicates", "expiring", "flags"):
        assert f'href="/api/registry/{section}?format=xlsx&amp;lang=id"' in html


def test_the_english_page_says_it_in_english(client):
    html = client.get("/registri", params={"lang": "en"}).text
    assert "Registrations ending soon (1)" in html and "possible split purchase" in html
    assert "Registrasi segera berakhir" not in html


def test_a_region_narrows_the_registry_and_a_malformed_one_is_refused(client):
    html = client.get("/registri", params={"region": "3275"}).text
    assert '<span class="suppliers-total">0</span>' in html
    assert client.get("/registri", params={"region": "Bekasi"}).status_code == 422


def sheet(client, section: str) -> list[tuple]:
    response = client.get(f"/api/registry/{section}", params={"format": "xlsx", "lang": "en"})
    assert response.status_code == 200 and response.headers["content-disposition"].endswith(f'registri-{section}.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    return list(book["Data"].iter_rows(values_only=True))


def test_each_section_downloads_as_xlsx_with_its_figures(client):
    heads, *rows = sheet(client, "flags")
    assert heads[:2] == ("Flag", "Supplier")
    assert [(r[0], r[1], r[7]) for r in rows] == [
        ("received more than its class's sales ceiling", "sup-omzet", 3_000 * M),
        ("possible split purchase", "sup-pecah", 60 * M)]
    heads, *rows = sheet(client, "expiring")
    assert [(r[0], r[8], r[9]) for r in rows[:-1]] == [("sup-segera", 20, 15 * M)]  # and a row of totals
    assert rows[0][10] == f"{DINKES}: {10 * M}; {DISDIK}: {5 * M}"
    _, *rows = sheet(client, "profile")
    assert [r for r in rows if r[0] == "Class"] == [("Class", "small", 3), ("Class", "micro", 2)]
    _, *rows = sheet(client, "duplicates")
    assert {r[2] for r in rows} == {"sup-kembar-a", "sup-kembar-b"}


def test_the_json_of_a_section_is_the_rows_of_its_download(client):
    body = client.get("/api/registry/expiring").json()
    assert body["total"] == 1 and body["items"][0]["buyers"][0] == {"buyer_id": DINKES, "name": "Dinas dinkes",
                                                                    "amount": 10 * M}
    assert client.get("/api/registry/nothing").status_code == 422
