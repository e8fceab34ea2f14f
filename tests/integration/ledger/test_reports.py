"""The officers' read side on a real SQLite ledger: as-of snapshots, entry-level reasons, XLSX."""

import io
import time
from datetime import datetime, timezone

from openpyxl import load_workbook

from sqlalchemy.orm import Session

from ledger.reports.buyers import buyer_detail
from ledger.reports.scope import Scope
from ledger.reports.standings import overview
from ledger.rules.money import percent
from streams.officers import reports as officer_reports
from streams.officers import tables as render
from streams.officers.xlsx import workbook
from tests.factories import RULE_40, SHARE_30
from tests.integration.ledger.test_evaluation import books, purchase, registration  # noqa: F401


def session_of(books):
    return Session(books.engine)


def test_as_of_before_a_late_purchase_shows_the_old_figure_and_after_it_the_new_one(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 2_000, "UMKM-1"), purchase(2, 8_000, "BIG-1"))
    books.evaluate()
    time.sleep(0.01)
    snapshot = datetime.now(timezone.utc)  # "31 March": what the officer saw
    time.sleep(0.01)
    books.purchases(purchase(3, 4_000, "UMKM-1", at="2024-03-30T10:00:00+07:00"))  # arrives later, same quarter
    books.evaluate()
    with session_of(books) as s:
        [before] = overview(Scope(s, snapshot), program="alokasi-30-3216")
        [after] = overview(Scope(s, datetime.now(timezone.utc)), program="alokasi-30-3216")
        [live] = overview(Scope(s), program="alokasi-30-3216")
    assert (before.actual, before.total, before.status) == (2_000, 10_000, "breach")
    assert (after.actual, after.total, after.share_bp) == (6_000, 14_000, 4285)
    assert (live.actual, live.total, live.status) == (6_000, 14_000, "recovered")


def test_as_of_reads_the_classes_the_ledger_knew_then(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 5_000, "NEW-1"), purchase(2, 5_000, "BIG-1"))
    time.sleep(0.01)
    snapshot = datetime.now(timezone.utc)
    time.sleep(0.01)
    books.suppliers(registration(9, "NEW-1", "mikro"))  # registered late, covering the purchase
    with session_of(books) as s:
        assert overview(Scope(s, snapshot))[0].actual == 0
        assert overview(Scope(s, datetime.now(timezone.utc)))[0].actual == 5_000


def test_each_entry_says_why_it_counted_or_not_for_each_program(books):
    books.targets(RULE_40)
    books.purchases(purchase(1, 1_000, "UMKM-1", buyer="opd-3216-a", kind="agency"),
                    purchase(2, 1_000, "BIG-1", buyer="opd-3216-a", kind="agency"),
                    purchase(3, 1_000, "UMKM-1", buyer="opd-3216-a", kind="agency"),  # excluded by id
                    purchase(4, 1_000, "NOBODY", buyer="opd-3216-a", kind="agency"),
                    purchase(5, 1_000, "UMKM-1", buyer="opd-3216-a", kind="agency", channel="other"))
    with session_of(books) as s:
        detail = buyer_detail(Scope(s), "opd-3216-a")
    reasons = [e.counts["pp7-40-3216"] for e in detail.entries]
    assert reasons == [(True, "mikro"), (False, "scale_not_counted"), (False, "purchase_excluded"),
                       (False, "unregistered"), (False, "channel_excluded")]
    assert detail.total_entries == 5 and detail.programs == ["pp7-40-3216"]


def test_the_xlsx_has_the_same_figures_as_the_json_and_states_what_it_covers(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 2_999, "UMKM-1"), purchase(2, 7_001, "BIG-1"),
                    purchase(3, 5_000, "UMKM-1", buyer="co-3216-toko"))
    books.evaluate()
    with session_of(books) as s:
        about = officer_reports.about("id", None, None, program="alokasi-30-3216")
        report = officer_reports.overview(overview(Scope(s), program="alokasi-30-3216"), about=about)
    sheet = load_workbook(io.BytesIO(workbook(report)))
    about = {row[0]: row[1] for row in sheet["Keterangan"].iter_rows(values_only=True)}
    assert about["Program"] == "alokasi-30-3216" and "Per tanggal (evaluasi terakhir)" in about
    data = list(sheet["Data"].iter_rows(values_only=True))
    header, rows, sums = data[0], data[1:-1], data[-1]
    actual, required = header.index("Realisasi"), header.index("Wajib")
    assert sums[0] == "Jumlah" and sums[actual] == 7_999
    assert sum(r[actual] for r in rows) == sum(x["actual"] for x in report.rows) == 7_999
    assert sum(r[required] for r in rows) == sum(x["required"] for x in report.rows)
    assert sheet["Data"].cell(row=2, column=actual + 1).number_format.startswith('"Rp"')
    assert render.as_csv(report).splitlines()[0].startswith("program_id,buyer_id")


def test_shares_are_shown_rounded_down_so_a_shortfall_never_reads_as_30_percent():
    assert percent(2999) == "29,99%" and percent(3000) == "30,00%"
    assert percent(None) == "-"


def test_control_characters_in_a_filter_do_not_break_the_workbook():
    report = render.Report("t\x1d", render.columns("name"), [{"name": "a\x00b"}],
                           about={"buyer": "\x1dX"})
    sheet = load_workbook(io.BytesIO(workbook(report)))
    assert sheet["Data"]["A2"].value == "ab"
