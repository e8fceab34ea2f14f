"""`kuota bench-import`: how fast `kuota import --dry-run` maps records, and in how much memory.

Generates an SPSE-shaped JSON array (the fields of LKPP's contract files, varied values: work
units, suppliers, amounts with sen, addenda, stopped contracts, exact copies) of N records in a
temporary directory, runs `kuota import FILE --dry-run --format-out json` on it as its own
process, and reports the records mapped per second (wall time of that process, start-up
included) and that process's peak resident memory (its rusage, collected when it ends). The
result goes to `bench-results/import-<time>/result.json`. Not a test: a measurement.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from rich.console import Console

WORK_UNITS = 160
SUPPLIERS = 5000
STATUSES = ["Kontrak Selesai"] * 12 + ["Kontrak Sedang Berjalan"] * 6 + ["Kontrak Dihentikan"]
FORMS = ["Persekutuan Komanditer (CV / Commanditer Venoschaap )", "Perseroan Terbatas (PT)", "Koperasi",
         "Usaha Perorangan"]


def run(console: Console, *, records: int) -> dict:
    workdir = Path("bench-results") / time.strftime("import-%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kuota-bench-import-") as scratch:
        source = Path(scratch) / "spse-kontrak-generated.json"
        t0 = time.perf_counter()
        size = write_spse(source, records)
        console.print(f"generated {records:,} SPSE records ({size / 2**20:,.0f} MiB) in "
                      f"{time.perf_counter() - t0:.0f} s")
        seconds, status, peak_kib, cpu, summary = _import(source, Path(scratch), workdir)
    rate = records / seconds if seconds else None
    result = {"records": records, "file_mib": round(size / 2**20, 1), "exit_status": status,
              "wall_s": round(seconds, 1), "records_per_s": rate and round(rate),
              "cpu_s": round(cpu, 1), "peak_rss_mib": round(peak_kib / 1024, 1),
              "summary": summary, "command": "kuota import FILE --dry-run --format-out json"}
    (workdir / "result.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    if status != 0:
        console.print(f"[red]kuota import ended with status {status}; see {workdir / 'import.stderr'}[/]")
    console.print(f"[bold]kuota import --dry-run: {records:,} records in {seconds:.1f} s = "
                  f"{rate or 0:,.0f} records/s; peak memory {peak_kib / 1024:,.0f} MiB[/] (result: {workdir})")
    return result


def _import(source: Path, scratch: Path, workdir: Path) -> tuple[float, int, int, float, object]:
    command = [sys.executable, "-m", "streams", "import", str(source), "--dry-run", "--format-out", "json"]
    # The records not imported go under the scratch directory, not the user's data directory.
    env = {**os.environ, "KUOTA_DATA_DIR": str(scratch / "data")}
    out, err = workdir / "import.stdout", workdir / "import.stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        t0 = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env)
        # wait4 gives this child's own rusage: its peak RSS, not the largest of every child so far.
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - t0
    process.returncode = os.waitstatus_to_exitcode(wait_status)
    try:
        summary = orjson.loads(out.read_bytes())
    except orjson.JSONDecodeError:
        summary = None
    return seconds, process.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, summary


def write_spse(path: Path, n: int, seed: int = 11) -> int:
    """N records shaped like SPSE non-tender contract rows, written as the LKPP files are (a JSON
    array, one field per line). About 1 in 50 is an addendum of the contract before it and 1 in
    100 an exact copy, so the mapping meets corrections and duplicates as in real files."""
    rnd = random.Random(seed)
    units = [f"1.{rnd.randrange(1, 9):02d}.0.00.0.00.{rnd.randrange(1, 99):02d}.{i:04d}" for i in range(WORK_UNITS)]
    npwps = [f"0{rnd.randrange(10**14, 10**15)}" for _ in range(SUPPLIERS)]
    previous = None
    with path.open("wb") as out:
        out.write(b"[\n")
        for i in range(n):
            if previous is not None and i % 100 == 99:
                row = previous  # an exact copy, as the data service sends some
            elif previous is not None and i % 50 == 49:
                row = {**previous, "versi_addendum": previous["versi_addendum"] + 1, "apakah_addendum": "Ya",
                       "nilai_kontrak": _money(rnd), "alasan_addendum": "perubahan volume"}
            else:
                row = _contract(rnd, i, units, npwps)
            out.write(orjson.dumps(row, option=orjson.OPT_INDENT_2).replace(b"\n  ", b"\n"))
            out.write(b",\n" if i < n - 1 else b"\n")
            previous = row
        out.write(b"]\n")
    return path.stat().st_size


def _contract(rnd: random.Random, i: int, units: list[str], npwps: list[str]) -> dict:
    unit, year = rnd.randrange(WORK_UNITS), rnd.choice((2023, 2024))
    npwp = rnd.choice(npwps)
    value = _money(rnd)
    return {
        "tahun_anggaran": year, "kd_klpd": "D197", "nama_klpd": "Provinsi Kalimantan Barat",
        "jenis_klpd": "PROVINSI", "kd_satker": str(13_000_097 + unit * 1000), "kd_satker_str": units[unit],
        "nama_satker": f"DINAS {unit:03d} PROVINSI KALBAR", "alamat_satker": "Jl. Ahmad Yani, Pontianak",
        "kd_lpse": 97, "kd_nontender": 10_000_097 + i * 1000, "nama_paket": f"Belanja Barang Paket {i}",
        "mtd_pengadaan": rnd.choice(("Pengadaan Langsung", "Pengadaan Langsung", "Penunjukan Langsung")),
        "lingkup_pekerjaan": None, "no_sppbj": f"000.{i}/SPPBJ/{year}", "no_kontrak": f"000.{i}/SPK/{year}",
        "tgl_kontrak": f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}T00:00:00.000000Z",
        "tgl_kontrak_awal": f"{year}-01-02 00:00:00", "tgl_kontrak_akhir": f"{year}-12-20 00:00:00",
        "kota_kontrak": "Pontianak", "nama_penyedia": f"CV. PENYEDIA {npwp[-5:]}",
        "npwp_penyedia": f"{npwp[1:3]}.{npwp[3:6]}.{npwp[6:9]}.{npwp[9]}-{npwp[10:13]}.{npwp[13:]}",
        "npwp16_penyedia": npwp, "bentuk_usaha_penyedia": rnd.choice(FORMS), "tipe_penyedia": None,
        "anggota_kso": None, "nilai_kontrak": value, "alasan_ubah_nilai_kontrak": "",
        "alasan_nilai_kontrak_10_persen": None, "nilai_pdn_kontrak": value, "nilai_umk_kontrak": value,
        "jenis_kontrak": rnd.choice(("Harga Satuan", "Lumsum")), "informasi_lainnya": None,
        "status_kontrak": rnd.choice(STATUSES), "tgl_penetapan_status_kontrak": None,
        "alasan_penetapan_status_kontrak": None, "apakah_addendum": "Tidak", "versi_addendum": 0,
        "alasan_addendum": None,
    }


def _money(rnd: random.Random):
    # Whole rupiah mostly; some with sen, written as the source writes them (199439382.23).
    rupiah = rnd.randrange(1_000_000, 200_000_000)
    return rupiah if rnd.random() < 0.7 else orjson.Fragment(f"{rupiah}.{rnd.randrange(1, 100):02d}".encode())
