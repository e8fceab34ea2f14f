"""`kuota import` of LKPP's own records (tests/fixtures/realdata) through the real broker and a
worker into a fresh SQLite ledger. The expected figures are computed here from the raw files,
with a few lines that import nothing of kuota, and compared with `kuota report`."""

import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.conftest import running_worker
from tests.integration.helpers import (booked, imported, journaled, kuota, receipts, report_json, sent, sqlite_ledger,
                                       wait_until_booked)

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
SPSE = ["spse-nontender-kontrak-kalbar-2023.json", "spse-nontender-kontrak-kalbar-2025.json",
        "spse-tender-kontrak-kalbar-2023.json", "spse-tender-kontrak-kalbar-2024.json"]
REGION = {"D197": "6100", "D107": "3204", "D199": "6171"}


def raw(name: str | Path) -> list[dict]:
    return json.loads(Path(REAL / name).read_text(), parse_float=Decimal)


def rupiah(value) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def spse_supplier(r: dict) -> str:
    """The supplier's tax id as digits, a 15-digit NPWP with the leading 0 of its 16-digit form."""
    for field in ("npwp_16_penyedia", "npwp16_penyedia", "npwp_penyedia"):
        digits = "".join(c for c in str(r.get(field) or "") if c.isdigit())
        if len(digits) in (15, 16):
            return digits.zfill(16)
    return f"lkpp:{r.get('kd_penyedia')}"


def spse_latest(rows: list[dict]) -> list[dict]:
    """One contract per package and supplier, at its latest addendum (whatever its contract number)."""
    latest = {}
    for r in rows:
        key = (r.get("kd_tender") or r.get("kd_nontender"), spse_supplier(r))
        if key not in latest or r["versi_addendum"] > latest[key]["versi_addendum"]:
            latest[key] = r
    return list(latest.values())


def spse_totals(rows: list[dict]) -> dict[tuple[str, str], int]:
    """One per contract at its latest addendum, rounded half up, running or finished only."""
    totals = defaultdict(int)
    for r in spse_latest(rows):
        if r["status_kontrak"] in ("Kontrak Sedang Berjalan", "Kontrak Selesai"):
            totals[(f"{r['kd_klpd']}-{r['kd_satker_str']}", r["tgl_kontrak"][:4])] += rupiah(r["nilai_kontrak"])
    return dict(totals)


def reported(env: dict, field: str = "total") -> dict[tuple[str, str], int]:
    return {(x["buyer_id"], x["period"]): x[field] for x in report_json(env, "--period", "year") if x.get(field)}


@pytest.fixture
def ledger(tmp_path) -> str:
    return sqlite_ledger(tmp_path)


def test_spse_contracts_add_up_per_buyer_and_year_and_a_second_import_changes_nothing(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    files = [REAL / name for name in SPSE]
    first = imported(env, *files)
    assert all(f["accounted"] and not f["not_imported"] for f in first["files"])
    assert [f["duplicates"]["count"] for f in first["files"]] == [4, 0, 0, 0]  # exact copies in the 2023 file
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, sent(first), "every contract booked")
        expected = spse_totals([r for name in SPSE for r in raw(name)])
        assert reported(env) == expected
        again = imported(env, *files)  # every event journaled before: none is sent again
        assert sent(again) == sent(first) == journaled(ledger) == booked(ledger)
        assert reported(env) == expected
    assert "rejected" not in receipts(ledger)
    assert "AUDIT OK" in kuota(env, "audit").stdout  # what the imports sent, the ledger received


def test_addenda_under_new_contract_numbers_count_once_at_the_latest(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    rows = raw("spse-tender-kontrak-kalbar-2023.json")
    latest = spse_latest(rows)
    assert len(latest) < len({(r["kd_tender"], r["no_kontrak"]) for r in rows})  # addenda under numbers of their own
    expected = sum(rupiah(r["nilai_kontrak"]) for r in latest
                   if r["status_kontrak"] in ("Kontrak Sedang Berjalan", "Kontrak Selesai"))
    assert expected == 244_248_601_706
    summary = imported(env, REAL / "spse-tender-kontrak-kalbar-2023.json")
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, sent(summary), "every contract and addendum booked")
        assert sum(x["total"] for x in report_json(env, "--period", "year") if x["period"] == "2023") == expected
    assert "AUDIT OK" in kuota(env, "audit").stdout


