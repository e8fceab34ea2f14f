"""A Dinas's registry spreadsheet through `kuota import`, row by row (every row imported or refused
with its row number and what to fix), and LKPP's supplier detail registering each supplier
once, with the ids purchases use attributed to it by the ledger."""

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Position
from streams.importers.base import Context
from streams.importers.ekatalog import FORMAT as EKATALOG
from streams.importers.supplier_detail import FORMAT as DETAIL
from tests.integration.ledger.test_evaluation import Books

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
HEADERS = ["id_penyedia", "nama_penyedia", "kode_wilayah", "kecamatan", "skala", "jenis_koperasi", "modal_usaha",
           "hasil_penjualan_tahunan", "berlaku_mulai", "nib", "npwp", "lkpp"]
# Rows 2..9 of the sheet: five good suppliers, four refused for what a registry gets wrong.
ROWS = [
    ["9120001234567", "CV Maju Bersama", "3216", "Cikarang Utara", "kecil", "", "", "4000000000", "01/01/2024",
     "9120001234567", "", ""],
    ["KSP-3275-001", "Koperasi Sejahtera", "3275", "bantargebang", "", "Simpan Pinjam", "800000000", "", "01/01/2024",
     "", "01.234.567.8-901.000", "2801192"],
    ["UD-3674-7", "UD Sumber Rejeki", "3674", "Pondok Aren", "mikro", "", "", "", "01/01/2024", "912000123", "", ""],
    ["UD-3674-8", "UD Rejeki Baru", "3674", "Cikarang Utara", "mikro", "", "", "", "01/01/2024", "", "", ""],
    ["PT-3216-9", "PT Besar Sekali", "3216", "Setu", "mikro", "", "", "60000000000", "01/01/2024", "", "", ""],
    ["KOP-3216-2", "Koperasi Tani", "3216", "Serang Baru", "kecil", "arisan", "", "", "01/01/2024", "", "", ""],
    ["9120001234567", "CV Maju Bersama", "3216", "Cikarang Utara", "kecil", "", "", "4000000000", "01/01/2024",
     "9120001234567", "", ""],
    ["9120001234567", "CV Maju Bersama", "3216", "Cikarang Utara", "kecil", "", "", "4000000000", "01/07/2024",
     "9120001234567", "", ""],
    ["S-6171-1", "Toko Kapuas", "6171", "Pontianak Kota", "mikro", "", "", "", "01/01/2024", "", "", ""],
]
REFUSED = {"invalid_nib": [3], "unknown_district": [4], "scale_mismatch": [5], "invalid_cooperative": [6],
           "duplicate_row": [7]}  # by record: the sheet's row minus its header


def kuota(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams", "import", *args], capture_output=True, text=True,
                          env={"KUOTA_DATA_DIR": str(tmp_path / "data"), "PATH": "", "COLUMNS": "200"}, timeout=120)


def write_xlsx(path: Path) -> Path:
    book = Workbook()
    book.active.append(HEADERS)
    for row in ROWS:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path: Path) -> Path:
    path.write_text("\n".join(";".join(row) for row in [HEADERS, *ROWS]) + "\n", encoding="utf-8")
    return path


def test_every_row_of_a_registry_workbook_and_csv_is_imported_or_refused_with_its_row_and_reason(tmp_path):
    files = [write_xlsx(tmp_path / "penyedia.xlsx"), write_csv(tmp_path / "penyedia.csv")]
    run = kuota(tmp_path, *map(str, files), "--dry-run", "--format-out", "json")
    assert run.returncode == 0, run.stderr
    for summary in json.loads(run.stdout)["files"]:
        assert summary["format"] == "template-suppliers" and summary["accounted"] is True
        assert (summary["records"], summary["imported"], summary["duplicates"]["count"]) == (9, 4, 0)
        assert {r: t["positions"] for r, t in summary["not_imported"].items()} == REFUSED
        assert summary["events"] == {"supplier.registered": 4}
        details = {r: t["details"][0] for r, t in summary["not_imported"].items()}
        assert details["invalid_nib"].startswith("baris 4: kolom nib:")
        assert "bukan kecamatan di 3674 (Kota Tangerang Selatan)" in details["unknown_district"]
        assert "skala mikro" in details["scale_mismatch"] and "berarti besar" in details["scale_mismatch"]
        assert "'arisan' bukan jenis koperasi" in details["invalid_cooperative"]
        assert details["duplicate_row"].startswith("baris 8: ") and "sudah ada di baris 2" in details["duplicate_row"]
        written = Path(summary["not_imported_file"]).read_text().splitlines()
        assert [json.loads(line)["position"] for line in written] == [3, 4, 5, 6, 7]


def test_a_dry_run_prints_each_refused_row_and_what_to_fix_and_sends_nothing(tmp_path):
    run = kuota(tmp_path, str(write_csv(tmp_path / "penyedia.csv")), "--dry-run")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for said in ("baris 4: kolom nib", "baris 5: kolom kecamatan", "baris 6: kolom skala",
                 "baris 7: kolom jenis_koperasi", "baris 8: penyedia 9120001234567"):
        assert said in out, out
    assert "nothing was sent" in out and "Traceback" not in run.stderr


def real_detail(scale: str) -> dict:
    [record] = json.loads((REAL / "ecat-penyedia-detail-sample.json").read_text())
    return record | {"penyedia_ukm": scale}  # LKPP left the class undefined; a stated one is registered


def test_the_real_supplier_detail_registers_its_supplier_once_with_its_identifiers(tmp_path):
    path = tmp_path / "penyedia-detail.json"
    path.write_text(json.dumps([real_detail("Usaha Kecil")]))
    run = kuota(tmp_path, str(path), "--region", "3204", "--dry-run", "--format-out", "json")
    [summary] = json.loads(run.stdout)["files"]
    assert (summary["format"], summary["imported"], summary["events"]) == (
        "ekatalog-penyedia", 1, {"supplier.registered": 1})


def scales(books: Books) -> Counter:
    with Session(books.engine) as s:
        totals = Counter()
        for p in s.scalars(select(Position)):
            totals[p.scale] += p.amount
    return +totals


def test_purchases_naming_the_sikap_code_count_for_the_supplier_registered_under_its_tax_id(ledger_url):
    books = Books(ledger_url)
    orders = [r for r in json.loads((REAL / "ecat-v6-paket-kabbandung-2025.json").read_text())
              if r["status_pkt"] == "COMPLETED"][:2]
    first, second = (EKATALOG.map(r | {"kd_penyedia_sikap": 2801192}, Context()) for r in orders)
    assert first[0]["supplier_id"] == second[0]["supplier_id"] == "sikap:2801192"
    books.purchases(*first)
    assert scales(books)["kecil"] == 0  # nobody registered yet
    [registered] = DETAIL.map(real_detail("Usaha Kecil"), Context(region="3204", seen={"today": date(2025, 1, 1)}))
    assert registered["supplier"]["id"] == "npwp:0938769908624000"
    books.suppliers(registered)
    assert scales(books) == Counter(kecil=orders[0]["total_harga"])  # the earlier order moved to kecil
    books.purchases(*second)
    assert scales(books) == Counter(kecil=orders[0]["total_harga"] + orders[1]["total_harga"])
