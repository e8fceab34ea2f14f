"""SIRUP packages and budget structures as kuota takes them: announced packages become the planned
allocation, budget lines the declared budgets; a unit without a budget line is reported, never a
zero. Expected figures come from the test's own reading of the files (plain `json`)."""

import io
import json
from collections import Counter
from pathlib import Path

import orjson
import pytest

from schemas.allocation import AllocationPlanned
from schemas.decode import decode
from schemas.targets import BudgetDeclared, target_key
from streams.importers import satker
from streams.importers.base import Context, NotImported
from streams.importers.formats import FORMATS
from streams.importers.sirup_anggaran import FORMAT as BUDGETS
from streams.importers.sirup_paket import FORMAT as PACKAGES

REALDATA = Path(__file__).parents[3] / "fixtures" / "realdata"
PAKET = REALDATA / "rup-paket-penyedia-kalbar-2025-sample.json"
KALBAR = REALDATA / "rup-struktur-anggaran-kalbar-2025.json"
BANDUNG = REALDATA / "rup-struktur-anggaran-kabbandung-2025.json"

NON_UKM = {  # taken from the packages file
    "tahun_anggaran": 2025, "kd_klpd": "D197", "kd_satker": 264456, "kd_satker_str": "1.03.0.00.0.00.01.0000",
    "nama_satker": "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG PROVINSI KALIMANTAN BARAT", "kd_rup": 53699505,
    "nama_paket": "PENGAWASAN TEKNIS PENGGANTIAN/PEMBANGUNAN JEMBATAN RUAS JALAN SEJIRAM - SEMITAU",
    "pagu": 1200000000, "metode_pengadaan": "Seleksi", "jenis_pengadaan": "Jasa Konsultansi", "status_ukm": "Non-UKM",
    "alasan_non_ukm": "Kompetensi tidak sesuai dengan usaha kecil", "tgl_buat_paket": "2024-12-10",
    "tgl_pengumuman_paket": "2024-12-16 14:25:38", "status_aktif_rup": True, "status_delete_rup": False,
    "status_umumkan_rup": "Terumumkan", "status_dikecualikan": False, "alasan_dikecualikan": None}
UKM = NON_UKM | {"kd_rup": 53540979, "nama_paket": "Belanja Bahan Makanan dan Minuman Pasien", "pagu": 7700000000,
                 "status_ukm": "UKM", "alasan_non_ukm": None, "alasan_dikecualikan": "", "metode_pengadaan": "Tender"}
EXCLUDED = NON_UKM | {"kd_rup": 54357443, "nama_paket": "Belanja Tagihan Telepon", "pagu": 4000000,
                      "metode_pengadaan": "Dikecualikan", "status_dikecualikan": True}
BUDGET_LINE = {  # taken from the Kalimantan Barat budget structure
    "tahun_anggaran": 2025, "kd_klpd": "D197", "nama_klpd": "Provinsi Kalimantan Barat", "kd_satker": 264449,
    "kd_satker_str": "1.01.2.22.0.00.01.0000", "nama_satker": "DINAS PENDIDIKAN DAN KEBUDAYAAN PROVINSI KALIMANTAN BARAT",
    "belanja_operasi": 439625073827, "belanja_modal": 0, "belanja_btt": 0, "belanja_non_pengadaan": 238362213066,
    "belanja_pengadaan": 439625073827, "total_belanja": 677987286893}
NO_LINE = BUDGET_LINE | {"tahun_anggaran": None, "kd_satker": 172071, "kd_satker_str": "2.08.0.00.0.00.01.0001",
                         "nama_satker": "UPT PERLINDUNGAN PEREMPUAN DAN ANAK", "belanja_operasi": None,
                         "belanja_modal": None, "belanja_btt": None, "belanja_non_pengadaan": None,
                         "belanja_pengadaan": None, "total_belanja": None}


def one(fmt, record: dict, ctx: Context | None = None):
    """The single event of a record, parsed as the worker parses it."""
    out = fmt.map(record, ctx or Context())
    assert not isinstance(out, NotImported), out
    (event,) = out
    return decode("targets", json.dumps(event).encode())


def test_an_announced_non_ukm_package_is_planned_with_its_reason():
    ev = one(PACKAGES, NON_UKM)
    assert isinstance(ev, AllocationPlanned)
    assert (ev.agency_id, ev.fiscal_year, ev.package_id, ev.region) == ("D197-1.03.0.00.0.00.01.0000", 2025, "53699505", "6100")
    assert (ev.pagu, ev.ukm, ev.reason_non_ukm, ev.excluded, ev.withdrawn) == (
        1_200_000_000, False, "Kompetensi tidak sesuai dengan usaha kecil", False, False)
    assert ev.occurred_at.isoformat() == "2024-12-16T14:25:38+07:00"
    assert target_key(ev) == "allocation:D197-1.03.0.00.0.00.01.0000:2025:53699505"


def test_a_ukm_package_carries_no_reason_and_an_excluded_one_says_so():
    ukm, excluded = one(PACKAGES, UKM), one(PACKAGES, EXCLUDED)
    assert (ukm.ukm, ukm.reason_non_ukm, ukm.excluded, ukm.method) == (True, None, False, "Tender")
    assert (excluded.excluded, excluded.reason_excluded, excluded.pagu) == (True, None, 4_000_000)


