"""Every word officers read, in one place: Bahasa Indonesia first, English on request. The
dashboard's words, statuses, reasons, channels, supplier classes, kinds of buyer, report titles
and column headings. "Nilai" is the grade only; money is "Jumlah" or named for what it is."""

from streams.officers.access_words import ACCESS_HEADINGS, ACCESS_SAID  # noqa: F401 (people and keys)
from streams.officers.package_words import (BASIS_WORDS, FINDING_WORDS, PACKAGE_HEADINGS, PACKAGE_TITLES,
                                            PACKAGE_WORDS, PLAN_WORDS)

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
    "first_steps": ("Belum ada program yang berlaku. Aturan nasional 40% berlaku untuk setiap wilayah begitu "
                    "pagunya diimpor (`kuota import` struktur anggaran SIRUP, atau `kuota import --template budgets`); "
                    "program lain diterbitkan dengan `kuota targets apply FILE` (contoh di examples/programs/); "
                    "pembelian masuk lewat `kuota import` atau `kuota emit FILE`. Untuk melihat semuanya dengan "
                    "data contoh: `make demo`.",
                    "No program in force yet. The national 40% rule applies to every region once its budgets are "
                    "imported (`kuota import` of SIRUP's budget structure, or `kuota import --template budgets`); "
                    "other programs are published with `kuota targets apply FILE` (examples in examples/programs/); "
                    "purchases come in through `kuota import` or `kuota emit FILE`. To see it all with sample "
                    "data: `make demo`."),
    "no_program_covers": ("Tidak ada program yang menilai buku besar ini. Aturan nasional 40% berlaku untuk setiap "
                          "wilayah begitu pagunya diimpor (`kuota import` struktur anggaran SIRUP, atau `kuota import "
                          "--template budgets`); program lain: `kuota targets apply FILE` (contoh di "
                          "examples/programs/).",
                          "No program judges these books. The national 40% rule applies to every region once its "
                          "budgets are imported (`kuota import` of SIRUP's budget structure, or `kuota import "
                          "--template budgets`); other programs: `kuota targets apply FILE` (examples in "
                          "examples/programs/)."),
    "uncovered_regions": ("Wilayah dengan pembelian tanpa program: {}.", "Regions with purchases and no program: {}."),
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
    "late_imported": ("diimpor kemudian", "imported later"),  # late only in kuota: the register dated it on time
    "below_first": ("Di bawah ambang lebih dulu", "Below the threshold first"),
    "measured_by": ("Diukur menurut", "Measured by"),
    "measure_declared": ("UMK menurut sumber (LKPP)", "UMK declared by the source (LKPP)"),
    "measure_verified": ("UMK terverifikasi registri", "UMK verified by the registry"),
    "coverage": ("Cakupan registri", "Registry coverage"),
    "basis": ("dasar kelas", "class rests on"),
    "built_in": ("bawaan, tanpa berkas program", "built in, no program file"),
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
    # Why an entry on a buyer's page does not count (`ledger.rules.states`), in a word.
    "state_pending": ("dalam proses", "pending"), "state_void": ("batal", "void"),
    "state_superseded": ("digantikan versi baru", "superseded"),
    # The allocation page (SIRUP budgets and packages next to realisation).
    "allocation": ("Alokasi dan realisasi", "Allocation and realisation"),
    "allocation_intro": ("Per perangkat daerah dan tahun anggaran: pagu belanja pengadaan (dasar porsi 40%), pagu "
                         "paket yang direncanakan untuk usaha kecil (UKM) dan porsinya, serta realisasi belanja yang "
                         "dihitung seperti aturan 40% (usaha mikro, kecil dan koperasi). \"LKPP\": realisasi UMK "
                         "menurut sumber, nilai UMK yang dideklarasikan kontrak (SPSE nilai_umk_kontrak), ukuran LKPP.",
                         "Per agency and fiscal year: the procurement budget (the base of the 40% share), the pagu "
                         "of the packages planned for small business (UKM) and its share, and the spend counted as "
                         "the 40% rule counts it (micro, small and cooperatives). \"LKPP\": the realised UMK the "
                         "contracts themselves declare (SPSE nilai_umk_kontrak), LKPP's measure."),
    "fiscal_year": ("Tahun anggaran", "Fiscal year"),
    "procurement_budget": ("Pagu pengadaan", "Procurement budget"),
    "planned_ukm": ("Rencana UKM", "Planned for UKM"),
    "planned_share": ("Porsi rencana UKM", "Planned UKM share"),
    "realised_share": ("Porsi realisasi", "Realised share"),
    "realised": ("Realisasi UMK dan koperasi", "Realised: micro, small, cooperatives"),
    "realised_declared": ("Realisasi UMK menurut sumber (LKPP)", "Realised UMK declared by the source (LKPP)"),
    "non_ukm": ("Paket non-UKM", "Non-UKM packages"),
    "excluded_packages": ("Paket dikecualikan dari aturan pengadaan (tidak dihitung)",
                          "Packages excluded from the procurement rules (not counted)"),
    "reason": ("Alasan", "Reason"),
    "no_reason": ("tanpa alasan", "no reason given"),
    "package": ("Paket", "Package"),
    "method": ("Metode", "Method"),
    "no_budget_line": ("Unit tanpa baris anggaran", "Units without a budget line"),
    "no_budget_line_hint": ("Unit ini merencanakan paket tetapi tidak punya pagu pengadaan sendiri: porsinya tidak "
                            "dihitung (bukan nol).", "These units plan packages but declare no procurement budget "
                                                     "of their own: no share is computed (it is not zero)."),
    "no_allocation": ("Belum ada pagu atau paket SIRUP. Impor struktur anggaran (RUP-StrukturAnggaranPD) dan paket "
                      "(RUP-PaketPenyedia) dengan `kuota import FILE`.",
                      "No SIRUP budget or package yet. Import the budget structure (RUP-StrukturAnggaranPD) and "
                      "the packages (RUP-PaketPenyedia) with `kuota import FILE`."),
    "counted_by": ("Dihitung menurut", "Counted by"),
    "default_rule": ("aturan 40% bawaan", "the default 40% rule"),
    # The registry page (Registri); its tables' headings are the reports' (HEADINGS, TITLES).
    "registry": ("Registri", "Registry"),
    "registry_intro": ("Pemasok menurut registrasi terakhirnya (ID yang digabung dihitung sekali), dugaan data ganda, "
                       "registrasi yang segera berakhir, dan tanda kewajaran belanja tahun ini.",
                       "Suppliers by their latest registration (merged ids counted once), suspected duplicates, "
                       "registrations ending soon, and this year's plausibility flags."),
    "not_stated": ("tidak disebut", "not stated"), "not_cooperative": ("bukan koperasi", "not a cooperative"),
    "expiring_hint": ("Berlaku dan berakhir dalam {} hari sejak {}: setelah itu belanja dari pemasok ini tidak "
                      "dihitung lagi. Ingatkan pemasok dan pembelinya.", "In force and ending within {} days of {}: "
                      "after that, spend with these suppliers no longer counts. Remind them and their buyers."),
    "flags_hint": ("Tanda untuk diperiksa petugas; tidak pernah mengubah angka kepatuhan.",
                   "Signs for an officer to check; they never change a compliance figure."),
    "no_expiring": ("Tidak ada registrasi yang berakhir dalam jangka ini.", "No registration ends within this window."),
    "no_flags": ("Tidak ada tanda tahun ini.", "No flag this year."),
    "no_registry": ("Belum ada pemasok terdaftar: kirim registrasi dengan `kuota emit FILE` atau `kuota import FILE`.",
                    "No supplier is registered yet: send registrations with `kuota emit FILE` or `kuota import FILE`."),
    "no_declared": ("Belum ada pembelian yang mendeklarasikan nilai UMK (misalnya nilai_umk_kontrak SPSE).",
                    "No purchase declares a UMK value yet (SPSE's nilai_umk_kontrak, for example)."),
    "no_duplicates": ("Tidak ada dugaan data ganda: tiap NIB dan NPWP dinyatakan satu pemasok, dan tidak ada nama "
                      "(hampir) sama dalam satu kecamatan yang belum diputuskan petugas.",
                      "No suspected duplicates: every NIB and NPWP is stated by one supplier, and no (nearly) same "
                      "name in one kecamatan is left for an officer to settle."),
    "login": ("Masuk", "Log in"), "logout": ("Keluar", "Log out"), "user_name": ("Nama pengguna", "User name"),
    "password": ("Kata sandi", "Password"), "logged_in_as": ("Masuk sebagai", "Logged in as"),
    "bad_credentials": ("Nama pengguna atau kata sandi salah.", "Wrong user name or password."),
    "locked": ("Akun dikunci setelah terlalu banyak percobaan; coba lagi dalam {minutes} menit.",
               "Account locked after too many attempts; try again in {minutes} minutes."),
    "disabled": ("Akun ini dinonaktifkan; hubungi admin kuota.", "This account is disabled; ask a kuota admin."),
    "form_expired": ("Formulir kedaluwarsa; muat ulang halaman dan coba lagi.",
                     "The form expired; reload the page and try again."),
    "access_log": ("Log akses", "Access log"), "actor": ("Pelaku", "Actor"), "action": ("Tindakan", "Action"),
    "target": ("Sasaran", "Target"), "detail": ("Rincian", "Detail"), "at": ("Waktu", "Time"),
    "role_admin": ("admin", "admin"), "role_officer": ("petugas", "officer"), "role_auditor": ("auditor", "auditor"),
    "role_buyer": ("pembeli", "buyer"),
    **PACKAGE_WORDS,  # plan against realisation, package by package
}


