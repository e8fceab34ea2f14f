"""The overview and a buyer's page in a real browser (headless Chromium, loopback only) over a
ledger holding what LKPP publishes for Kalimantan Barat in 2025: the satker master, the budget
structure and the SPSE non-tender contracts, mapped by their formats and booked as a worker books
them, with no program file and no supplier registry. The national rule judges each unit on what
its contracts declare; a buyer's page names its suppliers, says what each class rests on, and a
2025 contract booked now reads "diimpor kemudian", never "terlambat"."""

import itertools
import json
from pathlib import Path

import httpx
import pytest

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.rules.money import format_rupiah
from streams.importers.base import Context, NotImported
from streams.importers.formats import FORMATS
from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import COOKIE, session_token
from tests.e2e.conftest import serving
from tests.e2e.test_dashboard import AXE, TOKENS, browser, screenshot, tools_or_skip, viewport  # noqa: F401
from tests.e2e.test_dashboard import serious_axe_findings, wider_than_shown
from tests.integration.helpers import sqlite_ledger

pytestmark = pytest.mark.e2e

REAL = Path(__file__).parents[1] / "fixtures" / "realdata"
FILES = ("rup-master-satker-kalbar-2025.json", "rup-struktur-anggaran-kalbar-2025.json",
         "spse-nontender-kontrak-kalbar-2025.json")
TOPIC = {"purchase.recorded": "kuota.purchases.v1"}


def imported_ledger(directory: Path) -> str:
    url = sqlite_ledger(directory)
    events = []
    for name in FILES:
        fmt = next(f for f in FORMATS if f.detects(json.loads((REAL / name).read_text())[0]))
        with (REAL / name).open("rb") as raw:
            for record in fmt.records(raw):
                out = fmt.map(record, Context())
                events += [] if isinstance(out, NotImported) else out
    recorder = Recorder(make_engine(url, writer=True), epoch="test")
    offsets = itertools.count()
    for topic in ("kuota.targets.v1", "kuota.purchases.v1"):
        batch = [Record(topic, 0, next(offsets), json.dumps(e).encode()) for e in events
                 if TOPIC.get(e["type"], "kuota.targets.v1") == topic]
        (recorder.book_purchases if topic == "kuota.purchases.v1" else recorder.register_targets)(batch)
    recorder.evaluate()
    recorder.engine.dispose()
    return url


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = imported_ledger(tmp_path_factory.mktemp("real-pages"))
    with serving(create_api(Settings(database_url=url))) as address:
        TOKENS[address] = session_token(url, "admin")
        yield address


def api(site: str, path: str, **params) -> dict:
    return httpx.get(f"{site}{path}", params=params, cookies={COOKIE: TOKENS[site]}, timeout=60).json()


def test_the_overview_shows_the_national_rule_on_the_lkpp_measure_as_the_api_gives_it(site, browser):
    from selenium.webdriver.common.by import By

    items = api(site, "/api/compliance", program="nasional-40-6100", limit=500)["items"]
    assert items and all(x["measure"] == "declared" and x["verified"] == 0 for x in items)
    browser.get(f"{site}/?lang=id")
    section = browser.find_element(By.ID, "program-nasional-40-6100")
    assert "Perpres 12/2021 Pasal 65" in section.text and "menurut sumber" in section.text
    rows = {r.get_attribute("data-buyer"): r for r in section.find_elements(By.CSS_SELECTOR, "tr.line")}
    for x in items:
        assert rows[x["buyer_id"]].find_element(By.CSS_SELECTOR, ".actual").get_attribute("textContent").strip() == \
            format_rupiah(x["actual"]), x["buyer_id"]
    with viewport(browser, 1280, 900):
        browser.get(f"{site}/?lang=id")
        assert wider_than_shown(browser, ".scroll") <= 0
        screenshot(browser, "real-overview-1280")


def test_a_buyers_page_names_its_suppliers_says_what_each_class_rests_on_and_that_it_was_imported_later(site, browser):
    from selenium.webdriver.common.by import By

    contracts = json.loads((REAL / FILES[2]).read_text())
    unit = f"{contracts[0]['kd_klpd']}-{contracts[0]['kd_satker_str']}"
    names = {" ".join(c["nama_penyedia"].split()) for c in contracts if c["kd_satker_str"] == contracts[0]["kd_satker_str"]}
    browser.get(f"{site}/buyers/{unit}?lang=id")
    table = browser.find_element(By.CSS_SELECTOR, "table.entries").text
    assert any(name in table for name in names)  # by name, with the id beside it
    assert "deklarasi sumber" in table and "diimpor kemudian" in table and "terlambat" not in table
    for phone, width in ((False, 1280), (True, 375)):
        with viewport(browser, width, 900, phone=phone):
            browser.get(f"{site}/buyers/{unit}?lang=id")
            screenshot(browser, f"real-buyer-{width}")
    assert serious_axe_findings(browser, site, f"/buyers/{unit}?lang=id") == []