def test_three_broken_records_are_reported_with_their_positions_and_the_rest_imported(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    rows = raw(SPSE[1])
    broken = [dict(r) for r in rows]
    del broken[4]["nilai_kontrak"]  # record 5
    broken[11]["tgl_kontrak"] = "31 Juni 2025"  # record 12
    broken[19]["kd_klpd"] = "D999"  # record 20
    path = tmp_path / "spse-broken.json"
    path.write_text(json.dumps(broken, default=float))  # the sen stay numbers
    summary = imported(env, path)["files"][0]
    assert {reason: t["positions"] for reason, t in summary["not_imported"].items()} == {
        "missing_field": [5], "bad_value": [12], "unknown_klpd": [20]}
    assert (summary["records"], summary["imported"], summary["accounted"]) == (37, 34, True)
    written = [json.loads(line) for line in Path(summary["not_imported_file"]).read_text().splitlines()]
    assert [(w["position"], w["record"]["no_kontrak"]) for w in written] == [
        (i + 1, rows[i]["no_kontrak"]) for i in (4, 11, 19)]
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, 34, "the 34 good contracts booked")
        assert reported(env) == spse_totals([r for i, r in enumerate(rows) if i not in (4, 11, 19)])


def daring_totals(rows: list[dict]) -> dict[tuple[str, str], int]:
    """API rows of one order: the latest by (confirmation, verification, time) is in force; lines
    from `import` each count unless failed; only confirmed (or imported) orders count."""
    rank = {None: 0, "selesai": 1, "gagal": 2}
    verif = {"unverified": 0, None: 1, "verified": 2}
    latest, totals = {}, defaultdict(int)
    for r in rows:
        if r["sumber_data"] == "import":
            if r["status_konfirmasi_ppmse"] != "gagal":
                totals[(f"{r['kd_klpd']}-satker-{r['kd_satker']}", r["tanggal_transaksi"][:4])] += r["valuasi"]
            continue
        order = (rank[r["status_konfirmasi_ppmse"]], verif[r["status_verif"]], r["tanggal_transaksi"])
        if r["order_id"] not in latest or order > latest[r["order_id"]][0]:
            latest[r["order_id"]] = (order, r)
    for _, r in latest.values():
        if r["status_konfirmasi_ppmse"] == "selesai":
            totals[(f"{r['kd_klpd']}-satker-{r['kd_satker']}", r["tanggal_transaksi"][:4])] += r["valuasi"]
    return dict(totals)


def test_a_failed_toko_daring_order_never_counts(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    summary = imported(env, REAL / "tokodaring-kabbandung-2025.json", REAL / "tokodaring-pontianak-2022.json")
    bandung, pontianak = summary["files"]
    assert bandung["purchases_by_state"] == {"void": 2} and pontianak["purchases_by_state"]["void"] == 15
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, sent(summary), "every order booked")
        totals = reported(env)
    assert not any(buyer.startswith("D107-") for buyer, _ in totals)  # both Kab. Bandung orders failed
    assert totals == daring_totals(raw("tokodaring-pontianak-2022.json"))


def test_a_pending_ekatalog_order_shows_as_pending_and_counts_once_completed(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger)
    rows = raw("ecat-v6-paket-kabbandung-2025.json")
    done = {"COMPLETED", "PAYMENT_OUTSIDE_SYSTEM"}
    total, pending = defaultdict(int), defaultdict(int)
    for r in rows:
        (total if r["status_pkt"] in done else pending)[(f"D107-{r['kd_satker_str']}", "2025")] += r["total_harga"]
    first = imported(env, REAL / "ecat-v6-paket-kabbandung-2025.json")
    order = next(r for r in rows if r["status_pkt"] == "ON_PROCESS")
    later = tmp_path / "ecat-completed.json"
    completed = order | {"status_pkt": "COMPLETED", "status_pengiriman": "COMPLETED"}
    later.write_text(json.dumps([completed], default=float))
    unit = (f"D107-{order['kd_satker_str']}", "2025")
    with running_worker(env, tmp_path / "worker.log"):
        wait_until_booked(ledger, 606, "every package booked")
        assert first["files"][0]["purchases_by_state"] == {"completed": 89, "pending": 517}
        assert reported(env) == dict(total)
        assert reported(env, "pending") == dict(pending)
        imported(env, later)
        wait_until_booked(ledger, 607, "the completed version booked", timeout=60)
        assert reported(env)[unit] == total[unit] + order["total_harga"]
        assert reported(env, "pending").get(unit, 0) == pending[unit] - order["total_harga"]
