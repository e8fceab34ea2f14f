"""The officers' API over the demo's ledger: filters, pages and totals that add up, the buyer down to
each entry, downloads with the JSON's totals, bad input refused with 4xx, and no 5xx under fuzzing."""

import csv
import io
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from openpyxl import load_workbook

import schemathesis
from schemathesis.checks import not_a_server_error, status_code_conformance
from streams.web.app import create_api
from streams.settings import Settings
from tests.credentials import COOKIE, session_token, signed_in
from tests.e2e.conftest import demo_ledger_url, demo_run, serving

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

PROGRAMS = {"alokasi-30-3216", "bebeli-3216-2024", "pp7-40-3216"}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> str:
    return demo_ledger_url(demo_run(tmp_path_factory))


@pytest.fixture(scope="module")
def api(ledger):
    return create_api(Settings(database_url=ledger))


@pytest.fixture(scope="module")
def client(api, ledger):
    with TestClient(api) as c:
        yield signed_in(c, ledger, "admin")  # an admin sees every buyer


def get(client, url: str, **params) -> dict:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def every(client, url: str, size: int = 7, **params) -> list[dict]:
    """All rows of a paginated listing, page by page."""
    rows, offset = [], 0
    while True:
        page = get(client, url, limit=size, offset=offset, **params)
        rows += page["items"]
        offset += size
        if offset >= page["total"]:
            assert len(rows) == page["total"]
            return rows


def test_health_says_the_ledger_answers_and_when_it_was_last_evaluated(client):
    body = get(client, "/health")
    assert body["ledger"] == "ok" and body["last_evaluation"]


def test_the_programs_in_force_are_the_three_example_programs(client):
    body = get(client, "/api/programs")
    assert {p["program_id"] for p in body["items"]} == PROGRAMS == {p["program_id"] for p in body["items"]}
    forty = next(p for p in body["items"] if p["program_id"] == "pp7-40-3216")
    assert forty["threshold"]["share_bp"] == 4000 and len(forty["budgets"]) == 8


def test_compliance_pages_put_together_are_the_whole_list_and_the_totals_are_its_sums(client):
    whole = get(client, "/api/compliance", limit=1000)
    assert every(client, "/api/compliance") == whole["items"]
    for key in ("actual", "required", "shortfall", "total"):
        assert whole["totals"][key] == sum(x[key] for x in whole["items"])


def test_compliance_rows_are_the_figures_of_kuota_compliance(client, ledger):
    cli = subprocess.run([sys.executable, "-m", "streams", "compliance", "--format", "json"], capture_output=True,
                         text=True, check=True, env={"KUOTA_DATABASE_URL": ledger, "PATH": ""})
    want = {(x["program_id"], x["buyer_id"], x["period"]): x for x in json.loads(cli.stdout)}
    got = {(x["program_id"], x["buyer_id"], x["period"]): x for x in get(client, "/api/compliance",
                                                                          limit=1000)["items"]}
    assert got.keys() == want.keys()
    fields = ("actual", "required", "shortfall", "total", "base", "share_bp", "status", "grade")
    assert all({f: got[k][f] for f in fields} == {f: want[k][f] for f in fields} for k in want)


def test_compliance_filters_keep_only_matching_lines(client):
    rows = get(client, "/api/compliance", program="alokasi-30-3216", period="2024-Q2", status="breach",
               region="3216", limit=1000)["items"]
    assert rows, "the demo has companies below 30 percent"
    assert all((x["program_id"], x["period"], x["status"]) == ("alokasi-30-3216", "2024-Q2", "breach")
               for x in rows)
    assert all(x["share_bp"] < 3000 for x in rows)
    assert get(client, "/api/compliance", region="3275")["total"] == 0  # every program is Kabupaten Bekasi's
    [bebeli] = get(client, "/api/compliance", program="bebeli-3216-2024", buyer="*")["items"]
    assert (bebeli["period"], bebeli["required"]) == ("2024", 100_000_000_000)


