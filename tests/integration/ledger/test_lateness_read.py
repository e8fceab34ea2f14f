"""`late` judged against the source's own dates, as officers read it: a 2023 SPSE contract imported
today was "diimpor kemudian" (imported later), a purchase the agency's own system sent after the
month closed is "terlambat"; the buyer report, the API (its `late` flag unchanged, a reason
beside it) and the dashboard's buyer page say the same."""

import io
import re
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy.orm import Session

from ledger.reports.buyers import buyer_detail
from ledger.reports.scope import Scope
from streams.officers import reports as officer_reports
from streams.officers.tables import as_csv, as_json, as_table
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.credentials import signed_in
from tests.integration.ledger.test_states import BUYER, SUPPLIER, books, own  # noqa: F401

pytestmark = pytest.mark.integration

CONTRACT_2023 = "spse-nontender-kontrak-2023-1"
TODAY = "evt-today-001"


def contract_2023(system: str = "spse", event_id: str = CONTRACT_2023) -> dict:
    return factories.purchase(event_id, 2_500_000, buyer=BUYER, supplier=SUPPLIER, at="2023-06-12T10:00:00+07:00",
                              channel="pengadaan_langsung", source=(system, event_id, 0))


def bought_today() -> dict:
    now = datetime.now(timezone(timedelta(hours=7))) - timedelta(minutes=1)
    return factories.purchase(TODAY, 300_000, buyer=BUYER, supplier=SUPPLIER, at=now.isoformat(timespec="seconds"),
                              channel="toko_daring")


@pytest.fixture
def booked(books):  # noqa: F811
    books.purchases(contract_2023(), own(1), contract_2023("template", "tpl-2023-row-1"), bought_today())
    books.purchases(factories.reversal("rev-spse-2023-1", CONTRACT_2023, 500_000, at="2023-07-01T10:00:00+07:00"))
    return books


EXPECTED = {CONTRACT_2023: (True, "imported"), "rev-spse-2023-1": (True, "imported"),
            "evt-00000001": (True, "sent_late"), "tpl-2023-row-1": (True, "sent_late"), TODAY: (False, None)}


def test_each_entry_says_why_it_was_late_by_where_it_came_from(booked):
    with Session(booked.engine) as s:
        detail = buyer_detail(Scope(s), BUYER)
    assert {e.event_id: (e.late, e.late_reason) for e in detail.entries} == EXPECTED


@pytest.mark.parametrize("lang, imported, sent", [("id", "diimpor kemudian", "terlambat"),
                                                  ("en", "imported later", "late")])
def test_the_buyer_report_says_imported_later_or_late_and_its_files_keep_the_flag(booked, lang, imported, sent):
    with Session(booked.engine) as s:
        report = officer_reports.buyer(buyer_detail(Scope(s), BUYER), lang=lang)
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(as_table(report, lang))
    lines = console.export_text().splitlines()
    said = {eid: line for line in lines for eid in EXPECTED if eid in line}
    assert imported in said[CONTRACT_2023] and sent not in said[CONTRACT_2023].replace(imported, "")
    assert sent in said["evt-00000001"] and imported not in said["evt-00000001"]
    assert imported not in said[TODAY] and sent not in said[TODAY]
    rows = {r["event_id"]: (r["late"], r["late_reason"]) for r in orjson.loads(as_json(report))}
    assert rows == EXPECTED
    assert as_csv(report).splitlines()[0].split(",")[11:13] == ["late", "late_reason"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_api_keeps_late_and_adds_its_reason_and_the_dashboard_says_it_in_words(booked):
    url = booked.engine.url.render_as_string(hide_password=False)
    with TestClient(create_api(Settings(database_url=url))) as client:
        signed_in(client, url, "admin")
        items = client.get(f"/api/buyers/{BUYER}").json()["entries"]["items"]
        pages = {lang: client.get(f"/buyers/{BUYER}", params={"lang": lang}).text for lang in ("id", "en")}
    assert {e["event_id"]: (e["late"], e["late_reason"]) for e in items} == EXPECTED
    said = {lang: re.findall(r'<small class="late">\(([^<]*)\)</small>', page) for lang, page in pages.items()}
    # The contract and its reversal were imported later; the template row and the agency's own purchase were late.
    assert sorted(said["id"]) == ["diimpor kemudian", "diimpor kemudian", "terlambat", "terlambat"]
    assert sorted(said["en"]) == ["imported later", "imported later", "late", "late"]
