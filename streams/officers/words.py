"""Every word officers read, in one place: Bahasa Indonesia first, English on request. The
dashboard's words, statuses, reasons, channels, supplier classes, kinds of buyer, report titles
and column headings. "Nilai" is the grade only; money is "Jumlah" or named for what it is."""

LANGS = ("id", "en")

WORDS_BY_KEY = {  # key -> (Bahasa Indonesia, English)
    "title": ("Kepatuhan kuota UMKM", "UMKM quota compliance"),
    "overview": ("Ringkasan program", "Program overview"),
    "alerts": ("Peringatan", "Alerts"),
    "programs_in_force": ("Program yang berlaku", "Programs in force"),
    "buyer": ("Pembeli", "Buyer"),
    "period": ("Periode", "Period"),
    "actual": ("Realisasi", "Actual"),
    "required": ("Wajib", "Required"),
    "shortfall": ("Kekurangan", "Shortfall"),
    "share": ("Porsi", "Share"),
    "status": ("Status", "Status"),
    "grade": ("Nilai", "Grade"),
    "target": ("Target", "Target"),
    "budget": ("Pagu", "Budget"),
    "total": ("Total belanja", "Total spend"),
    "progress": ("Capaian terhadap target", "Progress against the target"),
    "parts": ("Rincian per OPD", "Part of each agency"),
    "companies": ("Perusahaan", "Companies"),
    "agencies": ("Perangkat daerah (OPD)", "Agencies (OPD)"),
    "threshold": ("Ambang", "Threshold"),
    "no_data": ("Belum ada data.", "No data yet."),
    "first_steps": ("Belum ada program yang berlaku. Petugas menerbitkan program dan pagu dengan "
                    "`kuota targets apply FILE` (contoh di examples/programs/); pembelian masuk lewat "
                    "`kuota emit FILE`. Untuk melihat semuanya dengan data contoh: `make demo`.",
                    "No program in force yet. Officers publish programs and budgets with "
                    "`kuota targets apply FILE` (examples in examples/programs/); purchases come in through "
                    "`kuota emit FILE`. To see it all with sample data: `make demo`."),
    "empty_ledger": ("Buku besar masih kosong: jalankan `kuota up`, kirim pembelian dengan `kuota emit FILE`, "
                     "atau coba `make demo`.",
                     "The ledger is empty: run `kuota up`, send purchases with `kuota emit FILE`, or try `make demo`."),
    "nothing_matches": ("Tidak ada baris yang cocok dengan saringan ini.", "No row matches these filters."),
    "last_evaluation": ("Evaluasi terakhir", "Last evaluation"),
    "entries": ("Transaksi", "Entries"),
    "supplier": ("Pemasok", "Supplier"),
    "amount": ("Jumlah", "Amount"),
    "channel": ("Kanal", "Channel"),
    "date": ("Tanggal", "Date"),
    "class": ("Kelas pemasok", "Supplier class"),
    "counts": ("Dihitung", "Counts"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "history": ("Riwayat", "History"),
    "detected": ("Terdeteksi", "Detected"),
    "share_over_time": ("Porsi per bulan", "Share per month"),
    "region": ("Wilayah", "Region"),
    "kind": ("Jenis", "Kind"),
    "previous": ("Sebelumnya", "Previous"),
    "newer": ("Halaman sebelumnya", "Previous page"),
    "older": ("Halaman berikutnya", "Next page"),
    "download": ("Unduh", "Download"),
    "filter": ("Saring", "Filter"),
    "all": ("semua", "all"),
    "contribution": ("Sumbangan ke target wilayah", "Contribution to the region's target"),
    "of_budget": ("dari pagu", "of budget"),
    "late": ("terlambat", "late"),
    "below_first": ("Di bawah ambang lebih dulu", "Below the threshold first"),
    "language": ("English", "Bahasa Indonesia"),
    "api": ("API (OpenAPI)", "API (OpenAPI)"),
    "cumulative": ("Realisasi kumulatif terhadap pagu", "Cumulative realisation against the budget"),
    "of_total": ("dari total belanja", "of total spend"),
    "as_of": ("Per tanggal", "As of"),
    "as_of_hint": ("akhir hari itu, WIB; kosong: keadaan terkini", "end of that day, WIB; empty: the current state"),
    "show": ("Tampilkan", "Show"),
    "now_view": ("Keadaan terkini", "Current state"),
    "as_of_view": ("Keadaan buku per", "The books as they stood at"),
    "main_nav": ("Navigasi utama", "Main navigation"),
    "reversal": ("pembatalan", "reversal"),
    "no_alerts": ("Tidak ada peringatan.", "No alerts."),
}
WORDS = {lang: {k: pair[i] for k, pair in WORDS_BY_KEY.items()} for i, lang in enumerate(LANGS)}

STATUS = {"id": {"met": "memenuhi", "at_risk": "berisiko", "breach": "di bawah target", "recovered": "pulih",
                 None: "belum dinilai"},
          "en": {"met": "met", "at_risk": "at risk", "breach": "breach", "recovered": "recovered", None: "not yet"}}
STATUSES = ("breach", "at_risk", "recovered", "met")

#: Why an entry counted for a program or not (`ledger.rules.programs.why`).
REASONS = {
    "id": {"mikro": "usaha mikro", "kecil": "usaha kecil", "menengah": "usaha menengah", "cooperative": "koperasi",
           "channel_excluded": "saluran dikecualikan dari dasar perhitungan",
           "purchase_excluded": "pembelian dikecualikan dari dasar perhitungan",
           "unregistered": "pemasok belum terdaftar pada tanggal pembelian",
           "lapsed": "registrasi pemasok sudah berakhir pada tanggal pembelian",
           "not_local": "pemasok bukan dari wilayah program",
           "scale_not_counted": "skala usaha tidak dihitung program ini"},
    "en": {"mikro": "micro business", "kecil": "small business", "menengah": "medium business",
           "cooperative": "cooperative", "channel_excluded": "channel left out of the base",
           "purchase_excluded": "purchase left out of the base", "unregistered": "supplier not registered on the date",
           "lapsed": "registration lapsed by the date", "not_local": "supplier not local to the program's region",
           "scale_not_counted": "size class not counted by the program"},
}
#: Procurement channels (`schemas.codes.Channel`).
CHANNELS = {
    "id": {"toko_daring": "toko daring", "e_katalog": "e-katalog", "tender": "tender",
           "pengadaan_langsung": "pengadaan langsung", "kemitraan": "kemitraan", "gerai": "gerai",
           "other": "lainnya"},
    "en": {"toko_daring": "online shop", "e_katalog": "e-catalogue", "tender": "tender",
           "pengadaan_langsung": "direct procurement", "kemitraan": "partnership", "gerai": "outlet",
           "other": "other"},
}
#: A supplier's class on the purchase date (`ledger.rules.eligibility.class_on`).
CLASSES = {
    "id": {"mikro": "mikro", "kecil": "kecil", "menengah": "menengah", "besar": "besar",
           "unregistered": "belum terdaftar", "lapsed": "registrasi berakhir", "cooperative": "koperasi"},
    "en": {"mikro": "micro", "kecil": "small", "menengah": "medium", "besar": "large",
           "unregistered": "unregistered", "lapsed": "registration lapsed", "cooperative": "cooperative"},
}
KINDS = {"id": {"agency": "OPD", "company": "perusahaan"}, "en": {"agency": "agency", "company": "company"}}
ENTRIES = {"id": {"purchase": "pembelian", "reversal": "pembatalan"}, "en": {"purchase": "purchase", "reversal": "reversal"}}
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}