def test_the_same_package_gives_the_same_event_and_a_changed_one_a_new_event_under_the_same_key():
    first, again = one(PACKAGES, NON_UKM), one(PACKAGES, dict(NON_UKM))
    changed = one(PACKAGES, NON_UKM | {"pagu": 1_300_000_000})
    assert first == again
    assert changed.event_id != first.event_id and target_key(changed) == target_key(first)


@pytest.mark.parametrize("change, withdrawn", [({"status_delete_rup": True}, True), ({"status_aktif_rup": False}, True),
                                               ({}, False)])
def test_a_package_deleted_or_deactivated_at_the_source_is_sent_withdrawn(change, withdrawn):
    assert one(PACKAGES, UKM | change).withdrawn is withdrawn


@pytest.mark.parametrize("change, reason", [
    ({"status_umumkan_rup": "Draf"}, "not_announced"), ({"kd_klpd": "D999"}, "unknown_klpd"),
    ({"pagu": None}, "missing_field"), ({"pagu": "banyak"}, "bad_value"), ({"status_ukm": "Mikro"}, "bad_value"),
    ({"tahun_anggaran": "dua ribu"}, "bad_value"), ({"kd_satker_str": None}, "missing_field"),
])
def test_a_package_kuota_cannot_place_is_not_imported_with_a_reason(change, reason):
    out = PACKAGES.map(UKM | change, Context())
    assert isinstance(out, NotImported) and out.reason == reason and out.detail


def test_region_given_on_the_command_line_places_an_unknown_klpd():
    assert one(PACKAGES, UKM | {"kd_klpd": "D999"}, Context(region="6101")).region == "6101"


def test_a_budget_line_becomes_the_declared_procurement_budget_with_the_units_name():
    ev, unit = (decode("targets", orjson.dumps(e)) for e in BUDGETS.map(BUDGET_LINE, Context()))
    assert isinstance(ev, BudgetDeclared)
    # ... and describes the unit, also known by the numeric code Toko Daring names it by
    assert (unit.type, unit.buyer_id, unit.region) == ("buyer.described", "D197-1.01.2.22.0.00.01.0000", "6100")
    assert unit.also_known_as == (f"D197-satker-{BUDGET_LINE['kd_satker']}",)
    assert (ev.agency_id, ev.fiscal_year, ev.budget, ev.region) == ("D197-1.01.2.22.0.00.01.0000", 2025, 439625073827, "6100")
    assert ev.name == "DINAS PENDIDIKAN DAN KEBUDAYAAN PROVINSI KALIMANTAN BARAT"
    assert target_key(ev) == "budget:D197-1.01.2.22.0.00.01.0000:2025"


def test_a_unit_without_a_budget_line_is_reported_never_a_zero_budget():
    out = BUDGETS.map(NO_LINE, Context())
    assert isinstance(out, NotImported) and out.reason == "no_budget_line" and "UPT PERLINDUNGAN" in out.detail


@pytest.mark.parametrize("field", ["belanja_btt", "belanja_pengadaan", "belanja_non_pengadaan", "total_belanja"])
def test_any_null_amount_makes_a_line_that_is_not_imported(field):
    assert BUDGETS.map(BUDGET_LINE | {field: None}, Context()).reason == "no_budget_line"


def test_a_zero_procurement_budget_is_not_imported():
    zero = BUDGET_LINE | {"belanja_operasi": 0, "belanja_pengadaan": 0}
    assert BUDGETS.map(zero, Context()).reason == "zero_budget"


def test_every_budget_row_joins_its_numeric_satker_code_in_the_directory():
    ctx = Context()
    BUDGETS.map(NO_LINE, ctx)
    assert satker.lookup(ctx, "D197", 172071)["kd_satker_str"] == "2.08.0.00.0.00.01.0001"


@pytest.mark.parametrize("path, fmt", [(PAKET, PACKAGES), (KALBAR, BUDGETS), (BANDUNG, BUDGETS)])
def test_each_file_is_detected_as_its_format_and_no_other(path, fmt):
    first = json.loads(path.read_bytes())[0]
    assert [f.name for f in FORMATS if f.detects(first)] == [fmt.name]


def test_every_record_of_the_files_is_accounted_for():
    for path, fmt in ((PAKET, PACKAGES), (KALBAR, BUDGETS), (BANDUNG, BUDGETS)):
        raw = json.loads(path.read_bytes())
        expected = Counter("no_budget_line" if r.get("belanja_pengadaan", 0) is None
                           else "zero_budget" if r.get("belanja_pengadaan") == 0 else "event" for r in raw)
        got = Counter()
        for record in fmt.records(io.BytesIO(path.read_bytes())):
            out = fmt.map(record, Context())
            got[out.reason if isinstance(out, NotImported) else "event"] += 1
        assert got == expected, path.name


def test_the_planned_ukm_pagu_per_unit_adds_up_to_the_files_own():
    raw = json.loads(PAKET.read_bytes())
    expected = Counter()
    for r in raw:
        if r["status_ukm"] == "UKM" and not r["status_dikecualikan"]:
            expected[f"D197-{r['kd_satker_str']}"] += r["pagu"]
    got = Counter()
    for record in PACKAGES.records(io.BytesIO(PAKET.read_bytes())):
        ev = one(PACKAGES, record)
        if ev.ukm and not ev.excluded and not ev.withdrawn:
            got[ev.agency_id] += ev.pagu
    assert got == expected and len(got) > 10
