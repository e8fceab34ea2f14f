"""Records copied from the LKPP sample files (tests/fixtures/realdata), trimmed of long free text,
with numbers as the files write them (`ijson` gives Decimal; the mappings take both)."""

from decimal import Decimal

# spse-nontender-kontrak-kalbar-2023.json, record 1
NONTENDER = {
    "tahun_anggaran": 2023, "kd_klpd": "D197", "nama_klpd": "Provinsi Kalimantan Barat", "jenis_klpd": "PROVINSI",
    "kd_satker": "13364097", "kd_satker_str": "4.01.0.00.0.00.01.0000",
    "nama_satker": "SEKRETARIAT DAERAH PROVINSI KALBAR", "kd_lpse": 97, "kd_nontender": 10937097,
    "nama_paket": "Belanja Pemeliharaan Bangunan Gedung-Bangunan Gedung Tempat Kerja-Bangunan Gedung Kantor",
    "mtd_pengadaan": "Pengadaan Langsung", "no_sppbj": "000.1.8/598/SPPBJ/RO-UM/PPKOM/2023",
    "no_kontrak": "000.1.8/ 607 /SPK/RO-UM/PPKOM/2023", "tgl_kontrak": "2023-11-28T00:00:00.000000Z",
    "nama_penyedia": "CV.HANSAMU", "npwp_penyedia": "60.324.323.9-707.000", "npwp16_penyedia": "0603243239707000",
    "bentuk_usaha_penyedia": "Persekutuan Komanditer (CV / Commanditer Venoschaap )",
    "nilai_kontrak": Decimal("199439382.23"), "nilai_pdn_kontrak": Decimal("199439382.23"),
    "nilai_umk_kontrak": Decimal("199439382.23"), "status_kontrak": "Kontrak Selesai",
    "apakah_addendum": "Tidak", "versi_addendum": 0, "alasan_addendum": None,
}

# the same file: half a rupiah of sen; a Penunjukan Langsung; a contract naming no supplier; a
# supplier known by its 15-digit NPWP only
HALF = NONTENDER | {"kd_satker_str": "3.25.0.00.0.00.01.0000", "nama_satker": "DINAS KELAUTAN DAN PERIKANAN",
                    "kd_nontender": 10853097, "no_kontrak": "SPK.02/JK/PT-PPK/DKP/2023",
                    "tgl_kontrak": "2023-10-23T00:00:00.000000Z", "nama_penyedia": "CV. CAKRAWALA ESTETIKA INDONESIA",
                    "npwp_penyedia": "41.249.477.5-701.000", "npwp16_penyedia": "0412494775701000",
                    "nilai_kontrak": Decimal("5936890.5"), "nilai_umk_kontrak": Decimal("5936890.5"),
                    "status_kontrak": "Kontrak Sedang Berjalan"}
PENUNJUKAN = NONTENDER | {"kd_nontender": 10546097, "mtd_pengadaan": "Penunjukan Langsung",
                          "no_kontrak": "000.3.2/1556/SPK.PLTMH/DPPESDM/2023",
                          "nama_penyedia": "PT. Wahana Pengembangan Usaha", "npwp_penyedia": "01.767.615.6-423.000",
                          "npwp16_penyedia": "0017676156423000", "nilai_kontrak": 600177000,
                          "nilai_umk_kontrak": 600177000}
NO_SUPPLIER = NONTENDER | {"kd_nontender": 10045097, "no_kontrak": "027/012.PL/DISHUB-B.2/2023",
                           "nama_penyedia": None, "npwp_penyedia": None, "npwp16_penyedia": None,
                           "nilai_kontrak": 14970000, "nilai_umk_kontrak": 14970000}
NPWP15 = NONTENDER | {"kd_nontender": 10218097, "no_kontrak": "027/2377/SPK/DIKBUD-C",
                      "nama_penyedia": "CV.Absri Ananta Konsultan", "npwp_penyedia": "02.942.721.8-701.000",
                      "npwp16_penyedia": None, "nilai_kontrak": 30369156, "nilai_umk_kontrak": 30369156}

# spse-tender-kontrak-kalbar-2024.json: one contract at addendum 1 and 0 (records 36 and 37)
TENDER = {
    "tahun_anggaran": 2024, "kd_klpd": "D197", "nama_klpd": "Provinsi Kalimantan Barat", "jenis_klpd": "PROVINSI",
    "kd_satker": "14389097", "kd_satker_str": "2.15.0.00.0.00.01.0000",
    "nama_satker": "DINAS PERHUBUNGAN PROVINSI KALIMANTAN BARAT", "kd_lpse": 97, "kd_tender": 9568097,
    "no_kontrak": "027/SPK-9568097/DISHUB.D/2024", "tgl_kontrak": "2024-06-03T00:00:00.000000Z",
    "kd_penyedia": 363062, "nama_penyedia": "abdi jasa tama", "npwp_penyedia": "0012208112701000",
    "npwp_16_penyedia": "0012208112701000", "bentuk_usaha_penyedia": "Perseroan Terbatas (PT)",
    "nilai_kontrak": Decimal("16921026850.03"), "nilai_umk_kontrak": Decimal("16921026850.03"),
    "status_kontrak": "Kontrak Sedang Berjalan", "apakah_addendum": "Tidak", "versi_addendum": 0,
}
ADDENDUM = TENDER | {"status_kontrak": "Kontrak Selesai", "apakah_addendum": "Ya", "versi_addendum": 1}
# spse-tender-kontrak-kalbar-2023.json: the supplier of NPWP15, as tender files name it
TENDER_NPWP16 = TENDER | {"kd_penyedia": 175097, "nama_penyedia": "CV.Absri Ananta Konsultan",
                          "npwp_penyedia": "0029427218701000", "npwp_16_penyedia": None}