TITLES = {
    "overview": ("Ikhtisar kepatuhan", "Compliance overview"),
    "alerts": ("Peringatan kepatuhan", "Compliance alerts"),
    "suppliers": ("Penerimaan pemasok", "What suppliers received"),
    "trend": ("Tren bulanan", "Monthly trend"),
    "spend": ("Belanja per pembeli", "Spend per buyer"),
    "sheet_about": ("Keterangan", "About"), "report": ("Laporan", "Report"), "generated": ("Dibuat", "Generated"),
    "rows": ("Baris", "Rows"), "sum": ("Jumlah", "Total"), "all": ("semua", "all"), "now": ("sekarang", "now"),
    "as_of": ("Per tanggal (evaluasi terakhir)", "As of (last evaluation)"), "source": ("Sumber", "Source"),
}

#: Column headings by the key of the value under them: (Bahasa Indonesia, English).
HEADINGS = {
    "program_id": ("Program", "Program"), "program": ("Program", "Program"), "buyer_id": ("ID pembeli", "Buyer id"),
    "name": ("Pembeli", "Buyer"), "region": ("Wilayah", "Region"), "period": ("Periode", "Period"),
    "kind": ("Jenis", "Kind"), "actual": ("Realisasi", "Actual"), "required": ("Wajib", "Required"),
    "shortfall": ("Kekurangan", "Shortfall"), "total": ("Total belanja", "Total spend"), "base": ("Dasar", "Base"),
    "share_bp": ("Porsi", "Share"), "status": ("Status", "Status"), "grade": ("Nilai", "Grade"),
    "alert_id": ("ID peringatan", "Alert id"), "detected_at": ("Terdeteksi", "Detected"),
    "previous_status": ("Sebelumnya", "Previous"), "late": ("Terlambat", "Late"), "published": ("Terkirim", "Sent"),
    "booked_on": ("Tanggal", "Date"), "event_id": ("Event", "Event"), "supplier_id": ("Pemasok", "Supplier"),
    "supplier_name": ("Nama pemasok", "Supplier name"), "supplier_class": ("Kelas pada tanggal itu", "Class on the date"),
    "channel": ("Saluran", "Channel"), "amount": ("Jumlah", "Amount"), "scale": ("Skala (terakhir)", "Scale (latest)"),
    "cooperative": ("Koperasi", "Cooperative"), "entries": ("Transaksi", "Entries"), "received": ("Diterima", "Received"),
    "month": ("Bulan", "Month"), "eligible": ("Dihitung", "Counted"),
    "counts:": ("Dihitung {}", "Counts for {}"), "eligible:": ("Dihitung {}", "Counted for {}"),
}


def heading(key: str, lang: str) -> str:
    """The heading of a column; `counts:PROGRAM` and `eligible:PROGRAM` name their program."""
    i = 0 if lang == "id" else 1
    prefix, _, program = key.partition(":")
    if program:
        return HEADINGS[prefix + ":"][i].format(program)
    return HEADINGS.get(key, (key, key))[i]


def title(key: str, lang: str) -> str:
    return TITLES[key][0 if lang == "id" else 1]


def word(kind: str, code, lang: str) -> str | None:
    """The word people read for a code of a column `kind` (status, channel, class, kind), or None
    when the column holds no code."""
    table = {"status": STATUS, "channel": CHANNELS, "class": CLASSES, "kind": KINDS, "entry": ENTRIES}.get(kind)
    if table is None:
        return None
    words = table.get(lang, table["id"])
    return words.get(code, "-" if code is None else str(code))