def by_lang(pairs: dict) -> dict[str, dict]:
    """{language: {key: word}} from a table of key -> (Bahasa Indonesia, English): every key in both."""
    return {lang: {key: pair[i] for key, pair in pairs.items()} for i, lang in enumerate(LANGS)}


WORDS = by_lang(WORDS_BY_KEY)

STATUS = by_lang({"met": ("memenuhi", "met"), "at_risk": ("berisiko", "at risk"),
                  "breach": ("di bawah target", "breach"), "recovered": ("pulih", "recovered"),
                  None: ("belum dinilai", "not yet")})
STATUSES = ("breach", "at_risk", "recovered", "met")

#: Why an entry counted for a program or not (`ledger.rules.programs.why`).
REASONS = by_lang({
    "mikro": ("usaha mikro", "micro business"), "kecil": ("usaha kecil", "small business"),
    "menengah": ("usaha menengah", "medium business"), "cooperative": ("koperasi", "cooperative"),
    "channel_excluded": ("saluran dikecualikan dari dasar perhitungan", "channel left out of the base"),
    "purchase_excluded": ("pembelian dikecualikan dari dasar perhitungan", "purchase left out of the base"),
    "unregistered": ("pemasok belum terdaftar pada tanggal pembelian", "supplier not registered on the date"),
    "lapsed": ("registrasi pemasok sudah berakhir pada tanggal pembelian", "registration lapsed by the date"),
    "not_local": ("pemasok bukan dari wilayah program", "supplier not local to the program's region"),
    "scale_not_counted": ("skala usaha tidak dihitung program ini", "size class not counted by the program"),
    "graduated_grace": ("naik kelas ke besar, masih dihitung selama masa tenggang",
                        "graduated to besar, still counted within the grace"),
    "pending": ("dalam proses: belum selesai, belum dihitung", "pending: not completed, not counted yet"),
    "void": ("batal: tidak pernah dihitung", "void: never counts"),
    "superseded": ("digantikan versi yang lebih baru dari sumbernya", "superseded by a later version from its source"),
})
#: Procurement channels (`schemas.codes.Channel`).
CHANNELS = by_lang({
    "toko_daring": ("toko daring", "online shop"), "e_katalog": ("e-katalog", "e-catalogue"),
    "tender": ("tender", "tender"), "pengadaan_langsung": ("pengadaan langsung", "direct procurement"),
    "kemitraan": ("kemitraan", "partnership"), "gerai": ("gerai", "outlet"), "other": ("lainnya", "other"),
})
#: A supplier's class on the purchase date (`ledger.rules.eligibility.class_on`).
CLASSES = by_lang({
    "mikro": ("mikro", "micro"), "kecil": ("kecil", "small"), "menengah": ("menengah", "medium"),
    "besar": ("besar", "large"), "unregistered": ("belum terdaftar", "unregistered"),
    "lapsed": ("registrasi berakhir", "registration lapsed"), "cooperative": ("koperasi", "cooperative"),
})
KINDS = by_lang({"agency": ("OPD", "agency"), "company": ("perusahaan", "company")})
ENTRIES = by_lang({"purchase": ("pembelian", "purchase"), "reversal": ("pembatalan", "reversal")})
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}
#: A purchase's state (`ledger.rules.states`); only completed purchases count.
STATES = by_lang({"completed": ("selesai", "completed"), "pending": ("dalam proses", "pending"),
                  "void": ("batal", "void")})
