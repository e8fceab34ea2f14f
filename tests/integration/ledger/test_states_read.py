"""Purchase states and source versions on the read side: the buyer's entries with their state and
why they do not count, the suppliers' report, `as_of` showing the state known then, the UMK value
kept on the entry, and what officers read (the spend report's `pending`, the buyer report and API)."""

import re
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Entry
from ledger.reports.buyers import buyer_detail
from ledger.reports.scope import Scope
from ledger.reports.spend import entry_buckets, spend
from ledger.reports.standings import overview
from ledger.reports.suppliers import supplier_view
from streams.officers import reports as officer_reports, tables as render, views
from streams.settings import Settings
from streams.web.app import create_api
from streams.web.responses import EntryRow
from tests.credentials import signed_in
from tests.integration.ledger.test_states import BUYER, books, moment, own, reversal, version  # noqa: F401

pytestmark = pytest.mark.integration


def test_the_suppliers_report_counts_only_what_counts(books):
    books.purchases(version(0, "completed", 1_000_000), version(1, "completed", 2_000_000),
                    version(0, "pending", 4_000_000, key="K-3"))
    with Session(books.engine) as s:
        [line] = supplier_view(Scope(s))
    assert (line.received, line.entries, line.eligible) == (2_000_000, 1, {"pp7-40-3216": 2_000_000})


def test_a_buyers_entries_say_their_state_and_why_they_do_not_count(books):
    books.purchases(version(0, "pending"), own(1, "void", 5_000))
    books.purchases(reversal(1, version(0, "pending")["event_id"], 100_000), version(1, "completed"))
    assert books.entries() == {
        version(0, "pending")["event_id"]: ("pending", "superseded", (False, "superseded")),
        "evt-00000001": ("void", "void", (False, "void")),
        "rev-00000001": ("completed", None, (True, "kecil")),
        version(1)["event_id"]: ("completed", None, (True, "kecil")),
    }


def test_as_of_before_the_completing_version_shows_the_purchase_pending(books):
    books.purchases(version(0, "pending"))
    books.evaluate()
    then = moment()
    books.purchases(version(1, "completed"))
    assert books.spend(then) == (0, 0, 1_000_000)
    assert books.entries(then) == {version(0, "pending")["event_id"]: ("pending", "pending", (False, "pending"))}
    assert books.spend(moment()) == books.spend() == (1_000_000, 1_000_000, 0)
    books.evaluate()
    with Session(books.engine) as s:
        assert sum(b.amount for b in entry_buckets(s, then)) == 0
        assert sum(b.amount for b in entry_buckets(s, datetime.now(timezone.utc))) == 1_000_000
        # the 40% rule as it stood then, and as it stands now
        [before] = overview(Scope(s, then), program="pp7-40-3216", buyer=BUYER)
        [live] = overview(Scope(s), program="pp7-40-3216", buyer=BUYER)
    assert (before.actual, before.total, live.actual, live.total) == (0, 0, 1_000_000, 1_000_000)


def test_as_of_before_a_void_version_shows_the_purchase_counted(books):
    books.purchases(version(0, "completed"))
    then = moment()
    books.purchases(version(1, "void"))
    assert books.spend(then) == (1_000_000, 1_000_000, 0)
    assert books.spend() == (0, 0, 0)


def test_the_entry_keeps_the_umk_value_its_source_declares(books):
    books.purchases(version(0, "completed", declared_umk_amount=750_000), own(1))
    with Session(books.engine) as s:
        assert dict(s.execute(select(Entry.event_id, Entry.declared_umk)).all()) == {
            version(0)["event_id"]: 750_000, "evt-00000001": None}


# --- what officers read ---------------------------------------------------------------------------


def test_the_spend_report_keeps_its_fields_and_adds_pending(books):
    books.purchases(version(0, "completed", 3_000_000, key="K-2"), version(0, "pending", 1_000_000))
    with Session(books.engine) as s:
        report = officer_reports.spend(spend(Scope(s), "year"), lang="id")
    [row] = report.rows
    assert row == {"buyer_id": BUYER, "name": None, "kind": "agency", "region": "3216", "period": "2024",
                   "total": 3_000_000, "eligible": 3_000_000, "share_bp": 10_000, "pending": 1_000_000,
                   # additions: the LKPP measure beside the verified one, and how much the registry knew
                   "declared": 0, "registered": 3_000_000, "coverage_bp": 10_000,
                   "rests_on": {"registry": 3_000_000, "declaration": 0, "unknown": 0}}
    table = _text(render.as_table(report, "id"))
    assert "Dalam proses" in table and "Rp 1.000.000" in table
    assert ",share_bp,pending," in render.as_csv(report).splitlines()[0]


def test_a_buyer_with_only_pending_spend_has_a_line_of_its_own(books):
    books.purchases(version(0, "pending", 1_000_000))
    with Session(books.engine) as s:
        [line] = spend(Scope(s), "month")
    assert (line.period, line.total, line.pending, line.share_bp) == ("2024-03", 0, 1_000_000, None)


def test_the_buyer_report_and_the_api_say_each_entrys_state_in_words(books):
    books.purchases(version(0, "pending"), own(1, "void", 5_000))
    books.purchases(version(1, "completed"))
    with Session(books.engine) as s:
        detail = buyer_detail(Scope(s), BUYER)
        api = views.buyer_detail(Scope(s), BUYER)
    items = [EntryRow.model_validate(item) for item in api["entries"]["items"]]
    assert [(e.state, e.not_counted) for e in items] == [("pending", "superseded"), ("void", "void"),
                                                          ("completed", None)]
    for lang, words in (("id", ["selesai", "batal", "digantikan versi yang lebih baru"]),
                        ("en", ["completed", "void", "superseded by a later version"])):
        table = _text(render.as_table(officer_reports.buyer(detail, lang=lang), lang))
        assert all(w in table for w in words), (lang, table)


def _text(table) -> str:
    console = Console(width=400, record=True)
    console.print(table)
    return console.export_text()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_api_and_the_dashboard_show_why_an_entry_does_not_count(books):
    books.purchases(version(0, "pending"), own(1, "void", 5_000))
    books.purchases(version(1, "completed"))
    url = books.engine.url.render_as_string(hide_password=False)
    with TestClient(create_api(Settings(database_url=url))) as client:
        signed_in(client, url, "admin")
        items = client.get(f"/api/buyers/{BUYER}").json()["entries"]["items"]
        pages = {lang: client.get(f"/buyers/{BUYER}", params={"lang": lang}).text for lang in ("id", "en")}
    assert [(e["event_id"], e["state"], e["not_counted"]) for e in items] == [
        (version(0, "pending")["event_id"], "pending", "superseded"), ("evt-00000001", "void", "void"),
        (version(1)["event_id"], "completed", None)]
    assert re.findall(r'<small class="state">\(([^<]*)\)</small>', pages["id"]) == ["digantikan versi baru", "batal"]
    assert re.findall(r'<small class="state">\(([^<]*)\)</small>', pages["en"]) == ["superseded", "void"]
