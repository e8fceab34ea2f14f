"""Identifiers, officers' merges, graduation grace and registry alerts against a real ledger
(SQLite and PostgreSQL): figures move exactly, back exactly, and each alert comes once."""

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.models import RegistryAlert
from ledger.reports.scope import Scope
from ledger.reports.standings import overview
from tests import factories
from tests.factories import SHARE_30, changed, document, program
from tests.integration.ledger.test_evaluation import Books, purchase, registration

NOW = datetime(2026, 1, 10, tzinfo=timezone.utc)


def link(kind: str, n: int, keep: str, other: str, reason: str = "data ganda: satu usaha") -> dict:
    body = {"suppliers": [keep, other]} if kind == "distinct" else {"keep": keep, "other": other}
    return {"type": f"supplier.{kind}", "schema_version": 1, "event_id": f"link-{n:08d}",
            "occurred_at": "2025-06-01T09:00:00+07:00", "reason": reason} | body


def actual(books: Books, program_id: str, buyer: str, period: str) -> int:
    books.evaluate()
    return books.standing(program_id, buyer, period).actual


def audit_clean(books: Books) -> None:
    with Session(books.engine) as s:
        report = audit(s)
    assert report.ok, report


def test_a_purchase_naming_a_stated_identifier_counts_for_that_supplier(ledger_url):
    books = Books(ledger_url)
    books.targets(SHARE_30)
    # Booked before any registration states the NIB: unregistered, nothing counts.
    books.purchases(purchase(1, 400, "9120001234567"), purchase(2, 600, "BIG-9", at="2024-02-06T10:00:00+07:00"))
    books.suppliers(registration(9, "BIG-9", "besar"))
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == 0
    # A registration under the registry id states the NIB and an NPWP with its dots: both now name it.
    books.suppliers(registration(1, "UMKM-A", "mikro", profile={
        "identifiers": {"nib": "9120001234567", "npwp": "01.234.567.8-431.000"}}))
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == 400
    books.purchases(purchase(3, 50, "npwp:012345678431000"), purchase(4, 70, "01.234.567.8-431.000"))
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == 520
    audit_clean(books)


def test_merge_counts_the_other_id_as_the_kept_supplier_and_unmerge_restores_every_figure(ledger_url):
    books = Books(ledger_url)
    books.targets(SHARE_30)
    books.suppliers(registration(1, "KEEP-1", "mikro"), registration(2, "OTHER-1", "besar", name="Usaha KEEP-1"))
    books.purchases(purchase(1, 300, "KEEP-1"), purchase(2, 500, "OTHER-1"), purchase(3, 200, "BIG"))
    before = actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1")
    assert before == 300
    with Session(books.engine) as s:
        rows_before = [(r.program_id, r.buyer_id, r.period, r.actual, r.total) for r in overview(Scope(s, None))]

    assert books.suppliers(link("merged", 1, "KEEP-1", "OTHER-1")).applied == 1
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == 800
    audit_clean(books)

    books.suppliers(link("unmerged", 2, "KEEP-1", "OTHER-1", "bukan satu usaha"))
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == before
    with Session(books.engine) as s:
        assert [(r.program_id, r.buyer_id, r.period, r.actual, r.total) for r in overview(Scope(s, None))] == rows_before
    audit_clean(books)
    # The same finding sent again is a duplicate and moves nothing.
    assert books.suppliers(link("unmerged", 2, "KEEP-1", "OTHER-1", "bukan satu usaha")).duplicate == 1
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q1") == before


def test_a_graduated_partner_counts_until_the_grace_ends_and_raises_one_alert(ledger_url):
    books = Books(ledger_url)
    books.targets(SHARE_30)  # a program of companies: 365 days of grace by default
    books.suppliers(registration(1, "MITRA-1", "kecil"), registration(2, "OTHER-SMALL", "mikro"))
    books.purchases(
        purchase(1, 100, "MITRA-1", at="2024-02-05T10:00:00+07:00"),
        purchase(2, 100, "OTHER-SMALL", at="2024-02-06T10:00:00+07:00"),
        purchase(3, 100, "MITRA-1", at="2024-09-10T10:00:00+07:00"),  # within the grace
        purchase(4, 100, "MITRA-1", at="2025-06-30T10:00:00+07:00"),  # its last day
        purchase(5, 100, "MITRA-1", at="2025-07-01T10:00:00+07:00"),  # after it
        purchase(6, 100, "OTHER-SMALL", at="2025-07-11T10:00:00+07:00"),
    )
    assert actual(books, "alokasi-30-3216", "co-3216-mall", "2024-Q3") == 100
    books.suppliers(registration(3, "MITRA-1", "besar", valid_from="2024-07-01"))
    books.evaluate()
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2024-Q3").actual == 100  # grace: still counts
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2025-Q2").actual == 100
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2025-Q3").actual == 100  # only OTHER-SMALL
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2025-Q3").total == 200

    books.evaluate(NOW + timedelta(minutes=1))
    with Session(books.engine) as s:
        alerts = s.scalars(select(RegistryAlert).where(RegistryAlert.kind == "graduated")).all()
    assert len(alerts) == 1
    message = json.loads(alerts[0].detail)
    assert (message["type"], message["buyer_id"], message["supplier_id"]) == (
        "partner.graduated", "co-3216-mall", "MITRA-1")
    assert (message["besar_from"], message["counts_until"], message["no_longer_counts_from"]) == (
        "2024-07-01", "2025-06-30", "2025-07-01")
    audit_clean(books)


