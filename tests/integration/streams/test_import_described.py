"""A ledger that booked real files before kuota read supplier names and RUP codes, importing them
again through the real broker and a worker: `kuota import` exits 0 and says 0 new, every record
already recorded, never a rejection; the purchases gain their suppliers' names and their package
codes; nothing is counted twice and the audit is clean."""

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ledger.models import Entry, SupplierName
from streams.importers.base import Context
from streams.importers.ekatalog import FORMAT as EKATALOG
from streams.importers.spse import FORMAT as SPSE
from tests.conftest import running_worker, wait_until
from tests.integration.helpers import booked, kuota, receipts, sqlite_ledger, wait_until_booked, write_jsonl

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
CONTRACTS = REAL / "spse-nontender-kontrak-kalbar-2025.json"  # 37 contracts
ORDERS = REAL / "ecat-v6-paket-kabbandung-2025.json"


def as_before(fmt, rows: list[dict]) -> list[dict]:
    """The events the importers sent before they carried names and RUP codes."""
    out = []
    for row in rows:
        [event] = fmt.map(row, Context())
        out.append({k: v for k, v in event.items() if k not in ("supplier_name", "plan_package")})
    return out


def count(url: str, query) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return s.scalar(query) or 0
    finally:
        engine.dispose()


def test_importing_again_describes_what_was_booked_and_counts_nothing_twice(kuota_env, tmp_path):
    ledger = sqlite_ledger(tmp_path)
    env = kuota_env(ledger)
    orders = tmp_path / "ecat-v6-dinas-pertanian.json"
    orders.write_text(json.dumps([r for r in json.loads(ORDERS.read_text())
                                  if r["kd_satker_str"] == "3.27.0.00.0.00.22.0000"]))
    contracts, ordered = json.loads(CONTRACTS.read_text()), json.loads(orders.read_text())
    before = tmp_path / "booked-before.jsonl"
    write_jsonl(before, as_before(SPSE, contracts) + as_before(EKATALOG, ordered))
    booked_before = len(contracts) + len(ordered)
    described = sum(1 for r in contracts if (r.get("nama_penyedia") or "").strip()) + len(ordered)
    with running_worker(env, tmp_path / "worker.log"):
        kuota(env, "emit", str(before))
        wait_until_booked(ledger, booked_before, "the events booked as the importers sent them before")
        total = count(ledger, select(func.sum(Entry.amount)))

        doc = json.loads(kuota(env, "import", "--format-out", "json", "--wait", "60", str(CONTRACTS),
                               str(orders)).stdout)
        assert doc["ok"] is True
        assert [f["ledger"] for f in doc["files"]] == [
            {"new": 0, "already_recorded": len(contracts), "corrections": 0, "rejected": {}, "undecided": 0},
            {"new": 0, "already_recorded": len(ordered), "corrections": 0, "rejected": {}, "undecided": 0}]
        # Sent again are the copies that describe something: a contract naming no supplier is the
        # same record as before, a duplicate in the journal, never sent.
        wait_until(lambda: booked(ledger) == booked_before + described, what="the described copies received")
    assert receipts(ledger) == {"applied": booked_before, "duplicate": described}  # never a rejection
    assert count(ledger, select(func.sum(Entry.amount))) == total  # nothing counted twice
    named = {e["supplier_id"] for r in contracts for e in SPSE.map(r, Context()) if "supplier_name" in e}
    assert count(ledger, select(func.count()).select_from(SupplierName)) == len(named)
    assert count(ledger, select(func.count()).select_from(Entry).where(Entry.plan_package.is_not(None))) == \
        len(ordered)
    assert "AUDIT OK" in kuota(env, "audit").stdout
