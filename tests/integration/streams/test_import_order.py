"""Issue 20's second acceptance: the Kalimantan Barat 2025 files (SPSE contracts, SIRUP packages,
budgets, satker master) and Kabupaten Bandung's 2025 Toko Daring orders with its budget
structure, imported one file per command in opposite orders into fresh ledgers, give
byte-identical `kuota report --period year --format json`; a second import of every file exits 0
and reports nothing new."""

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ledger.models import Entry
from tests.conftest import running_worker
from tests.integration.helpers import booked, journaled, kuota, sqlite_ledger, wait_until_booked

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
FILES = ["spse-nontender-kontrak-kalbar-2025.json", "rup-paket-penyedia-kalbar-2025-sample.json",
         "rup-struktur-anggaran-kalbar-2025.json", "rup-master-satker-kalbar-2025.json",
         "tokodaring-kabbandung-2025.json", "rup-struktur-anggaran-kabbandung-2025.json"]
ORDERS = {"directories-last": FILES, "directories-first": FILES[::-1],
          "interleaved": [FILES[4], FILES[2], FILES[0], FILES[5], FILES[3], FILES[1]]}


def import_each(env: dict, names: list[str]) -> list[dict]:
    out = []
    for name in names:
        doc = json.loads(kuota(env, "import", "--format-out", "json", "--wait", "60", str(REAL / name)).stdout)
        assert doc["ok"] is True, doc
        out.append(doc)
    return out


def entry_buyers(ledger: str) -> set[str]:
    engine = create_engine(ledger)
    try:
        with Session(engine) as s:
            return set(s.scalars(select(Entry.buyer_id).distinct()))
    finally:
        engine.dispose()


def books_in(order: list[str], kuota_env, tmp_path: Path) -> tuple[bytes, list[dict]]:
    """The year report after importing `order`, and the summaries of importing every file again."""
    ledger = sqlite_ledger(tmp_path)
    env = kuota_env(ledger)
    with running_worker(env, tmp_path / "worker.log"):
        import_each(env, order)
        wait_until_booked(ledger, journaled(ledger), "every imported event decided")
        report = kuota(env, "report", "--period", "year", "--format", "json").stdout.encode()
        again = import_each(env, order)
        assert booked(ledger) == journaled(ledger)
    assert "AUDIT OK" in kuota(env, "audit").stdout
    # Kab. Bandung's two (failed) orders name unit 60442 by its SIRUP code; the budget structure joins it.
    assert "D107-4.01.0.00.0.00.24.0000" in entry_buyers(ledger)
    assert not any("-satker-" in b for b in entry_buyers(ledger))
    return report, again


def test_any_import_order_gives_the_same_books_and_a_second_import_is_nothing_new(kuota_env, tmp_path):
    reports = {}
    for label, order in ORDERS.items():
        (tmp_path / label).mkdir()
        reports[label], again = books_in(order, kuota_env, tmp_path / label)
        for doc in again:
            [f] = doc["files"]
            assert f["ledger"]["new"] == 0 and f["ledger"]["corrections"] == 0 and not f["ledger"]["rejected"], f
    first = reports["directories-last"]
    assert any(r["buyer_id"].startswith("D197-") for r in json.loads(first))
    for label, report in reports.items():
        assert report == first, label