#: Why an entry was booked after its month had closed (`ledger.rules.lateness`).
LATE_REASONS = by_lang({"imported": WORDS_BY_KEY["late_imported"], "sent_late": WORDS_BY_KEY["late"]})
#: Why supplier ids are suspected to be one business (`ledger.rules.duplicates`).
DUPLICATE_KINDS = by_lang({
    "same_nib": ("NIB sama", "same NIB"), "same_npwp": ("NPWP sama", "same NPWP"),
    "same_name": ("nama sama", "same name"), "similar_name": ("nama mirip", "similar name"),
})
#: Plausibility flags (`ledger.reports.registry.flags`): shown, never acted on.
FLAGS = by_lang({
    "over_ceiling": ("diterima melebihi batas omzet kelasnya", "received more than its class's sales ceiling"),
    "possible_split": ("dugaan pemecahan paket", "possible split purchase"),
    "declared_umk_but_besar": ("dideklarasikan UMK, pemasok besar", "declared UMK, supplier registered large"),
})
#: What the registry's profile counts suppliers by (`ledger.reports.registry.profile`).
DIMENSIONS = by_lang({"class": ("Kelas", "Class"), "district": ("Kecamatan", "Kecamatan"),
                      "sector": ("Sektor", "Sector"), "cooperative": ("Jenis koperasi", "Cooperative type")})
