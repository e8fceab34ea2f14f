"""The columns of kuota's spreadsheet templates: header (Bahasa Indonesia, as written in row 1),
whether a row needs it, what it means in Bahasa Indonesia and in English, and the example row."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the field it fills
    header: str
    required: bool
    id: str
    en: str
    example: object = None


KINDS = ("purchases", "suppliers", "budgets")
SHEETS = {"purchases": "pembelian", "suppliers": "penyedia", "budgets": "anggaran"}
TITLES = {
    "purchases": "Templat pembelian (purchase.recorded) / purchases template",
    "suppliers": "Templat penyedia UMKM dan koperasi (supplier.registered) / suppliers template",
    "budgets": "Templat pagu pengadaan instansi (budget.declared) / agency budgets template",
}

_MONEY_ID = "Rupiah utuh: 1250000 atau Rp 1.250.000 (sen dibulatkan setengah ke atas)."
_MONEY_EN = "Whole rupiah: 1250000 or Rp 1.250.000 (sen rounded half up)."
_DAY_ID = "Tanggal 31/03/2024 atau 2024-03-31."
_DAY_EN = "Date as 31/03/2024 or 2024-03-31."
_REGION_ID = "Kode wilayah BPS 4 angka (3216 = Kabupaten Bekasi); kosong: diisi dari --region."
_REGION_EN = "4-digit BPS region code (3216 = Kabupaten Bekasi); empty: taken from --region."
_SUPPLIER_ID = ("NIB 13 angka, atau npwp:<15/16 angka>, lkpp:<kode>, sikap:<kode>; "
                "harus sama dengan id di templat penyedia.")
_SUPPLIER_EN = "13-digit NIB, or npwp:<15/16 digits>, lkpp:<code>, sikap:<code>; the id used in the suppliers template."

COLUMNS: dict[str, tuple[Column, ...]] = {
    "purchases": (
        Column("event_id", "id_peristiwa", False,
               "Opsional. Id unik pembelian ini (8-64 huruf, angka, _ . : -). Kosong: dibentuk dari "
               "id_pembeli + nomor_referensi + tanggal.",
               "Optional. This purchase's unique id (8-64 letters, digits, _ . : -). Empty: derived from "
               "buyer id + reference + date."),
        Column("buyer_id", "id_pembeli", True, "Id instansi atau perusahaan pembeli, mis. D197-1.03.0.00.0.00.01.0000.",
               "Id of the buying agency or company.", "3216-dinas-kesehatan"),
        Column("buyer_name", "nama_pembeli", False, "Nama pembeli.", "Name of the buyer.", "Dinas Kesehatan"),
        Column("buyer_kind", "jenis_pembeli", True, "instansi atau perusahaan.", "instansi (agency) or perusahaan "
               "(company).", "instansi"),
        Column("region", "kode_wilayah", True, _REGION_ID + " Wilayah pembeli.", _REGION_EN + " The buyer's region.",
               "3216"),
        Column("supplier_id", "id_penyedia", True, _SUPPLIER_ID, _SUPPLIER_EN, "9120001234567"),
        Column("amount", "nilai", True, _MONEY_ID, _MONEY_EN, "Rp 1.250.000"),
        Column("date", "tanggal", True, _DAY_ID + " Atau waktu ISO dengan zona: 2024-03-31T10:15:00+07:00. "
               "Tanggal saja: pukul 12.00 waktu setempat.",
               _DAY_EN + " Or an ISO time with offset: 2024-03-31T10:15:00+07:00. A date alone: noon local time.",
               "31/03/2024"),
        Column("channel", "saluran", True, "toko_daring, e_katalog, tender, pengadaan_langsung, kemitraan, gerai "
               "atau other.", "Purchase channel, one of those codes.", "pengadaan_langsung"),
        Column("reference", "nomor_referensi", False, "Nomor SPK, kontrak atau faktur (maks. 100). Wajib bila "
               "id_peristiwa kosong.", "Order, contract or invoice number (max 100). Required when the event id "
               "is empty.", "SPK-027/2024"),
        Column("state", "status", False, "selesai (dihitung), dalam_proses (ditampilkan, belum dihitung) atau batal "
               "(tidak dihitung). Kosong: selesai.", "selesai (completed, counts), dalam_proses (pending, shown) or "
               "batal (void, never counts). Empty: completed.", "selesai"),
        Column("version", "versi", False, "Koreksi: baris yang sama (pembeli, referensi, tanggal) dengan versi lebih "
               "tinggi menggantikan yang lama. Kosong: 0. Hanya bila id_peristiwa kosong.",
               "Corrections: the same row (buyer, reference, date) with a higher version replaces the earlier one. "
               "Empty: 0. Only when the event id is empty."),
    ),
    "suppliers": (
        Column("supplier_id", "id_penyedia", True, _SUPPLIER_ID, _SUPPLIER_EN, "9120001234567"),
        Column("name", "nama_penyedia", True, "Nama usaha atau koperasi.", "Business or cooperative name.",
               "CV Maju Bersama"),
        Column("region", "kode_wilayah", True, _REGION_ID + " Wilayah penyedia.", _REGION_EN + " The supplier's "
               "region.", "3216"),
        Column("district", "kecamatan", False, "Kecamatan di wilayah penyedia; untuk 3216, 3275 dan 3674 harus salah "
               "satu kecamatan wilayah itu (huruf besar/kecil, spasi dan tanda baca diabaikan).",
               "District (kecamatan) of the supplier's region; for 3216, 3275 and 3674 one of that region's "
               "kecamatan (case, spacing and punctuation ignored).", "Cikarang Utara"),
        Column("sector", "sektor", False, "Sektor usaha.", "Business sector.", "makanan"),
        Column("scale", "skala", False, "mikro, kecil, menengah atau besar (PP 7/2021). Kosong: dihitung dari "
               "modal_usaha dan hasil_penjualan_tahunan.", "mikro, kecil, menengah or besar (PP 7/2021). Empty: "
               "derived from capital and annual sales.", "kecil"),
        Column("cooperative", "jenis_koperasi", False, "Untuk koperasi: produsen, konsumen, pemasaran, jasa, "
               "simpan_pinjam, serba_usaha, syariah, multi_pihak (juga \"Simpan Pinjam\", \"Koperasi Serba Usaha\", KSU, KSP).",
               "For cooperatives: the cooperative type, one of those codes or as commonly written."),
        Column("capital", "modal_usaha", False, _MONEY_ID + " Modal usaha di luar tanah dan bangunan.",
               _MONEY_EN + " Capital excluding land and buildings.", "Rp 1.500.000.000"),
        Column("annual_sales", "hasil_penjualan_tahunan", False, _MONEY_ID, _MONEY_EN, "Rp 4.000.000.000"),
        Column("valid_from", "berlaku_mulai", True, _DAY_ID + " Sejak kapan data ini berlaku.",
               _DAY_EN + " From when this profile holds.", "01/01/2024"),
        Column("valid_to", "berlaku_sampai", False, _DAY_ID + " Kosong: tanpa batas.", _DAY_EN + " Empty: open."),
        Column("nib", "nib", False, "Opsional. NIB 13 angka: pembelian yang menyebut NIB ini dihitung untuk penyedia "
               "ini.", "Optional. 13-digit NIB: purchases naming it count for this supplier.", "9120001234567"),
        Column("npwp", "npwp", False, "Opsional. NPWP 15 atau 16 angka, boleh dengan titik dan tanda hubung; tulis "
               "sebagai teks agar angka 0 di depan tidak hilang.", "Optional. NPWP, 15 or 16 digits, dots and dashes "
               "allowed; write it as text so a leading 0 stays."),
        Column("lkpp", "lkpp", False, "Opsional. Kode penyedia LKPP (SIKaP), seperti pada pesanan e-Katalog.",
               "Optional. LKPP's supplier code (SIKaP), as e-Katalog orders carry it."),
    ),
    "budgets": (
        Column("agency_id", "id_instansi", True, "Id instansi (sama dengan id_pembeli di templat pembelian).",
               "Agency id (the buyer id of the purchases template).", "3216-dinas-kesehatan"),
        Column("fiscal_year", "tahun_anggaran", True, "Tahun anggaran, mis. 2024.", "Fiscal year.", 2024),
        Column("budget", "pagu_pengadaan", True, _MONEY_ID + " Pagu belanja pengadaan: dasar aturan 40%.",
               _MONEY_EN + " Procurement budget: the base of the 40% rule.", "Rp 12.500.000.000"),
        Column("region", "kode_wilayah", False, _REGION_ID, _REGION_EN, "3216"),
        Column("date", "tanggal_penetapan", False, _DAY_ID + " Tanggal penetapan (APBD, APBD-P); yang terbaru "
               "berlaku. Kosong: 1 Januari tahun anggaran.", _DAY_EN + " Date the budget was set; the latest is in "
               "force. Empty: 1 January of the fiscal year.", "02/01/2024"),
    ),
}
