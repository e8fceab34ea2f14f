"""Issue 20's first acceptance: into a fresh `kuota up` with no program file and no supplier registry,
Kalimantan Barat's 2025 budget structure and its 2025 SPSE non-tender contracts, imported in
either order, are judged under the national 40% rule on the LKPP measure. The expected figures
are computed here from the raw files, with a few lines that import nothing of kuota."""

import json
import signal
from collections import defaultdict
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from streams.tools.procs import wait_until
from tests.integration.helpers import imported, kuota
from tests.integration.streams.test_up import reap_all, start_up, up_env

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
BUDGETS, CONTRACTS = "rup-struktur-anggaran-kalbar-2025.json", "spse-nontender-kontrak-kalbar-2025.json"
IN_FORCE = ("Kontrak Sedang Berjalan", "Kontrak Selesai")


def raw(name: str) -> list[dict]:
    return json.loads((REAL / name).read_text(), parse_float=Decimal)


def rupiah(value) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def declared_per_unit() -> dict[str, int]:
    """The UMK value the contracts declare, per work unit: one per package and supplier at its
    highest addendum, running or finished, each rounded half up."""
    latest = {}
    for r in raw(CONTRACTS):
        key = (r["kd_nontender"], r["npwp16_penyedia"] or r["npwp_penyedia"])
        if key not in latest or r["versi_addendum"] > latest[key]["versi_addendum"]:
            latest[key] = r
    out = defaultdict(int)
    for r in latest.values():
        if r["status_kontrak"] in IN_FORCE:
            out[f"{r['kd_klpd']}-{r['kd_satker_str']}"] += rupiah(r["nilai_umk_kontrak"])
    return dict(out)


def budget_per_unit() -> dict[str, int]:
    """The procurement budget of each work unit with a budget line of its own (no null, not 0)."""
    amounts = ("belanja_operasi", "belanja_modal", "belanja_btt", "belanja_pengadaan", "belanja_non_pengadaan",
               "total_belanja")
    return {f"{r['kd_klpd']}-{r['kd_satker_str']}": rupiah(r["belanja_pengadaan"]) for r in raw(BUDGETS)
            if all(r[a] is not None for a in amounts) and rupiah(r["belanja_pengadaan"]) > 0}


def overview(env: dict) -> list[dict]:
    return json.loads(kuota(env, "report", "overview", "--format", "json").stdout)


@contextmanager
def fresh_kuota_up(tmp_path: Path):
    """`kuota up` as a new user starts it (its own broker, a new SQLite ledger, no configuration),
    and the environment of a second terminal's commands; stopped with SIGTERM afterwards."""
    up, _, broker, started = start_up(tmp_path)
    try:
        yield up_env(tmp_path, KUOTA_BROKER=f"127.0.0.1:{broker}")
        up.send_signal(signal.SIGTERM)
        up.wait(90)
    finally:
        reap_all(up, started)


@pytest.mark.parametrize("order", [(BUDGETS, CONTRACTS), (CONTRACTS, BUDGETS)], ids=["budgets-first", "contracts-first"])
def test_an_imported_region_is_judged_by_the_national_rule_on_what_its_contracts_declare(order, tmp_path):
    declared, budgets = declared_per_unit(), budget_per_unit()
    assert sum(declared.values()) > 0 and set(declared) & set(budgets)  # the files meet
    with fresh_kuota_up(tmp_path) as env:
        for name in order:
            imported(env, REAL / name)
        wait_until(lambda: {(x["buyer_id"], x["actual"]) for x in overview(env)}
                   == {(unit, declared.get(unit, 0)) for unit in budgets},
                   timeout=120, what="every work unit with a budget line judged on what its contracts declare")
        lines = {x["buyer_id"]: x for x in overview(env)}
        programs = json.loads(kuota(env, "report", "overview", "--format", "json", "--region", "6100").stdout)
        audit = kuota(env, "audit").stdout
    for unit, budget in budgets.items():
        line = lines[unit]
        assert (line["program_id"], line["period"], line["measure"]) == ("nasional-40-6100", "2025", "declared")
        assert (line["declared"], line["base"]) == (declared.get(unit, 0), budget)
        assert line["status"] == ("met" if declared.get(unit, 0) * 10_000 >= budget * 4_000 else "breach")
        # No supplier is registered: the verified measure is 0, and its coverage line says on how little it rests.
        assert (line["verified"], line["registered"], line["coverage_bp"]) == (
            0, 0, 0 if line["total"] else None)
    assert {x["program_id"] for x in programs} == {"nasional-40-6100"}
    assert "AUDIT OK" in audit
