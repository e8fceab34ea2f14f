"""A deterministic, realistic year of input for kuota: who buys from whom in Bekasi and Tangerang
Selatan, how suppliers are registered and reclassified, and the mistakes real senders make
(re-sends, refunds, broken records).

Pure: no I/O and no Kafka. The same seed gives the same bytes, so a run through the real stack can
be checked against an independent oracle (tests/e2e/oracle.py). Every record carries the outcome the
generator meant (`intent`): "applied", "duplicate" or a reject reason code.
"""

import calendar
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from random import Random

import orjson

from schemas.codes import REGIONS, RejectReason

SUPPLIERS_TOPIC = "kuota.suppliers.v1"
PURCHASES_TOPIC = "kuota.purchases.v1"
APPLIED, DUPLICATE = "applied", "duplicate"
MIN_PURCHASES, MIN_SUPPLIERS = 500, 100

# Positions order the purchase stream: base purchase i sits at i * _STEP, so refunds, re-sends and
# bad records can be slotted in between without renumbering.
_STEP = 1024


@dataclass(frozen=True)
class DemoRecord:
    topic: str  # SUPPLIERS_TOPIC or PURCHASES_TOPIC
    key: bytes  # supplier id for suppliers, buyer id for purchases
    value: bytes  # the JSON bytes exactly as sent on the wire (may be deliberately invalid)
    intent: str  # "applied", "duplicate", or a reject reason code


@dataclass(frozen=True)
class DemoData:
    suppliers: tuple[DemoRecord, ...]  # send these first
    purchases: tuple[DemoRecord, ...]  # then these, in this order
    late_suppliers: tuple[DemoRecord, ...]  # registrations sent after the purchases

    def in_send_order(self) -> tuple[DemoRecord, ...]:
        return self.suppliers + self.purchases + self.late_suppliers


# --- places and people ------------------------------------------------------------------------------