# ecat-v6-paket-kabbandung-2025.json, record 1
EKATALOG = {
    "tahun_anggaran": 2025, "jenis_instansi": "KABUPATEN", "nama_instansi": "Kab. Bandung",
    "nama_satker": "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA", "kd_klpd": "D107",
    "kd_satker_str": "5.03.5.04.0.00.29.0000", "kd_paket": "01K32QD12XPKKTQMJ6E33ADS47", "kd_rup": "60608395",
    "sumber_dana": "APBD", "kd_penyedia_v6": "01JHKT4BFAVEMPVFWSNK1BQ4F6", "kd_penyedia_sikap": 4186014,
    "jml_jenis_produk": 9, "jml_produk": 2022, "ongkir": 0, "total_harga": 28578060, "tgl_order": "2025-08-27",
    "status_pkt": "ON_PROCESS", "status_pengiriman": "COMPLETED",
}

# tokodaring-pontianak-2022.json: order 1123140 three times (records 14, 17, 21), two lines of
# PO-122514-220707-2 (records 96, 97), a failed order (record 9)
_DARING = {"kd_klpd": "D199", "nama_klpd": "Pemerintah Daerah Kota Pontianak", "kd_satker": "1.15.01",
           "nama_satker": "DINAS KOPERASI USAHA MIKRO DAN PERDAGANGAN", "metode_bayar": "transfer",
           "marketplace": "mbiz market", "jenis_transaksi": "bela", "kota_kab": "Pontianak (Kota)",
           "provinsi": "Kalimantan Barat", "sumber_data": "api", "keterangan_ppmse": None}
ORDER_FIRST = _DARING | {"order_id": "1123140", "order_desc": "Kertas Stiker Foto Sticker Photo Paper V",
                         "valuasi": 350000, "kategori": "ATK", "tanggal_transaksi": "2022-11-17 14:40:49",
                         "nama_merchant": "PD. Arthika - Arthika Stationery", "status_verif": "verified",
                         "status_konfirmasi_ppmse": None}
ORDER_SECOND = ORDER_FIRST | {"tanggal_transaksi": "2022-11-17 16:33:24"}
ORDER_DONE = ORDER_FIRST | {"tanggal_transaksi": "2022-11-17 16:57:22", "status_konfirmasi_ppmse": "selesai"}
LINE_ONE = _DARING | {"order_id": "PO-122514-220707-2", "order_desc": "Pengadaan Belanja Alat/Bahan untuk Kegiatan",
                      "valuasi": 180000, "kategori": "Perkakas", "tanggal_transaksi": "2022-07-11 00:00:00",
                      "nama_merchant": "CV. Rindi Abadi", "status_verif": None, "sumber_data": "import",
                      "status_konfirmasi_ppmse": None}
LINE_TWO = LINE_ONE | {"valuasi": 405000, "kategori": "Souvenir"}
FAILED = _DARING | {"kd_satker": "173405", "order_id": "1239060", "order_desc": "CETAK STIKER IMB",
                    "valuasi": 542790, "kategori": "ATK", "tanggal_transaksi": "2022-11-25 17:06:03",
                    "nama_merchant": "CV.RIAN RIZKY PURNAMA", "status_verif": "verified",
                    "status_konfirmasi_ppmse": "gagal", "keterangan_ppmse": "RFQ Ditolak Penjual"}
# tokodaring-kabbandung-2025.json, record 1 (the 2025 field set)
DARING_2025 = {"tahun": 2025, "kd_klpd": "D107", "nama_klpd": "Kab. Bandung", "kd_satker": "60442",
               "nama_satker": "SEKRETARIAT DAERAH", "order_id": "4397296", "order_desc": None, "valuasi": 75000000,
               "kategori": None, "metode_bayar": "transfer", "tanggal_transaksi": "2025-06-14 14:07:35",
               "marketplace": "mbiz market", "merchant_name": None, "jenis_transaksi": "bela",
               "kota_kab": "Bandung (Kab.)", "provinsi": "Jawa Barat", "status_verif": "verified",
               "sumber_data": "api_v3", "status_konfirmasi_ppmse": "gagal", "keterangan_ppmse": "Payment Kadaluarsa"}

# rup-master-satker-kalbar-2025.json, record 1; rup-struktur-anggaran-kabbandung-2025.json names 60442
SATKER = {"kd_satker": 64173, "kd_satker_str": "1.02.0.00.0.00.01.0002", "nama_satker": "UPT LABORATORIUM KESEHATAN",
          "alamat": None, "status_satker": "Aktif", "ket_satker": "Satker/OPD Non-BLU/BLUD", "jenis_satker": "SKPD",
          "kd_klpd": "D197", "nama_klpd": "Provinsi Kalimantan Barat", "jenis_klpd": "PROVINSI", "kode_eselon": None}

# ecat-penyedia-detail-sample.json, the one record
PENYEDIA = {"kd_penyedia": 439515, "nama_penyedia": "CV.PARAMITRA TEKNIK", "kode_penyedia_sikap": 2801192,
            "penyedia_ukm": "Belum Terdefinisi", "alamat_penyedia": "Dusun Sawur RT.006 RW.011 Kel.Pucansari",
            "npwp_penyedia": "938769908624000", "npwp_16": None, "kbli2020_penyedia": None}