BUDGET_LINE = by_lang({True: ("ada", "declared"), False: ("tidak ada (bukan nol)", "none (not zero)")})
FINDINGS, PLANS, UMK_BASES = by_lang(FINDING_WORDS), by_lang(PLAN_WORDS), by_lang(BASIS_WORDS)
#: What `kuota import` reads back from the ledger about the records it sent (`ledger.reports.decisions`).
IMPORT_WORDS = by_lang({
    "ledger": ("buku besar", "ledger"), "new": ("baru", "new"), "recorded": ("sudah tercatat", "already recorded"),
    "correction": ("koreksi", "corrections"), "rejected": ("ditolak", "rejected"),
    "undecided": ("terkirim (belum diputuskan)", "sent (not yet decided)"),
    "deadline": ("sudah menunggu {} detik; sisanya diputuskan kemudian (--wait DETIK untuk menunggu lebih lama)",
                 "waited {} s; the rest is decided later (--wait SECONDS to wait longer)"),
    "idle": ("buku besar tidak menerima apa pun selama {} detik: apakah worker berjalan (kuota up atau kuota worker)?",
             "the ledger received nothing for {} s: is a worker running (kuota up or kuota worker)?"),
    "no_wait": ("--no-wait: keputusan buku besar tidak ditunggu", "--no-wait: the ledger's decisions were not awaited"),
})