def test_without_grace_a_graduated_partner_stops_counting_on_its_first_day_as_besar(ledger_url):
    books = Books(ledger_url)
    books.targets(document(program(eligible={"scales": ["mikro", "kecil", "menengah"], "cooperatives": True,
                                            "local_to_region": "3216", "graduation_grace_days": 0})))
    books.suppliers(registration(1, "MITRA-1", "kecil"), registration(3, "MITRA-1", "besar", valid_from="2024-07-01"))
    books.purchases(purchase(1, 100, "MITRA-1", at="2024-06-30T10:00:00+07:00"),
                    purchase(2, 100, "MITRA-1", at="2024-07-01T10:00:00+07:00"))
    books.evaluate()
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2024-Q2").actual == 100
    assert books.standing("alokasi-30-3216", "co-3216-mall", "2024-Q3").actual == 0
    with Session(books.engine) as s:
        (alert,) = s.scalars(select(RegistryAlert)).all()
    assert json.loads(alert.detail)["no_longer_counts_from"] == "2024-07-01"


def test_a_registration_entering_the_window_raises_one_alert_a_renewed_or_distant_one_none(ledger_url):
    books = Books(ledger_url)
    today = NOW.date()
    books.suppliers(
        registration(1, "SOON-1", "mikro", valid_from="2024-01-01", valid_to=str(today + timedelta(days=20))),
        registration(2, "FAR-1", "mikro", valid_from="2024-01-01", valid_to=str(today + timedelta(days=300))),
        registration(3, "RENEWED-1", "mikro", valid_from="2024-01-01", valid_to=str(today + timedelta(days=10))),
        registration(4, "RENEWED-1", "mikro", valid_from=str(today + timedelta(days=11))),
        registration(5, "CLEAN-1", "kecil"),
    )
    books.purchases(purchase(1, 100, "SOON-1", at="2026-01-05T10:00:00+07:00"))
    books.evaluate(NOW)
    books.evaluate(NOW + timedelta(days=1))
    with Session(books.engine) as s:
        alerts = s.scalars(select(RegistryAlert)).all()
    assert [(a.kind, a.supplier_id) for a in alerts] == [("expiring", "SOON-1")]
    message = json.loads(alerts[0].detail)
    assert message["type"] == "registration.expiring" and message["buyers"] == ["co-3216-mall"]
    assert message["valid_to"] == str(today + timedelta(days=20))


def test_a_fingerprint_is_unchanged_by_the_additions(ledger_url):
    # An event sent before `identifiers` and `graduation_grace_days` existed is still a duplicate of itself.
    books = Books(ledger_url)
    doc = registration(1, "S-1", "mikro")
    books.suppliers(doc)
    assert books.suppliers(changed(doc)).duplicate == 1
    assert factories.model(doc).supplier.identifiers is None


def test_the_buyer_page_says_why_a_graduated_partner_still_counts(ledger_url):
    from ledger.reports.buyers import buyer_detail

    books = Books(ledger_url)
    books.targets(SHARE_30)
    books.suppliers(registration(1, "MITRA-1", "kecil"), registration(3, "MITRA-1", "besar", valid_from="2024-07-01"))
    books.purchases(purchase(1, 100, "MITRA-1", at="2024-09-10T10:00:00+07:00"),
                    purchase(2, 100, "MITRA-1", at="2025-07-01T10:00:00+07:00"))
    with Session(books.engine) as s:
        detail = buyer_detail(Scope(s, None), "co-3216-mall")
    assert [line.counts["alokasi-30-3216"] for line in detail.entries] == [
        (True, "graduated_grace"), (False, "scale_not_counted")]