def test_as_of_before_any_program_shows_nothing_and_as_of_now_recomputes_the_same_figures(client):
    assert get(client, "/api/compliance", as_of="2023-12-31T23:59:59+07:00")["total"] == 0
    now = get(client, "/api/compliance", as_of="2999-01-01T00:00:00+00:00", limit=1000)["items"]
    live = get(client, "/api/compliance", limit=1000)["items"]
    figures = lambda rows: {(x["program_id"], x["buyer_id"], x["period"]): (x["actual"], x["required"], x["total"])
                            for x in rows}
    assert figures(now) == figures(live)


def test_a_buyer_is_shown_down_to_each_entry_and_why_it_counted(client):
    company = get(client, "/api/compliance", program="alokasi-30-3216", period="2024-Q1", limit=1)["items"][0]
    buyer = company["buyer_id"]
    detail = get(client, f"/api/buyers/{buyer}", period="2024-Q1", limit=1000)
    assert detail["buyer"]["kind"] == "company"
    assert {(x["program_id"], x["period"]) for x in detail["standings"]} >= {("alokasi-30-3216", "2024-Q1")}
    entries = detail["entries"]["items"]
    assert len(entries) == detail["entries"]["total"] > 0
    assert sum(e["amount"] for e in entries) == company["total"]
    assert sum(e["amount"] for e in entries if e["programs"]["alokasi-30-3216"]["counts"]) == company["actual"]
    assert {e["programs"]["alokasi-30-3216"]["reason"] for e in entries} <= {
        "mikro", "kecil", "menengah", "cooperative", "unregistered", "lapsed", "not_local", "scale_not_counted"}
    paged, offset = [], 0
    while offset < len(entries):
        paged += get(client, f"/api/buyers/{buyer}", period="2024-Q1", limit=50, offset=offset)["entries"]["items"]
        offset += 50
    assert paged == entries


def test_a_buyers_monthly_line_for_a_program_adds_up_to_its_quarter(client):
    company = get(client, "/api/compliance", program="alokasi-30-3216", period="2024-Q3", limit=1)["items"][0]
    detail = get(client, f"/api/buyers/{company['buyer_id']}", limit=1)
    [line] = [p for p in detail["programs"] if p["program_id"] == "alokasi-30-3216"]
    q3 = [p for p in line["points"] if p["period"] in ("2024-07", "2024-08", "2024-09")]
    assert (sum(p["actual"] for p in q3), sum(p["total"] for p in q3)) == (company["actual"], company["total"])
    assert line["threshold_bp"] == 3000


def test_an_unknown_buyer_is_a_404(client):
    assert client.get("/api/buyers/tidak-ada").status_code == 404


def test_what_suppliers_received_adds_up_to_what_buyers_spent(client):
    suppliers = every(client, "/api/suppliers", size=1000)
    assert sum(s["received"] for s in suppliers) == sum(p["total"] for p in every(client, "/api/trend", size=1000))
    assert [s["received"] for s in suppliers] == sorted((s["received"] for s in suppliers), reverse=True)
    forty = get(client, "/api/suppliers", program="pp7-40-3216", scale="besar", limit=1000)["items"]
    assert forty and all(s["scale"] == "besar" and set(s["eligible"]) <= {"pp7-40-3216"} for s in forty)


def test_alerts_filter_and_carry_the_history_of_their_line(client):
    alerts = get(client, "/api/alerts", limit=1000)["items"]
    breaches = get(client, "/api/alerts", status="breach", program="alokasi-30-3216", limit=1000)["items"]
    assert breaches and all((a["status"], a["program"]) == ("breach", "alokasi-30-3216") for a in breaches)
    lines = defaultdict(list)
    for a in alerts:
        lines[(a["program"], a["buyer_id"], a["period"])].append(a["status"])
    for a in alerts:
        assert sorted(h["status"] for h in a["history"]) == sorted(lines[(a["program"], a["buyer_id"], a["period"])])
        assert a["status"] in [h["status"] for h in a["history"]]


