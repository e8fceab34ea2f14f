"""Words of the dashboard: Bahasa Indonesia first, English on request."""

LANGS = ("id", "en")

WORDS = {
    "id": {
        "title": "Kepatuhan kuota UMKM", "overview": "Ringkasan program", "alerts": "Peringatan",
        "programs_in_force": "Program yang berlaku", "buyer": "Pembeli", "period": "Periode",
        "actual": "Realisasi", "required": "Wajib", "shortfall": "Kekurangan", "share": "Porsi",
        "status": "Status", "grade": "Nilai", "target": "Target", "budget": "Pagu", "total": "Total belanja",
        "progress": "Capaian terhadap target", "parts": "Rincian per OPD", "companies": "Perusahaan",
        "agencies": "Perangkat daerah (OPD)", "threshold": "Ambang", "no_data": "Belum ada data.",
        "last_evaluation": "Evaluasi terakhir", "entries": "Transaksi", "supplier": "Pemasok",
        "amount": "Nilai", "channel": "Kanal", "date": "Tanggal", "class": "Kelas pemasok",
        "counts": "Dihitung", "yes": "ya", "no": "tidak", "history": "Riwayat", "detected": "Terdeteksi",
        "share_over_time": "Porsi per bulan", "region": "Wilayah", "kind": "Jenis", "previous": "Sebelumnya",
        "newer": "Halaman sebelumnya", "older": "Halaman berikutnya", "download": "Unduh", "filter": "Saring", "all": "semua",
        "contribution": "Sumbangan ke target wilayah", "of_budget": "dari pagu", "late": "terlambat",
        "below_first": "Di bawah ambang lebih dulu", "language": "English", "api": "API (OpenAPI)",
        "cumulative": "Realisasi kumulatif terhadap pagu", "of_total": "dari total belanja",
    },
    "en": {
        "title": "UMKM quota compliance", "overview": "Program overview", "alerts": "Alerts",
        "programs_in_force": "Programs in force", "buyer": "Buyer", "period": "Period",
        "actual": "Actual", "required": "Required", "shortfall": "Shortfall", "share": "Share",
        "status": "Status", "grade": "Grade", "target": "Target", "budget": "Budget", "total": "Total spend",
        "progress": "Progress against the target", "parts": "Part of each agency", "companies": "Companies",
        "agencies": "Agencies (OPD)", "threshold": "Threshold", "no_data": "No data yet.",
        "last_evaluation": "Last evaluation", "entries": "Entries", "supplier": "Supplier",
        "amount": "Amount", "channel": "Channel", "date": "Date", "class": "Supplier class",
        "counts": "Counts", "yes": "yes", "no": "no", "history": "History", "detected": "Detected",
        "share_over_time": "Share per month", "region": "Region", "kind": "Kind", "previous": "Previous",
        "newer": "Previous page", "older": "Next page", "download": "Download", "filter": "Filter", "all": "all",
        "contribution": "Contribution to the region's target", "of_budget": "of budget", "late": "late",
        "below_first": "Below the threshold first", "language": "Bahasa Indonesia", "api": "API (OpenAPI)",
        "cumulative": "Cumulative realisation against the budget", "of_total": "of total spend",
    },
}

STATUS = {"id": {"met": "memenuhi", "at_risk": "berisiko", "breach": "di bawah target", "recovered": "pulih",
                 None: "belum dinilai"},
          "en": {"met": "met", "at_risk": "at risk", "breach": "breach", "recovered": "recovered", None: "not yet"}}

REASONS = {
    "id": {"channel_excluded": "kanal dikecualikan", "purchase_excluded": "pembelian dikecualikan",
           "unregistered": "pemasok belum terdaftar", "lapsed": "registrasi kedaluwarsa",
           "not_local": "bukan pemasok lokal", "scale_not_counted": "kelas usaha tidak dihitung",
           "cooperative": "koperasi"},
    "en": {"channel_excluded": "channel excluded", "purchase_excluded": "purchase excluded",
           "unregistered": "supplier not registered", "lapsed": "registration lapsed",
           "not_local": "supplier not local", "scale_not_counted": "size class does not count",
           "cooperative": "cooperative"},
}
KINDS = {"id": {"agency": "OPD", "company": "perusahaan"}, "en": {"agency": "agency", "company": "company"}}
