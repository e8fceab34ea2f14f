"""CSV and XLSX downloads of the compliance overview and the alerts, from the same rows as the JSON."""

from streams.officers import tables as render
from streams.officers import xlsx
from streams.officers.tables import Column, Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COMPLIANCE = [
    Column("program_id", "Program", "Program"), Column("buyer_id", "ID pembeli", "Buyer id"),
    Column("name", "Pembeli", "Buyer"), Column("region", "Wilayah", "Region"), Column("period", "Periode", "Period"),
    Column("actual", "Realisasi", "Actual", "rupiah"), Column("required", "Wajib", "Required", "rupiah"),
    Column("shortfall", "Kekurangan", "Shortfall", "rupiah"), Column("total", "Total belanja", "Total spend", "rupiah"),
    Column("base", "Dasar", "Base", "rupiah"), Column("share_bp", "Porsi (bp)", "Share (bp)", "int"),
    Column("status", "Status", "Status"), Column("grade", "Nilai", "Grade"),
]
ALERTS = [
    Column("alert_id", "ID peringatan", "Alert id"), Column("detected_at", "Terdeteksi", "Detected"),
    Column("program", "Program", "Program"), Column("buyer_id", "Pembeli", "Buyer"),
    Column("period", "Periode", "Period"), Column("status", "Status", "Status"),
    Column("previous_status", "Sebelumnya", "Previous"), Column("actual", "Realisasi", "Actual", "rupiah"),
    Column("required", "Wajib", "Required", "rupiah"), Column("shortfall", "Kekurangan", "Shortfall", "rupiah"),
    Column("share_bp", "Porsi (bp)", "Share (bp)", "int"), Column("grade", "Nilai", "Grade"),
    Column("late", "Terlambat", "Late"),
]
TOTALS = ("actual", "required", "shortfall", "total")


def to_csv(columns: list[Column], rows: list[dict]) -> str:
    return render.as_csv(Report("", columns, rows))


def to_xlsx(columns: list[Column], rows: list[dict], *, title: str, about: dict[str, str], lang: str = "id") -> bytes:
    """A workbook: a first sheet saying what this is (program, period, as of), then the rows,
    rupiah cells formatted, and a totals row under the rupiah columns that are sums."""
    return xlsx.workbook(Report(title, columns, rows, about, totals=TOTALS), lang)