@pytest.mark.parametrize("url", [
    "/api/compliance?period=2024-13", "/api/compliance?limit=0", "/api/compliance?limit=100000",
    "/api/compliance?offset=-1", "/api/compliance?status=bad", "/api/compliance?region=32", "/api/compliance?format=pdf",
    "/api/compliance?program=Bebeli%20!", "/api/compliance?as_of=2024-03-31T23:59:59",
    "/api/compliance?as_of=yesterday", "/api/compliance?as_of=0001-01-01T00:00:00%2B14:00", "/api/alerts?limit=x",
    f"/api/buyers/{'x' * 65}", "/api/suppliers?scale=raksasa", "/api/trend?program=x", "/?period=2024-Q5",
    "/buyers/tidak-ada", "/alerts?status=unknown", "/?lang=fr"])
def test_bad_input_is_refused_with_a_4xx(client, url):
    assert 400 <= client.get(url).status_code < 500


def test_the_xlsx_download_has_the_totals_of_the_json_report(client):
    want = get(client, "/api/compliance", program="alokasi-30-3216", period="2024-Q2", limit=1)
    r = client.get("/api/compliance", params={"program": "alokasi-30-3216", "period": "2024-Q2", "format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(r.content))
    about = {row[0]: row[1] for row in book["Keterangan"].iter_rows(min_row=2, values_only=True)}
    assert about["Program"] == "alokasi-30-3216" and about["Periode"] == "2024-Q2"
    assert any(k.startswith("Per tanggal") and v for k, v in about.items())  # as of
    data = book["Data"]
    head = [c.value for c in data[1]]
    rows = list(data.iter_rows(min_row=2, values_only=True))
    body, total_row = rows[:-1], rows[-1]
    assert len(body) == want["total"] and total_row[0] == "Jumlah"
    for key, label in (("actual", "Realisasi"), ("required", "Wajib"), ("shortfall", "Kekurangan"),
                       ("total", "Total belanja")):
        i = head.index(label)
        assert sum(row[i] for row in body) == total_row[i] == want["totals"][key]
        assert "Rp" in data.cell(row=2, column=i + 1).number_format


def test_the_csv_downloads_hold_every_row_of_the_json(client):
    want = get(client, "/api/compliance", limit=1000)["items"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/compliance", params={"format": "csv"}).text)))
    assert [(r["program_id"], r["buyer_id"], r["period"], int(r["actual"])) for r in rows] == \
        [(x["program_id"], x["buyer_id"], x["period"], x["actual"]) for x in want]
    alerts = get(client, "/api/alerts", limit=1000)["items"]
    listed = list(csv.DictReader(io.StringIO(client.get("/api/alerts", params={"format": "csv"}).text)))
    assert [r["alert_id"] for r in listed] == [a["alert_id"] for a in alerts]
    book = load_workbook(io.BytesIO(client.get("/api/alerts", params={"format": "xlsx", "lang": "en"}).content))
    assert book.sheetnames == ["About", "Data"] and book["Data"].max_row == len(alerts) + 2


@pytest.fixture(scope="module")
def served(api):
    with serving(api) as url:
        yield url


# The spec the app publishes (it needs no database), fuzzed against the app serving the demo ledger.
fuzzed = schemathesis.openapi.from_dict(
    create_api(Settings(database_url=f"sqlite:///{Path(tempfile.gettempdir()) / 'kuota-openapi.db'}")).openapi())


@pytest.fixture(scope="module")
def admin_cookie(ledger) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={session_token(ledger, 'admin')}"}


@fuzzed.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_the_openapi_allows_gets_a_5xx_or_an_undocumented_status(case, served, admin_cookie):
    case.call_and_validate(base_url=served, headers=admin_cookie,
                           checks=[not_a_server_error, status_code_conformance])
