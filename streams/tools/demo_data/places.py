"""Places and people of the demo year: the home regions (Kabupaten Bekasi, Kota Bekasi, Kota
Tangerang Selatan) and their neighbours, their districts, and the buyers, government offices (OPD)
and companies, with how much each buys and through which channels."""

from dataclasses import dataclass
from random import Random

from schemas.codes import REGIONS

HOME_REGIONS = ("3216", "3275", "3674")
# Suppliers from neighbouring regions: they sell here but are not local.
OTHER_REGIONS = ("3201", "3171", "3603", "3276")
DISTRICTS: dict[str, tuple[str, ...]] = {
    "3216": ("Tarumajaya", "Babelan", "Sukawangi", "Tambelang", "Tambun Utara", "Tambun Selatan",
             "Cibitung", "Cikarang Barat", "Cikarang Utara", "Karangbahagia", "Cikarang Timur",
             "Kedungwaringin", "Pebayuran", "Sukakarya", "Sukatani", "Cabangbungin", "Muaragembong",
             "Setu", "Cikarang Selatan", "Cikarang Pusat", "Serang Baru", "Cibarusah", "Bojongmangu"),
    "3275": ("Bekasi Barat", "Bekasi Selatan", "Bekasi Timur", "Bekasi Utara", "Bantar Gebang",
             "Jatiasih", "Jatisampurna", "Medan Satria", "Mustika Jaya", "Pondok Gede", "Pondok Melati",
             "Rawalumbu"),
    "3674": ("Serpong", "Serpong Utara", "Ciputat", "Ciputat Timur", "Pamulang", "Pondok Aren", "Setu"),
}
_OPD = (
    ("dinkopukm", "Dinas Koperasi dan UKM"), ("disdik", "Dinas Pendidikan"), ("dinkes", "Dinas Kesehatan"),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"), ("dishub", "Dinas Perhubungan"),
    ("dlh", "Dinas Lingkungan Hidup"), ("dinsos", "Dinas Sosial"), ("disdag", "Dinas Perdagangan"),
    ("disparbud", "Dinas Pariwisata dan Kebudayaan"), ("disnaker", "Dinas Tenaga Kerja"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah"), ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah"), ("setda", "Sekretariat Daerah"),
    ("satpolpp", "Satuan Polisi Pamong Praja"),
)
_LOCAL_OFFICES: dict[str, tuple[tuple[str, str], ...]] = {
    "3216": (("rsud", "RSUD Kabupaten Bekasi"), ("rsud-cibitung", "RSUD Cibitung"),
             ("kec-cikarang-utara", "Kecamatan Cikarang Utara"), ("kec-tambun-selatan", "Kecamatan Tambun Selatan"),
             ("kec-cibitung", "Kecamatan Cibitung")),
    "3275": (("rsud", "RSUD dr. Chasbullah Abdulmadjid Kota Bekasi"),
             ("kec-bekasi-timur", "Kecamatan Bekasi Timur"), ("kec-jatiasih", "Kecamatan Jatiasih")),
    "3674": (("rsud", "RSUD Kota Tangerang Selatan"), ("kec-pamulang", "Kecamatan Pamulang"),
             ("kec-serpong", "Kecamatan Serpong")),
}
# Invented firms: malls, modern retail, toll rest areas and the industrial estates of Cikarang.
_COMPANIES: dict[str, tuple[tuple[str, str], ...]] = {
    "3216": (("mal-cikarang-sentral", "PT Cikarang Sentral Properti (Mal Cikarang Sentral)"),
             ("plaza-tambun", "PT Tambun Plaza Lestari (Plaza Tambun)"),
             ("restarea-km42", "PT Graha Singgah Nusantara (Rest Area KM 42)"),
             ("restarea-km39", "PT Pesona Singgah Cikampek (Rest Area KM 39)"),
             ("swalayan-sejahtera", "PT Swalayan Sejahtera Bekasi"),
             ("minimarket-berkah", "PT Berkah Ritel Nusantara"),
             ("presisi-otomotif", "PT Cikarang Presisi Otomotif"), ("delta-kimia", "PT Delta Kimia Industri"),
             ("sinar-baja", "PT Sinar Baja Cibitung"), ("mitra-elektronika", "PT Mitra Elektronika Cikarang"),
             ("kemasan-plastik", "PT Nusantara Kemasan Plastik"),
             ("tekstil-serang-baru", "PT Karya Tekstil Serang Baru"),
             ("garuda-komponen", "PT Garuda Komponen Motor"), ("sentosa-pangan", "PT Sentosa Pangan Olahan")),
    "3275": (("patriot-plaza", "PT Patriot Niaga Properti (Patriot Plaza)"),
             ("mal-rawalumbu", "PT Rawalumbu Sentra Belanja (Mal Rawalumbu)"),
             ("toserba-candrabaga", "PT Toserba Candrabaga"), ("ritel-jatiasih", "PT Jatiasih Ritel Mandiri"),
             ("restarea-km13", "PT Singgah Bekasi Timur (Rest Area KM 13)"),
             ("logistik-medan-satria", "PT Medan Satria Logistik"),
             ("rs-harapan-keluarga", "PT Harapan Keluarga Medika")),
    "3674": (("serpong-raya-mall", "PT Serpong Raya Properti (Serpong Raya Mall)"),
             ("pamulang-sentra", "PT Pamulang Sentra Niaga (Pamulang Sentra)"),
             ("ciputat-swalayan", "PT Ciputat Swalayan Jaya"), ("restarea-km8", "PT Singgah Serpong (Rest Area KM 8)"),
             ("logistik-pondok-aren", "PT Nusa Logistik Pondok Aren"), ("kampus-pamulang", "PT Bina Kampus Pamulang"),
             ("hotel-serpong", "PT Serpong Graha Hotelindo")),
}
_AGENCY_CHANNELS = (("toko_daring", 55), ("e_katalog", 20), ("pengadaan_langsung", 18), ("tender", 5), ("other", 2))
_COMPANY_CHANNELS = (("kemitraan", 50), ("gerai", 38), ("other", 12))


@dataclass(frozen=True)
class DemoBuyer:
    id: str
    kind: str
    name: str
    region: str
    weight: int  # relative number of purchases
    umkm_share: int  # percent of purchases made from small businesses and cooperatives
    channels: tuple[tuple[str, int], ...]


def home_buyers(rng: Random) -> list[DemoBuyer]:
    """Every office and company of the home regions, with how much it buys and from whom."""
    buyers = []
    for region in HOME_REGIONS:
        where = REGIONS[region]
        offices = [(slug, f"{name} {where}") for slug, name in _OPD] + list(_LOCAL_OFFICES[region])
        for slug, name in offices:
            buyers.append(DemoBuyer(f"opd-{region}-{slug}", "agency", name, region, rng.randint(20, 120),
                                rng.randint(30, 85), _AGENCY_CHANNELS))
        for slug, name in _COMPANIES[region]:
            # Some companies are far below a 30 percent allocation, some comfortably above.
            buyers.append(DemoBuyer(f"co-{region}-{slug}", "company", name, region, rng.randint(15, 90),
                                rng.randint(5, 70), _COMPANY_CHANNELS))
    return buyers