TITLES = {
    "overview": ("Ikhtisar kepatuhan", "Compliance overview"),
    "alerts": ("Peringatan kepatuhan", "Compliance alerts"),
    "suppliers": ("Penerimaan pemasok", "What suppliers received"),
    "trend": ("Tren bulanan", "Monthly trend"),
    "spend": ("Belanja per pembeli", "Spend per buyer"),
    "allocation": ("Alokasi (SIRUP) dan realisasi per OPD", "Allocation (SIRUP) and realisation per agency"),
    "declared": ("UMK dideklarasikan dan registri", "Declared UMK and the registry"),
    "expiring": ("Registrasi segera berakhir", "Registrations ending soon"),
    "flags": ("Tanda kewajaran", "Plausibility flags"),
    "registry": ("Profil registri pemasok", "Supplier registry profile"),
    "duplicates": ("Dugaan data ganda pemasok", "Suspected duplicate suppliers"),
    **PACKAGE_TITLES,
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
    "late_reason": ("Setelah tutup bulan", "After the month closed"),
    "booked_on": ("Tanggal", "Date"), "event_id": ("Event", "Event"), "supplier_id": ("Pemasok", "Supplier"),
    "supplier_name": ("Nama pemasok", "Supplier name"), "supplier_class": ("Kelas pada tanggal itu", "Class on the date"),
    "channel": ("Saluran", "Channel"), "amount": ("Jumlah", "Amount"), "scale": ("Skala (terakhir)", "Scale (latest)"),
    "cooperative": ("Koperasi", "Cooperative"), "entries": ("Transaksi", "Entries"), "received": ("Diterima", "Received"),
    "month": ("Bulan", "Month"), "eligible": ("Dihitung", "Counted"),
    "counts:": ("Dihitung {}", "Counts for {}"), "eligible:": ("Dihitung {}", "Counted for {}"),
    "state": ("Keadaan", "State"), "pending": ("Dalam proses", "Pending"),
    "not_counted": ("Tidak dihitung karena", "Not counted because"),
    "fiscal_year": ("Tahun anggaran", "Fiscal year"), "budget_line": ("Baris anggaran", "Budget line"),
    "budget": ("Pagu pengadaan", "Procurement budget"), "packages": ("Paket", "Packages"),
    "planned_ukm": ("Rencana UKM", "Planned UKM"), "planned_share_bp": ("Porsi rencana", "Planned share"),
    "realised": ("Realisasi", "Realised"),
    "realised_share_bp": ("Porsi realisasi", "Realised share"), "planned_non_ukm": ("Rencana non-UKM", "Planned non-UKM"),
    "excluded": ("Dikecualikan", "Excluded"), "counted_by": ("Dihitung menurut", "Counted by"),
    "non_ukm_reasons": ("Alasan non-UKM", "Non-UKM reasons"), "year": ("Tahun", "Year"),
    "contracts": ("Kontrak", "Contracts"), "declared_umk": ("UMK dideklarasikan", "Declared UMK"),
    "supported": ("Didukung registri", "Supported by the registry"), "supported_bp": ("Porsi didukung", "Supported share"),
    "not_supported": ("Tidak didukung", "Not supported"),
    "not_supported_by_class": ("Kelas pemasok yang tidak didukung", "Unsupported by supplier class"),
    "sector": ("Sektor", "Sector"), "valid_to": ("Berlaku sampai", "Valid until"),
    "days_left": ("Sisa hari", "Days left"), "buyer_amounts": ("Pembeli tahun ini (rupiah)", "Buyers this year (rupiah)"),
    "flag": ("Tanda", "Flag"), "limit": ("Batas", "Limit"), "events": ("Transaksi terkait", "Entries involved"),
    "dimension": ("Menurut", "By"), "category": ("Kategori", "Category"), "suppliers": ("Pemasok", "Suppliers"),
    "within": ("Dalam (hari)", "Within (days)"), "caps": ("Batas per kanal", "Cap per channel"),
    "today": ("Dihitung dari", "Counted from"),
    "suspect": ("Dugaan", "Suspect"), "district": ("Kecamatan", "Kecamatan"),
    "evidence": ("Bukti", "Evidence"), "score": ("Skor kemiripan", "Similarity score"),
    "spend": ("Belanja tercatat", "Spend booked"),
    "measure": ("Diukur menurut", "Measured by"), "declared": ("UMK menurut sumber", "UMK declared by the source"),
    "verified": ("UMK terverifikasi", "UMK verified"), "registered": ("Ke pemasok terdaftar", "To registered suppliers"),
    "coverage_bp": ("Cakupan registri", "Registry coverage"),
    "basis": ("Dasar kelas", "Class rests on"),
    "realised_declared": ("Realisasi UMK menurut sumber", "Realised UMK declared by the source"),
    "realised_declared_share_bp": ("Porsi menurut sumber", "Declared share"),
    **ACCESS_HEADINGS,  # `kuota keys list`, `kuota users list`, `kuota access-log`
    **PACKAGE_HEADINGS,  # `kuota report packages`
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


#: The two realised UMK measures (`ledger.rules.programs.Figures`): LKPP's, and the registry's.
MEASURES = {
    "id": {"declared": "menurut sumber (LKPP)", "verified": "terverifikasi (registri)"},
    "en": {"declared": "declared by the source (LKPP)", "verified": "verified (registry)"},
}


#: What an entry's supplier class rests on (`ledger.rules.basis`).
CLASS_BASES = {
    "id": {"registry": "registri", "lkpp_profile": "profil LKPP", "declaration": "deklarasi sumber",
           "unknown": "tidak diketahui"},
    "en": {"registry": "registry", "lkpp_profile": "LKPP profile", "declaration": "source's declaration",
           "unknown": "unknown"},
}


def word(kind: str, code, lang: str) -> str | None:
    """The word people read for a code of a column `kind` (status, channel, class, kind), or None
    when the column holds no code."""
    table = {"status": STATUS, "channel": CHANNELS, "class": CLASSES, "kind": KINDS, "entry": ENTRIES, "state": STATES, "reason": REASONS, "duplicate": DUPLICATE_KINDS,
             "flag": FLAGS, "dimension": DIMENSIONS,
             "budget_line": BUDGET_LINE, "late_reason": LATE_REASONS, "finding": FINDINGS, "plan": PLANS,
             "measure": MEASURES, "basis": CLASS_BASES}.get(kind)
    if table is None:
        return None
    words = table.get(lang, table["id"])
    return words.get(code, "-" if code is None else str(code))
