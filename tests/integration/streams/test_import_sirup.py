"""`kuota import` of the Kalimantan Barat 2025 SIRUP budget structure and packages through the
real broker and a worker into a fresh SQLite ledger; `kuota report allocation` against figures
the test computes from the raw files with a few lines that import nothing of kuota."""

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.conftest import running_worker
from tests.integration.helpers import booked, imported, journaled, kuota, sent, sqlite_ledger, wait_until_booked

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
BUDGETS, PACKAGES = REAL / "rup-struktur-anggaran-kalbar-2025.json", REAL / "rup-paket-penyedia-kalbar-2025-sample.json"


def expected() -> dict[str, dict]:
    """Per work unit with a budget line: belanja_pengadaan, the pagu of its announced, active UKM
    packages not excluded from the procurement rules, and that pagu's share in basis points, rounded down."""
    units = {f"{r['kd_klpd']}-{r['kd_satker_str']}": {"budget": r["belanja_pengadaan"], "ukm": 0, "non_ukm": Counter()}
             for r in json.loads(BUDGETS.read_text()) if r["belanja_pengadaan"] is not None}
    for r in json.loads(PACKAGES.read_text()):
        planned = r["status_umumkan_rup"] == "Terumumkan" and r["status_aktif_rup"] and not r["status_delete_rup"]
        if planned and not r["status_dikecualikan"]:
            unit = units[f"{r['kd_klpd']}-{r['kd_satker_str']}"]
            if r["status_ukm"] == "UKM":
                unit["ukm"] += r["pagu"]
            else:
                unit["non_ukm"][str(r["kd_rup"])] = r["pagu"]
    for unit in units.values():
        unit["share_bp"] = unit["ukm"] * 10_000 // unit["budget"]
    return units


def allocation(env: dict) -> dict[str, dict]:
    rows = json.loads(kuota(env, "report", "allocation", "--year", "2025", "--format", "json").stdout)
    return {r["buyer_id"]: r for r in rows}


@pytest.fixture
def ledger(tmp_path) -> str:
    return sqlite_ledger(tmp_path)


def test_each_work_unit_shows_its_procurement_budget_ukm_pagu_and_share(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    first = imported(env, BUDGETS, PACKAGES)
    files = {Path(f["file"]).name: f for f in first["files"]}
    assert files[BUDGETS.name]["events"] == {"budget.declared": 87, "buyer.described": 87}  # each unit described too
    assert files[BUDGETS.name]["not_imported"]["no_budget_line"]["count"] == 1  # reported, never a zero
    assert files[PACKAGES.name]["events"] == {"allocation.planned": 200}
    want = expected()
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, sent(first), "every event booked")
        got = allocation(env)
        assert set(got) == set(want)
        for unit, x in want.items():
            row = got[unit]
            assert (row["budget"], row["planned_ukm"], row["planned_share_bp"]) == (x["budget"], x["ukm"], x["share_bp"])
            assert {p["package_id"]: p["pagu"] for p in row["non_ukm_packages"]} == dict(x["non_ukm"])
        assert sum(r["planned_ukm"] for r in got.values()) == sum(x["ukm"] for x in want.values()) > 0

        again = imported(env, BUDGETS, PACKAGES)  # the same files again: journaled before, none sent again
        assert sent(again) == sent(first) == journaled(ledger) == booked(ledger)
        assert allocation(env) == got


def test_the_table_shows_rupiah_and_shares_and_a_unit_without_a_budget_line_gets_no_zero(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    summary = imported(env, BUDGETS)
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, sent(summary), "the budgets booked")
        table = kuota(env, "report", "allocation", "--buyer", "D197-1.01.2.22.0.00.01.0000").stdout
        assert "DINAS PENDIDIKAN DAN KEBUDAYAAN" in table and "Rp 439.625.073.827" in table and "0,00%" in table
        # Its import said no_budget_line; the report invents no zero budget for it, it says there is none.
        empty = kuota(env, "report", "allocation", "--buyer", "D197-2.08.0.00.0.00.01.0001").stdout
        assert "Belum ada pagu atau paket SIRUP" in empty and "Rp 0" not in empty
        by_unit = defaultdict(int)
        for row in json.loads(kuota(env, "report", "allocation", "--format", "json").stdout):
            by_unit[row["buyer_id"]] += 1
        assert "D197-2.08.0.00.0.00.01.0001" not in by_unit and len(by_unit) == 87
