"""The words of plan against realisation (`kuota report packages`, `/api/packages`, the dashboard's
`/packages`), kept beside `words` (which merges them): (Bahasa Indonesia, English)."""

PACKAGE_WORDS = {
    "packages": ("Paket: rencana dan realisasi", "Packages: plan and realisation"),
    "packages_nav": ("Paket RUP", "RUP packages"),
    "packages_link": ("Rencana dan realisasi per paket", "Plan and realisation package by package"),
    "packages_intro": (
        "Per perangkat daerah dan tahun anggaran: paket SIRUP yang direncanakan untuk usaha kecil (UKM) di samping "
        "pesanan yang menyebut kode RUP-nya. Hanya pesanan e-Katalog v6 yang membawa kode RUP (kd_rup); kontrak SPSE "
        "dan Toko Daring tidak, sehingga realisasinya hanya tampak sebagai jumlah di halaman Alokasi. UMK menurut "
        "registri: kelas pemasok pada tanggal pembelian (mikro, kecil, koperasi); menurut sumber: nilai UMK yang "
        "dideklarasikan catatannya sendiri. Nama pemasok tidak pernah menentukan kelasnya.",
        "Per agency and fiscal year: the SIRUP packages planned for small business (UKM) beside the orders that name "
        "their RUP code. Only e-Katalog v6 orders carry a RUP code (kd_rup); SPSE contracts and Toko Daring do not, "
        "so their realisation shows only as totals on the Allocation page. UMK per the registry: the supplier's "
        "class on the purchase date (micro, small, cooperative); per the source: the UMK value its own record "
        "declares. A supplier's name never decides its class."),
    "no_packages": (
        "Belum ada paket SIRUP maupun pesanan yang menyebut kode RUP. Impor paket (RUP-PaketPenyedia) dan pesanan "
        "e-Katalog v6 (membawa kd_rup) dengan `kuota import FILE`; kontrak SPSE dan Toko Daring tidak membawa kode "
        "RUP.",
        "No SIRUP package and no order naming a RUP code yet. Import the packages (RUP-PaketPenyedia) and e-Katalog "
        "v6 orders (they carry kd_rup) with `kuota import FILE`; SPSE contracts and Toko Daring carry no RUP code."),
    "no_linked_orders": (
        "Belum ada pesanan yang menyebut kode RUP paket-paket ini: impor pesanan e-Katalog v6 (membawa kd_rup). "
        "Kontrak SPSE dan Toko Daring tidak membawa kode RUP, jadi tidak dicocokkan per paket.",
        "No order names the RUP code of these packages yet: import e-Katalog v6 orders (they carry kd_rup). SPSE "
        "contracts and Toko Daring carry no RUP code, so they are not matched package by package."),
    "not_realised_hint": ("Belum ada pesanan selesai yang menyebut kode RUP ini.",
                          "No completed order names this RUP code yet."),
    "unregistered_hint": (
        "Pemasok \"belum terdaftar\" tidak diketahui kelasnya oleh registri kuota, dan sumbernya tidak "
        "mendeklarasikan nilai UMK: impor detail penyedia e-Katalog (penyedia_ukm) atau daftarkan pemasoknya.",
        "An \"unregistered\" supplier's class is unknown to kuota's registry and its source declares no UMK value: "
        "import the e-Katalog supplier detail (penyedia_ukm) or register the supplier."),
    "no_plan_hint": ("Pesanan ini menyebut kode RUP yang tidak ada dalam rencana unit itu di buku besar: impor paket "
                     "SIRUP (RUP-PaketPenyedia) unit dan tahunnya.",
                     "These orders name a RUP code the unit's plan in the ledger does not hold: import the unit's "
                     "SIRUP packages (RUP-PaketPenyedia) of that year."),
    "rup_code": ("Kode RUP", "RUP code"),
    "in_process": ("dalam proses", "pending"),
    "order_one": ("pesanan", "order"), "orders_word": ("pesanan", "orders"),
}

PACKAGE_HEADINGS = {
    "package_id": ("Kode RUP", "RUP code"), "package": ("Paket", "Package"), "pagu": ("Pagu paket", "Package pagu"),
    "plan": ("Rencana", "Plan"), "finding": ("Temuan", "Finding"), "orders": ("Pesanan selesai", "Completed orders"),
    "realised_umk": ("Realisasi UMK (registri atau sumber)", "Realised UMK (registry or source)"),
    "realised_not_umk": ("Bukan UMK menurut keduanya", "UMK on neither basis"),
    "pending_orders": ("Pesanan dalam proses", "Orders pending"), "realised_by": ("Direalisasikan oleh", "Realised by"),
}

PACKAGE_TITLES = {"packages": ("Paket SIRUP: rencana dan realisasi", "SIRUP packages: plan and realisation")}

#: What a package's line says (`ledger.rules.packages.FINDINGS`).
FINDING_WORDS = {
    "not_umk": ("lewat pemasok bukan UMK", "through a supplier not UMK"),
    "not_realised": ("belum ada realisasi", "nothing realised yet"),
    "realised": ("lewat UMK", "through UMK"),
    "outside_ukm": ("bukan paket UKM", "not a UKM package"),
    "no_plan": ("kode RUP tanpa rencana", "RUP code without a plan"),
}
#: A package's plan (`ledger.rules.packages.plan_status`); None: no plan holds the code.
PLAN_WORDS = {
    "ukm": ("UKM", "UKM"), "non_ukm": ("non-UKM", "non-UKM"), "excluded": ("dikecualikan", "excluded"),
    "withdrawn": ("ditarik", "withdrawn"), None: ("tanpa rencana", "no plan"),
}
#: On which basis an order's supplier is UMK (`ledger.rules.packages.umk_basis`).
BASIS_WORDS = {
    "registry": ("UMK menurut registri", "UMK per the registry"),
    "declared": ("UMK menurut sumber", "UMK per the source"),
    None: ("bukan UMK menurut keduanya", "UMK on neither basis"),
}
