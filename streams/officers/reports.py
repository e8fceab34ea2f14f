"""Officers' reports built from the read side: overview, buyer detail, suppliers, trend."""

from datetime import datetime

from ledger.reports.views import REASONS, BuyerDetail, SupplierLine, TrendPoint
from ledger.reports.standings import ComplianceLine
from streams.officers.tables import Column, Report

STATUS = {"met": ("memenuhi", "met"), "at_risk": ("berisiko", "at risk"), "breach": ("di bawah target", "breach"),
          "recovered": ("pulih", "recovered")}

OVERVIEW = [
    Column("program_id", "Program", "Program"), Column("buyer_id", "Pembeli", "Buyer"),
    Column("name", "Nama", "Name"), Column("period", "Periode", "Period"),
    Column("actual", "Realisasi", "Actual", "rupiah"), Column("required", "Wajib", "Required", "rupiah"),
    Column("shortfall", "Kekurangan", "Shortfall", "rupiah"), Column("share_bp", "Porsi", "Share", "bp"),
    Column("status", "Status", "Status"), Column("grade", "Nilai", "Grade"),
]


def _about(as_of: datetime | None, **filters) -> dict[str, str]:
    about = {k: str(v) for k, v in filters.items() if v is not None}
    about["as_of"] = as_of.isoformat() if as_of else "sekarang / now"
    return about


def overview(lines: list[ComplianceLine], *, as_of=None, lang="id", **filters) -> Report:
    rows = [{"program_id": x.program_id, "program": x.program, "kind": x.kind, "buyer_id": x.buyer_id,
             "name": x.name, "period": x.period, "actual": x.actual, "required": x.required,
             "shortfall": x.shortfall, "total": x.total, "base": x.base, "share_bp": x.share_bp,
             "status": x.status, "grade": x.grade} for x in lines]
    title = "Ikhtisar kepatuhan" if lang == "id" else "Compliance overview"
    return Report(title, OVERVIEW, rows, _about(as_of, **filters))


def buyer(detail: BuyerDetail, *, as_of=None, lang="id") -> Report:
    columns = [Column("booked_on", "Tanggal", "Date"), Column("event_id", "Event", "Event"),
               Column("kind", "Jenis", "Kind"), Column("supplier_id", "Pemasok", "Supplier"),
               Column("supplier_name", "Nama pemasok", "Supplier name"),
               Column("supplier_class", "Kelas pada tanggal itu", "Class on the date"),
               Column("channel", "Saluran", "Channel"), Column("amount", "Jumlah", "Amount", "rupiah"),
               Column("late", "Terlambat", "Late")]
    columns += [Column(f"counts:{p}", f"Dihitung {p}", f"Counts for {p}") for p in detail.programs]
    i = 0 if lang == "id" else 1
    rows = []
    for e in detail.entries:
        row = {"booked_on": e.booked_on.isoformat(), "event_id": e.event_id, "kind": e.kind,
               "supplier_id": e.supplier_id, "supplier_name": e.supplier_name,
               "supplier_class": e.supplier_class + (" + koperasi" if e.cooperative else ""),
               "channel": e.channel, "amount": e.amount, "late": e.late, "reverses": e.reverses,
               "recorded_at": e.recorded_at.isoformat(), "local": e.local}
        for p, (ok, code) in e.counts.items():
            row[f"counts:{p}"] = f"{'ya' if ok and i == 0 else 'yes' if ok else 'tidak' if i == 0 else 'no'}: " \
                                 f"{REASONS.get(code, (code, code))[i]}"
            row[f"reason:{p}"] = code
        rows.append(row)
    title = f"{detail.name or detail.buyer_id} ({detail.buyer_id})"
    return Report(title, columns, rows, _about(as_of, buyer=detail.buyer_id, kind=detail.kind, region=detail.region,
                                              entries=detail.total_entries))


def suppliers(lines: list[SupplierLine], programs: list[str], *, as_of=None, lang="id") -> Report:
    columns = [Column("supplier_id", "Pemasok", "Supplier"), Column("name", "Nama", "Name"),
               Column("region", "Wilayah", "Region"), Column("scale", "Skala (terakhir)", "Scale (latest)"),
               Column("cooperative", "Koperasi", "Cooperative"), Column("entries", "Transaksi", "Entries", "int"),
               Column("received", "Diterima", "Received", "rupiah")]
    columns += [Column(f"eligible:{p}", f"Dihitung {p}", f"Counted for {p}", "rupiah") for p in programs]
    rows = [{"supplier_id": x.supplier_id, "name": x.name, "region": x.region, "scale": x.scale,
             "cooperative": x.cooperative, "entries": x.entries, "received": x.received,
             **{f"eligible:{p}": x.eligible.get(p, 0) for p in programs}} for x in lines]
    return Report("Penerimaan pemasok" if lang == "id" else "What suppliers received", columns, rows, _about(as_of))


def trend(points: list[TrendPoint], *, as_of=None, lang="id", **filters) -> Report:
    columns = [Column("buyer_id", "Pembeli", "Buyer"), Column("month", "Bulan", "Month"),
               Column("total", "Total belanja", "Total spend", "rupiah"),
               Column("eligible", "Dihitung", "Counted", "rupiah"), Column("share_bp", "Porsi", "Share", "bp")]
    rows = [{"buyer_id": t.buyer_id, "month": t.month, "total": t.total, "eligible": t.eligible,
             "share_bp": t.share_bp} for t in points]
    return Report("Tren bulanan" if lang == "id" else "Monthly trend", columns, rows, _about(as_of, **filters))