HOME_REGIONS = ("3216", "3275", "3674")
# Suppliers from neighbouring regions: they sell here but are not local.
_OTHER_REGIONS = ("3201", "3171", "3603", "3276")
_DISTRICTS: dict[str, tuple[str, ...]] = {
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

# --- suppliers --------------------------------------------------------------------------------------

_SECTORS = (("kuliner", 35), ("perdagangan", 18), ("fashion", 12), ("kerajinan", 10), ("jasa", 15),
            ("konstruksi", 5), ("pertanian", 5))
_BUSINESS_SCALES = (("mikro", 58), ("kecil", 22), ("menengah", 8), ("besar", 12))
_COOP_SCALES = (("mikro", 40), ("kecil", 40), ("menengah", 15), ("besar", 5))
_COOP_TYPES = (("serba_usaha", 25), ("konsumen", 20), ("simpan_pinjam", 15), ("produsen", 15), ("jasa", 8),
               ("pemasaran", 7), ("syariah", 7), ("multi_pihak", 3))
_COOP_SECTOR = {"produsen": "pertanian", "konsumen": "perdagangan", "pemasaran": "perdagangan", "jasa": "jasa",
                "simpan_pinjam": "jasa", "serba_usaha": "perdagangan", "syariah": "perdagangan",
                "multi_pihak": "kuliner"}
_OWNERS = ("Bu Sari", "Pak Budi", "Bu Yanti", "Pak Ahmad", "Bu Siti", "Bu Dewi", "Pak Agus", "Bu Rina",
           "Haji Mamat", "Bu Enok", "Pak Udin", "Bu Neneng", "Pak Asep", "Bu Imas", "Pak Rahmat", "Bu Lilis",
           "Pak Joko", "Bu Wati", "Mpok Atik", "Bang Jali")
_BRANDS = ("Barokah", "Berkah", "Jaya", "Mandiri", "Sejahtera", "Sentosa", "Makmur", "Lestari", "Abadi", "Rizki",
           "Amanah", "Sumber Rejeki", "Harapan", "Sinar", "Cahaya", "Mulia", "Putra", "Bersama", "Gemilang",
           "Pelangi", "Melati", "Kenanga", "Mawar", "Patriot", "Cendana")
_SHOPS = {
    "kuliner": ("Warung Nasi", "Katering", "Kedai Kopi", "Dapur", "Keripik", "Kue Basah", "Dodol Betawi"),
    "perdagangan": ("Toko", "Toko ATK", "Toko Kelontong", "Grosir"),
    "fashion": ("Konveksi", "Batik", "Butik", "Penjahit"),
    "kerajinan": ("Kerajinan Bambu", "Anyaman", "Souvenir", "Kerajinan Kulit"),
    "jasa": ("Percetakan", "Laundry", "Bengkel", "Jasa Kebersihan", "Sewa Tenda"),
    "konstruksi": ("Toko Bangunan", "Material"),
    "pertanian": ("Tani", "Kebun Sayur", "Ternak Ayam"),
}
_TRADES = {"kuliner": "Pangan", "perdagangan": "Niaga", "fashion": "Tekstil", "kerajinan": "Kriya",
           "jasa": "Jasa Utama", "konstruksi": "Konstruksi", "pertanian": "Agro"}
_COOP_WORDS = {"produsen": "Koperasi Produsen", "konsumen": "Koperasi Konsumen", "pemasaran": "Koperasi Pemasaran",
               "jasa": "Koperasi Jasa", "simpan_pinjam": "Koperasi Simpan Pinjam",
               "serba_usaha": "Koperasi Serba Usaha", "syariah": "Koperasi Syariah",
               "multi_pihak": "Koperasi Multi Pihak"}
# PP 7/2021 Pasal 35 bands, both ends inclusive: capital excl. land and buildings, and annual sales.
_CAPITAL = {"mikro": (10_000_000, 1_000_000_000), "kecil": (1_000_000_001, 5_000_000_000),
            "menengah": (5_000_000_001, 10_000_000_000), "besar": (10_000_000_001, 250_000_000_000)}
_SALES = {"mikro": (30_000_000, 2_000_000_000), "kecil": (2_000_000_001, 15_000_000_000),
          "menengah": (15_000_000_001, 50_000_000_000), "besar": (50_000_000_001, 900_000_000_000)}
_GROWN = {"mikro": "kecil", "kecil": "besar", "menengah": "besar"}
# What becomes of a small supplier in the registry (percent); large ones are "normal" or "unregistered".
_SMALL_FATES = (("unregistered", 6), ("late", 5), ("new", 5), ("reclassified", 6), ("lapsed", 3),
                ("renewed", 2), ("corrected", 1), ("normal", 72))
_LARGE_FATES = (("unregistered", 10), ("corrected", 3), ("normal", 87))

# --- purchases --------------------------------------------------------------------------------------

# (lowest, highest, rounding) in rupiah per channel; a tender is occasionally a very large package.
_AMOUNTS = {"toko_daring": (50_000, 50_000_000, 500), "pengadaan_langsung": (5_000_000, 200_000_000, 1_000),
            "e_katalog": (2_000_000, 500_000_000, 1_000), "tender": (200_000_000, 5_000_000_000, 100_000),
            "kemitraan": (1_000_000, 300_000_000, 1_000), "gerai": (100_000, 50_000_000, 500),
            "other": (50_000, 20_000_000, 500)}
_LARGE_TENDER = (10_000_000_000, 25_000_000_000, 1_000_000)
_SMALLEST_ORDER = 50_000
_ID_PREFIX = {"toko_daring": "TD", "e_katalog": "EKAT", "tender": "TND", "pengadaan_langsung": "PL",
              "kemitraan": "KMT", "gerai": "GRI", "other": "TRX"}
_WITH_LINES = {"toko_daring": 35, "e_katalog": 30, "pengadaan_langsung": 25, "gerai": 20}
# (description, category, lowest unit price, highest unit price, most units)
_ITEMS = {
    "kuliner": (("Nasi kotak rapat", "makanan", 25_000, 45_000, 300),
                ("Snack box rapat", "makanan", 12_000, 25_000, 300),
                ("Air mineral 600 ml (dus isi 24)", "minuman", 40_000, 60_000, 50),
                ("Kopi bubuk lokal 250 g", "minuman", 35_000, 75_000, 40),
                ("Keripik singkong 250 g", "makanan ringan", 15_000, 30_000, 100)),
    "perdagangan": (("Kertas HVS A4 80 g (rim)", "alat tulis kantor", 45_000, 65_000, 200),
                    ("Tinta printer (botol)", "alat tulis kantor", 80_000, 150_000, 40),
                    ("Map plastik (lusin)", "alat tulis kantor", 25_000, 45_000, 50),
                    ("Sabun cuci tangan 5 L", "kebersihan", 60_000, 110_000, 30)),
    "fashion": (("Seragam batik pegawai", "pakaian", 150_000, 350_000, 150),
                ("Kaos sablon acara", "pakaian", 45_000, 90_000, 300),
                ("Tas kain suvenir", "suvenir", 20_000, 45_000, 300)),
    "kerajinan": (("Suvenir anyaman bambu", "suvenir", 25_000, 150_000, 200),
                  ("Plakat kayu ukir", "suvenir", 150_000, 500_000, 30)),
    "jasa": (("Cetak spanduk 3 x 1 m", "percetakan", 75_000, 150_000, 40),
             ("Laundry linen (kg)", "jasa", 8_000, 15_000, 400),
             ("Servis AC split", "jasa", 150_000, 350_000, 40),
             ("Sewa tenda dan kursi (paket)", "jasa", 500_000, 2_500_000, 5)),
    "konstruksi": (("Semen 50 kg (sak)", "bahan bangunan", 60_000, 80_000, 300),
                   ("Perbaikan saluran drainase (m)", "konstruksi", 250_000, 750_000, 120)),
    "pertanian": (("Beras premium 5 kg", "pangan", 65_000, 85_000, 200),
                  ("Bibit tanaman hias", "pertanian", 10_000, 50_000, 300),
                  ("Telur ayam (kg)", "pangan", 26_000, 32_000, 150)),
}
# Government spending is slow early in the fiscal year and rushes in the last quarter.
_MONTHS = tuple(zip(range(1, 13), (4, 5, 7, 8, 8, 8, 8, 9, 9, 10, 11, 13)))
_REVERSAL_REASONS = ("Pesanan dibatalkan", "Barang tidak sesuai spesifikasi", "Retur sebagian barang rusak",
                     "Kelebihan bayar", "Salah input nominal", "Pembatalan paket oleh PPK")
# How many of each kind of record per 10,000 purchase records, and the least of each.
_RATES = {"full": 100, "partial": 100, "over": 20, "duplicate": 75, "conflict": 20, "unknown": 15,
          "schema": 45, "invalid_json": 15}
_MINIMUM = 3


@dataclass(frozen=True)
class _Buyer:
    id: str
    kind: str
    name: str
    region: str
    weight: int  # relative number of purchases
    umkm_share: int  # percent of purchases made from small businesses and cooperatives
    channels: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Supplier:
    id: str
    name: str
    region: str
    district: str | None
    sector: str
    cooperative: str | None
    scale: str
    fate: str


@dataclass(frozen=True)
class _Reg:
    valid_from: date
    valid_to: date | None
    scale: str
    late: bool  # sent after the purchases


@dataclass
class _Booked:
    """A purchase or reversal the generator expects to be applied: what later records refer to."""

    pos: int
    event: dict
    key: bytes
    value: bytes
    amount: int


@dataclass(frozen=True)
class _Slot:
    pos: int
    seq: int
    record: DemoRecord


@dataclass
class _Ctx:
    rng: Random
    year: int
    buyers: list[_Buyer]
    suppliers: dict[str, _Supplier]
    pools: dict[tuple[str, bool], list[str]]  # (region, small?) -> supplier ids, most popular first
    times: list[str] = field(default_factory=list)  # local occurred_at of base purchase i
    next_seq: int = 0
    next_id: int = 0

    def seq(self) -> int:
        self.next_seq += 1
        return self.next_seq

    def event_number(self) -> int:
        self.next_id += 1
        return self.next_id

    def later(self, pos: int) -> int:
        """A position up to about two weeks of purchases after `pos`."""
        span = max(2, len(self.times) // 24)
        return pos + self.rng.randrange(1, span * _STEP)

    def time_at(self, pos: int) -> str:
        return self.times[min(pos // _STEP, len(self.times) - 1)]


def generate(seed: int = 2024, *, purchases: int = 40_000, suppliers: int = 3_000, year: int = 2024) -> DemoData:
    """A year of registrations and `purchases` purchase records (of all kinds) for `suppliers` businesses."""
    if purchases < MIN_PURCHASES or suppliers < MIN_SUPPLIERS:
        raise ValueError(f"need at least {MIN_PURCHASES} purchases and {MIN_SUPPLIERS} suppliers")
    rng = Random(seed)
    population = _population(rng, suppliers)
    early, late = _registrations(rng, population, year)
    ctx = _Ctx(rng, year, _buyers(rng), {s.id: s for s in population}, _pools(rng, population))
    return DemoData(tuple(early), tuple(_purchase_stream(ctx, purchases)), tuple(late))


# --- helpers ----------------------------------------------------------------------------------------


def _pick(rng: Random, weighted: tuple[tuple, ...]):
    names, cumulative = _table(weighted)
    return names[bisect(cumulative, rng.random() * cumulative[-1])]


@cache
def _table(weighted: tuple[tuple, ...]) -> tuple[tuple, tuple[int, ...]]:
    return tuple(name for name, _ in weighted), tuple(accumulate(w for _, w in weighted))


def _percent(rng: Random, pct: int) -> bool:
    return rng.random() * 100 < pct


def _below(rng: Random, n: int) -> int:
    """randrange(n) for times and choices; cheaper, and never used for money."""
    return int(rng.random() * n)


def _dumps(event: dict) -> bytes:
    return orjson.dumps(event)


def _purchase_record(key: bytes, value: bytes, intent: str) -> DemoRecord:
    return DemoRecord(PURCHASES_TOPIC, key, value, intent)


def _rupiah(rng: Random, lo: int, hi: int, step: int) -> int:
    """A whole-rupiah price, uniform over decades so small purchases dominate as in real spend."""
    low, high = rng.choice(_decades(lo, hi, step))
    return rng.randrange(low, high + 1) * step


@cache
def _decades(lo: int, hi: int, step: int) -> tuple[tuple[int, int], ...]:
    """[lo, hi] cut at each tenfold, in multiples of `step`."""
    bands, bottom = [], lo
    while bottom < hi:
        top = min(bottom * 10, hi)
        bands.append((-(-bottom // step), top // step))
        bottom = top
    return tuple(bands)


def _time_of_day(rng: Random, first_minute: int, last_minute: int) -> str:
    minute = first_minute + _below(rng, last_minute - first_minute + 1)
    return f"{minute // 60:02d}:{minute % 60:02d}:{_below(rng, 60):02d}"


def _some_day(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# --- buyers -----------------------------------------------------------------------------------------


def _buyers(rng: Random) -> list[_Buyer]:
    buyers = []
    for region in HOME_REGIONS:
        where = REGIONS[region]
        offices = [(slug, f"{name} {where}") for slug, name in _OPD] + list(_LOCAL_OFFICES[region])
        for slug, name in offices:
            buyers.append(_Buyer(f"opd-{region}-{slug}", "agency", name, region, rng.randint(20, 120),
                                 rng.randint(30, 85), _AGENCY_CHANNELS))
        for slug, name in _COMPANIES[region]:
            # Some companies are far below a 30 percent allocation, some comfortably above.
            buyers.append(_Buyer(f"co-{region}-{slug}", "company", name, region, rng.randint(15, 90),
                                 rng.randint(5, 70), _COMPANY_CHANNELS))
    return buyers


# --- suppliers --------------------------------------------------------------------------------------


def _population(rng: Random, n: int) -> list[_Supplier]:
    ids: set[str] = set()
    population = []
    for number in range(1, n + 1):
        coop = _pick(rng, _COOP_TYPES) if _percent(rng, 15) else None
        scale = _pick(rng, _COOP_SCALES if coop else _BUSINESS_SCALES)
        region = rng.choice(HOME_REGIONS * 6 + _OTHER_REGIONS) if _percent(rng, 90) else rng.choice(_OTHER_REGIONS)
        district = rng.choice(_DISTRICTS[region]) if region in _DISTRICTS else None
        sector = _COOP_SECTOR[coop] if coop else _pick(rng, _SECTORS)
        sid = _supplier_id(rng, ids, region, number, registry=bool(coop) and _percent(rng, 40))
        fate = _pick(rng, _SMALL_FATES if scale != "besar" or coop else _LARGE_FATES)
        name = _supplier_name(rng, sector, scale, coop, district)
        population.append(_Supplier(sid, name, region, district, sector, coop, scale, fate))
    return population


def _is_small(s: _Supplier) -> bool:
    """A small business or a cooperative of any size: what an UMKM-minded buyer picks from."""
    return s.scale != "besar" or s.cooperative is not None


def _supplier_id(rng: Random, taken: set[str], region: str, number: int, *, registry: bool) -> str:
    """A 13-digit NIB, or a cooperative's id in the regional cooperative register."""
    if registry:
        sid = f"KOP-{region}-{number:05d}"
    else:
        sid = rng.choice(("81", "91", "12", "02")) + f"{rng.randrange(10**11):011d}"
        while sid in taken:
            sid = rng.choice(("81", "91", "12", "02")) + f"{rng.randrange(10**11):011d}"
    taken.add(sid)
    return sid


def _supplier_name(rng: Random, sector: str, scale: str, coop: str | None, district: str | None) -> str:
    place = district or "Jabodetabek"
    if coop:
        return f"{_COOP_WORDS[coop]} {rng.choice(_BRANDS)} {place}"
    if scale == "mikro":
        return f"{rng.choice(_SHOPS[sector])} {rng.choice(_OWNERS + _BRANDS)} {place}"
    if scale == "kecil":
        return f"{rng.choice(('CV', 'UD', 'CV'))} {rng.choice(_BRANDS)} {rng.choice(_BRANDS)}"
    form = "PT" if scale == "besar" or _percent(rng, 50) else "CV"
    return f"{form} {rng.choice(_BRANDS)} {_TRADES[sector]} {rng.choice(('Nusantara', 'Indonesia', 'Utama', place))}"


def _plan(rng: Random, s: _Supplier, year: int) -> list[_Reg]:
    """The registrations of one supplier, by what becomes of it during the year."""
    old = _some_day(rng, date(year - 8, 1, 1), date(year - 1, 12, 31))
    mid = _some_day(rng, date(year, 3, 1), date(year, 10, 31))
    first = _Reg(old, None, s.scale, False)
    if s.fate == "unregistered":
        return []
    if s.fate == "late":  # registered long ago on paper, sent to kuota only after the year's purchases
        return [_Reg(_some_day(rng, date(year - 3, 1, 1), date(year, 3, 31)), None, s.scale, True)]
    if s.fate == "new":
        return [_Reg(mid, None, s.scale, False)]
    if s.fate == "reclassified":  # outgrew its class; a fifth of the news arrives late
        return [first, _Reg(mid, None, _GROWN.get(s.scale, "besar"), _percent(rng, 20))]
    if s.fate == "lapsed":
        return [_Reg(old, mid, s.scale, False)]
    if s.fate == "renewed":  # a gap between the lapse and the renewal
        return [_Reg(old, mid, s.scale, False), _Reg(mid + timedelta(days=rng.randint(15, 60)), None, s.scale, False)]
    if s.fate == "corrected":  # same valid_from, sent later: the later registration wins
        return [first, _Reg(old, None, "kecil" if s.scale == "besar" else "besar", True)]
    return [first]


def _size_fields(rng: Random, scale: str) -> dict:
    """Most senders state the class; some give capital or annual sales and leave it to PP 7/2021."""
    how = rng.randrange(100)
    if how < 70:
        return {"scale": scale}
    if how < 85:
        return {"capital": _within(rng, _CAPITAL[scale])}
    if how < 95:
        return {"annual_sales": _within(rng, _SALES[scale])}
    # Both: annual sales decide, whatever class the capital alone would give.
    capital_class = _pick(rng, _BUSINESS_SCALES)
    return {"capital": _within(rng, _CAPITAL[capital_class]), "annual_sales": _within(rng, _SALES[scale])}


def _within(rng: Random, band: tuple[int, int]) -> int:
    """A round amount in the band, or exactly on one of its edges to exercise inclusive bounds."""
    low, high = band
    edge = rng.randrange(20)
    if edge == 0:
        return high
    if edge == 1:
        return low
    return rng.randint(-(-low // 1_000_000), high // 1_000_000) * 1_000_000


def _registration(rng: Random, s: _Supplier, reg: _Reg, number: int, year: int) -> dict:
    profile: dict = {"id": s.id, "name": s.name, "region": s.region}
    if s.district and _percent(rng, 90):
        profile["district"] = s.district
    if _percent(rng, 90):
        profile["sector"] = s.sector
    profile.update(_size_fields(rng, reg.scale))
    if s.cooperative:
        profile["cooperative"] = s.cooperative
    if reg.late:
        sent = _some_day(rng, date(year + 1, 1, 5), date(year + 1, 1, 25))
    else:
        sent = reg.valid_from - timedelta(days=rng.randint(0, 14))
    event = {"type": "supplier.registered", "schema_version": 1, "event_id": f"REG-{s.id}-{number:05d}",
             "occurred_at": f"{sent.isoformat()}T{_time_of_day(rng, 480, 960)}+07:00", "supplier": profile,
             "valid_from": reg.valid_from.isoformat()}
    if reg.valid_to:
        event["valid_to"] = reg.valid_to.isoformat()
    return event


def _registrations(rng: Random, population: list[_Supplier], year: int) -> tuple[list[DemoRecord], list[DemoRecord]]:
    early: list[tuple[str, int, DemoRecord]] = []
    late: list[tuple[str, int, DemoRecord]] = []
    for s in population:
        for reg in _plan(rng, s, year):
            number = len(early) + len(late) + 1
            event = _registration(rng, s, reg, number, year)
            record = DemoRecord(SUPPLIERS_TOPIC, s.id.encode(), _dumps(event), APPLIED)
            (late if reg.late else early).append((event["occurred_at"], number, record))
    early.sort(key=lambda t: t[:2])
    late.sort(key=lambda t: t[:2])
    sent_first = _with_mistakes(rng, population, [r for _, _, r in early], year, len(early) + len(late))
    return sent_first, [r for _, _, r in late]


def _with_mistakes(rng: Random, population: list[_Supplier], records: list[DemoRecord], year: int,
                   numbered: int) -> list[DemoRecord]:
    """Data ganda and incomplete records, as in the aid rounds: exact re-sends, missing fields, broken JSON."""
    slots = [_Slot(i * _STEP, i, r) for i, r in enumerate(records)]
    end, n = len(records) * _STEP, len(population)
    for i in rng.sample(range(len(records)), max(2, n // 100)):
        slots.append(_Slot(i * _STEP + rng.randrange(1, 200 * _STEP), len(slots), _intent(records[i], DUPLICATE)))
    for k in range(max(2, n // 200) * 2 + max(2, n // 300)):
        s = rng.choice(population)
        event = _registration(rng, s, _Reg(date(year, 1, 2), None, s.scale, False), numbered + k + 1, year)
        record = _broken_registration(rng, event, k % 3)
        slots.append(_Slot(rng.randrange(end), len(slots), record))
    slots.sort(key=lambda slot: (slot.pos, slot.seq))
    return [slot.record for slot in slots]


def _broken_registration(rng: Random, event: dict, how: int) -> DemoRecord:
    key = event["supplier"]["id"].encode()
    if how == 0:
        del event["valid_from"]
        return DemoRecord(SUPPLIERS_TOPIC, key, _dumps(event), RejectReason.SCHEMA_VIOLATION.value)
    if how == 1:  # incomplete: neither a class nor the figures to derive one
        for name in ("scale", "capital", "annual_sales"):
            event["supplier"].pop(name, None)
        return DemoRecord(SUPPLIERS_TOPIC, key, _dumps(event), RejectReason.SCHEMA_VIOLATION.value)
    raw = _dumps(event)
    return DemoRecord(SUPPLIERS_TOPIC, key, raw[: rng.randrange(1, len(raw) - 1)], RejectReason.INVALID_JSON.value)


def _intent(record: DemoRecord, intent: str) -> DemoRecord:
    return DemoRecord(record.topic, record.key, record.value, intent)


def _pools(rng: Random, population: list[_Supplier]) -> dict[tuple[str, bool], list[str]]:
    """Suppliers a buyer may pick, per region and size; the order makes a few of them popular."""
    pools: dict[tuple[str, bool], list[str]] = {}
    for region in HOME_REGIONS + _OTHER_REGIONS:
        for small in (True, False):
            ids = [s.id for s in population if s.region == region and _is_small(s) == small]
            rng.shuffle(ids)
            pools[(region, small)] = ids
    return pools


# --- purchases --------------------------------------------------------------------------------------


def _counts(n: int) -> dict[str, int]:
    return {kind: max(_MINIMUM, n * rate // 10_000) for kind, rate in _RATES.items()}


def _purchase_stream(ctx: _Ctx, n: int) -> list[DemoRecord]:
    counts = _counts(n)
    resends = counts["schema"] // 3  # a third of the schema violations are fixed and sent again
    base = _base_purchases(ctx, n - sum(counts.values()) - resends)
    slots = [_Slot(b.pos, ctx.seq(), _purchase_record(b.key, b.value, APPLIED)) for b in base]
    chain_slots, reversals = _reversal_chains(ctx, base, counts)
    slots += chain_slots
    slots += _duplicates(ctx, base, reversals, counts["duplicate"])
    slots += _conflicts(ctx, base, reversals, counts["conflict"])
    slots += _unknown_reversals(ctx, counts["unknown"])
    slots += _schema_violations(ctx, counts["schema"], resends)
    slots += _broken_json(ctx, counts["invalid_json"])
    slots.sort(key=lambda slot: (slot.pos, slot.seq))
    assert len(slots) == n, (len(slots), n)
    return [slot.record for slot in slots]


def _base_purchases(ctx: _Ctx, n: int) -> list[_Booked]:
    rng = ctx.rng
    buyers = rng.choices(ctx.buyers, [b.weight for b in ctx.buyers], k=n)
    moments = sorted((_moment(rng, ctx.year, b), i) for i, b in enumerate(buyers))
    ctx.times = [f"{day.isoformat()}T{clock}+07:00" for (day, clock, _), _ in moments]
    booked = []
    for pos, ((day, clock, in_utc), i) in enumerate(moments):
        when = _as_utc(day, clock) if in_utc else ctx.times[pos]
        event = _purchase(ctx, buyers[i], when, day)
        booked.append(_Booked(pos * _STEP, event, buyers[i].id.encode(), _dumps(event), event["amount"]))
    return booked


def _moment(rng: Random, year: int, buyer: _Buyer) -> tuple[date, str, bool]:
    """Local date and time of a purchase; the bool asks to write it in UTC instead of +07:00."""
    month = _pick(rng, _MONTHS)
    if _percent(rng, 1) and rng.randrange(3) == 0:
        # Just after local midnight on the 1st: in UTC it is still the previous month.
        return date(year, month, 1), _time_of_day(rng, 0, 419), True
    last = calendar.monthrange(year, month)[1]
    day = date(year, month, 1 + _below(rng, last))
    if buyer.kind == "agency":
        while day.weekday() >= 5:  # offices buy on working days
            day = date(year, month, 1 + _below(rng, last))
        return day, _time_of_day(rng, 450, 1019), False
    return day, _time_of_day(rng, 480, 1319), False


def _as_utc(day: date, clock: str) -> str:
    """A local WIB time before 07:00 written in UTC, on the previous calendar day."""
    hour, rest = int(clock[:2]), clock[2:]
    return f"{(day - timedelta(days=1)).isoformat()}T{hour + 17:02d}{rest}Z"


def _purchase(ctx: _Ctx, buyer: _Buyer, when: str, day: date) -> dict:
    rng, number = ctx.rng, ctx.event_number()
    channel = _pick(rng, buyer.channels)
    supplier = ctx.suppliers[_supplier_for(ctx, buyer, channel)]
    buyer_fields = {"id": buyer.id, "kind": buyer.kind, "name": buyer.name, "region": buyer.region}
    if _percent(rng, 10):
        del buyer_fields["name"]  # optional, and some senders leave it out
    event = {"type": "purchase.recorded", "schema_version": 1,
             "event_id": f"{_ID_PREFIX[channel]}-{ctx.year}-{number:07d}", "occurred_at": when,
             "buyer": buyer_fields, "supplier_id": supplier.id}
    lines = _lines(rng, supplier.sector) if _percent(rng, _WITH_LINES.get(channel, 0)) else None
    event.update(amount=_amount(rng, channel, lines), currency="IDR", channel=channel)
    if _percent(rng, 70):
        event["reference"] = _reference(buyer, channel, day, number)
    if lines:
        event["lines"] = lines
    return event


def _supplier_for(ctx: _Ctx, buyer: _Buyer, channel: str) -> str:
    rng = ctx.rng
    small = _percent(rng, buyer.umkm_share) and not (channel == "tender" and _percent(rng, 35))
    region = buyer.region if _percent(rng, 75) else rng.choice(HOME_REGIONS + _OTHER_REGIONS)
    pool = ctx.pools[(region, small)] or ctx.pools[(buyer.region, small)] or ctx.pools[(buyer.region, not small)]
    r = rng.random()
    return pool[int(len(pool) * r * r)]  # squared: the first suppliers of a pool get most orders


def _amount(rng: Random, channel: str, lines: list[dict] | None) -> int:
    if lines:
        return sum(line["quantity"] * line["unit_price"] for line in lines)
    if channel == "tender" and _percent(rng, 3):
        return _rupiah(rng, *_LARGE_TENDER)
    return _rupiah(rng, *_AMOUNTS[channel])


def _lines(rng: Random, sector: str) -> list[dict]:
    lines = []
    for description, category, low, high, most in rng.sample(_ITEMS[sector], rng.randint(1, len(_ITEMS[sector]))):
        lines.append({"description": description, "category": category, "quantity": rng.randint(1, most),
                      "unit_price": rng.randrange(low, high + 1, 500)})
    short = _SMALLEST_ORDER - sum(line["quantity"] * line["unit_price"] for line in lines)
    if short > 0:  # nobody files an order for one kilo of laundry: top up to the smallest order
        lines[0]["quantity"] += -(-short // lines[0]["unit_price"])
    return lines


def _reference(buyer: _Buyer, channel: str, day: date, number: int) -> str:
    if buyer.kind == "agency":
        return f"{_ID_PREFIX[channel]}/{day.year}/{day.month:02d}/{number:06d}"
    return f"PO-{day.year}{day.month:02d}-{number:06d}"


# --- refunds and cancellations ----------------------------------------------------------------------


def _chain_plan(counts: dict[str, int]) -> list[tuple[str, ...]]:
    """Sequences of reversals per purchase, adding up to the wanted number of each step."""
    over_alone = counts["over"] // 3
    over_after_full = counts["over"] // 3
    over_after_partial = counts["over"] - over_alone - over_after_full
    full, partial = counts["full"] - over_after_full, counts["partial"] - over_after_partial
    both = min(full, partial) // 4  # partial refund, then the rest cancelled
    return ([("over",)] * over_alone + [("full", "over")] * over_after_full
            + [("partial", "over")] * over_after_partial + [("partial", "full")] * both
            + [("full",)] * (full - both) + [("partial",)] * (partial - both))


def _reversal_chains(ctx: _Ctx, base: list[_Booked], counts: dict[str, int]) -> tuple[list[_Slot], list[_Booked]]:
    plan = _chain_plan(counts)
    slots, applied = [], []
    for steps, original in zip(plan, ctx.rng.sample(base, len(plan))):
        pos, remaining = original.pos, original.amount
        for step in steps:
            pos = ctx.later(pos)
            amount, intent = _reversal_amount(ctx.rng, step, original.amount, remaining)
            event = _reversal(ctx, original.event["event_id"], ctx.time_at(pos), amount)
            value = _dumps(event)
            slots.append(_Slot(pos, ctx.seq(), _purchase_record(original.key, value, intent)))
            if intent == APPLIED:
                taken = remaining if amount is None else amount
                remaining -= taken
                applied.append(_Booked(pos, event, original.key, value, taken))
    return slots, applied


def _reversal_amount(rng: Random, step: str, original: int, remaining: int) -> tuple[int | None, str]:
    """The amount field of one reversal (None: all that remains) and what it should come to."""
    if step == "full":
        return (remaining if _percent(rng, 33) else None), APPLIED
    if step == "partial":  # a part, in tenths, rounded to Rp 500
        return max(1, remaining * rng.randint(1, 9) // 10 // 500 * 500), APPLIED
    if remaining == 0:
        return (None if _percent(rng, 50) else rng.choice((500, original))), RejectReason.OVER_REVERSAL.value
    return remaining + rng.choice((1, 500, remaining // 2 + 1, original)), RejectReason.OVER_REVERSAL.value


def _reversal(ctx: _Ctx, reverses: str, when: str, amount: int | None) -> dict:
    event = {"type": "purchase.reversed", "schema_version": 1,
             "event_id": f"RV-{ctx.year}-{ctx.event_number():07d}", "occurred_at": when, "reverses": reverses}
    if amount is not None:
        event["amount"] = amount
    if _percent(ctx.rng, 80):
        event["reason"] = ctx.rng.choice(_REVERSAL_REASONS)
    return event


def _unknown_reversals(ctx: _Ctx, n: int) -> list[_Slot]:
    """Reversals of last year's purchases that never reached kuota."""
    slots = []
    for _ in range(n):
        buyer, pos = ctx.rng.choice(ctx.buyers), ctx.rng.randrange(len(ctx.times) * _STEP)
        reverses = f"TD-{ctx.year - 1}-{ctx.rng.randrange(10**7):07d}"
        amount = _rupiah(ctx.rng, *_AMOUNTS["toko_daring"]) if _percent(ctx.rng, 50) else None
        value = _dumps(_reversal(ctx, reverses, ctx.time_at(pos), amount))
        record = _purchase_record(buyer.id.encode(), value, RejectReason.UNKNOWN_REVERSAL.value)
        slots.append(_Slot(pos, ctx.seq(), record))
    return slots


# --- re-sends and broken records ---------------------------------------------------------------------


def _originals(ctx: _Ctx, base: list[_Booked], reversals: list[_Booked], n: int) -> list[_Booked]:
    """Mostly purchases, some reversals: senders retry both."""
    from_reversals = min(len(reversals), n // 8)
    return ctx.rng.sample(base, n - from_reversals) + ctx.rng.sample(reversals, from_reversals)


def _duplicates(ctx: _Ctx, base: list[_Booked], reversals: list[_Booked], n: int) -> list[_Slot]:
    slots = []
    for original in _originals(ctx, base, reversals, n):
        value = original.value
        if _percent(ctx.rng, 30):  # same content, other key order and layout: still the same event
            value = orjson.dumps(dict(reversed(original.event.items())), option=orjson.OPT_INDENT_2)
        slots.append(_Slot(ctx.later(original.pos), ctx.seq(), _purchase_record(original.key, value, DUPLICATE)))
    return slots


def _conflicts(ctx: _Ctx, base: list[_Booked], reversals: list[_Booked], n: int) -> list[_Slot]:
    """The same event_id sent again with other content, e.g. a price "corrected" in place."""
    slots = []
    for original in _originals(ctx, base, reversals, n):
        event = dict(original.event)
        if event["type"] == "purchase.recorded":
            event.pop("lines", None)  # lines would no longer add up
            event["amount"] = original.amount + original.amount // 10 + 500
        else:
            event["reason"] = "Koreksi: " + event.get("reason", "pembatalan")
        value = _dumps(event)
        slots.append(_Slot(ctx.later(original.pos), ctx.seq(),
                           _purchase_record(original.key, value, RejectReason.CONFLICTING_DUPLICATE.value)))
    return slots


def _fresh_purchase(ctx: _Ctx) -> tuple[int, _Buyer, dict]:
    """A purchase that is not one of the base purchases, at a random place in the stream."""
    buyer, pos = ctx.rng.choice(ctx.buyers), ctx.rng.randrange(len(ctx.times) * _STEP)
    when = ctx.time_at(pos)
    return pos, buyer, _purchase(ctx, buyer, when, date.fromisoformat(when[:10]))


def _schema_violations(ctx: _Ctx, n: int, resends: int) -> list[_Slot]:
    """Float and string amounts and missing fields; some are fixed and sent again with the same id."""
    slots = []
    for k in range(n):
        pos, buyer, event = _fresh_purchase(ctx)
        key = buyer.id.encode()
        value = _violate(ctx.rng, event, k % 3)
        slots.append(_Slot(pos, ctx.seq(), _purchase_record(key, value, RejectReason.SCHEMA_VIOLATION.value)))
        if k < resends:
            slots.append(_Slot(ctx.later(pos), ctx.seq(), _purchase_record(key, _dumps(event), APPLIED)))
    return slots


def _violate(rng: Random, event: dict, how: int) -> bytes:
    # Edited as text, so no float ever holds a rupiah amount in this program.
    good = _dumps(event)
    amount = b'"amount":%d' % event["amount"]
    if how == 0:
        return good.replace(amount, amount + rng.choice((b".0", b".5", b".25")), 1)
    if how == 1:
        return good.replace(amount, b'"amount":"%d"' % event["amount"], 1)
    broken = dict(event)
    del broken[rng.choice(("currency", "channel", "supplier_id", "amount", "occurred_at", "buyer"))]
    return _dumps(broken)


def _broken_json(ctx: _Ctx, n: int) -> list[_Slot]:
    slots = []
    for k in range(n):
        pos, buyer, event = _fresh_purchase(ctx)
        slots.append(_Slot(pos, ctx.seq(), _purchase_record(buyer.id.encode(), _break(ctx.rng, _dumps(event), k % 4),
                                                            RejectReason.INVALID_JSON.value)))
    return slots


def _break(rng: Random, raw: bytes, how: int) -> bytes:
    if how == 0:  # cut off in transit
        return raw[: rng.randrange(1, len(raw) - 1)]
    if how == 1:  # a hand-edited export
        return raw[:-1] + b",}"
    if how == 2:  # Latin-1 from an old desktop application, not UTF-8
        return raw.replace(b'"currency":"IDR"', b'"currency":"IDR","note":"Caf\xe9"', 1)
    return raw + raw  # two records glued together
