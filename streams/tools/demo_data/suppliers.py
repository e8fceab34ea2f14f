"""The demo's suppliers and their registrations: who they are, what becomes of each in the registry
during the year (new, late, reclassified, lapsed, renewed, corrected), the registration events, the
mistakes senders make with them (re-sends, incomplete and broken records), and the pools buyers
pick suppliers from."""

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from schemas.codes import RejectReason
from streams.tools.demo_data.draw import percent, pick, some_day, time_of_day
from streams.tools.demo_data.places import DISTRICTS, HOME_REGIONS, OTHER_REGIONS
from streams.tools.demo_data.records import (APPLIED, DUPLICATE, STEP, SUPPLIERS_TOPIC, DemoRecord, Slot, dumps,
                                             with_intent)

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


@dataclass(frozen=True)
class DemoSupplier:
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


def populate(rng: Random, n: int) -> list[DemoSupplier]:
    """`n` suppliers: businesses and cooperatives, mostly from the home regions, each with its fate."""
    ids: set[str] = set()
    population = []
    for number in range(1, n + 1):
        coop = pick(rng, _COOP_TYPES) if percent(rng, 15) else None
        scale = pick(rng, _COOP_SCALES if coop else _BUSINESS_SCALES)
        region = rng.choice(HOME_REGIONS * 6 + OTHER_REGIONS) if percent(rng, 90) else rng.choice(OTHER_REGIONS)
        district = rng.choice(DISTRICTS[region]) if region in DISTRICTS else None
        sector = _COOP_SECTOR[coop] if coop else pick(rng, _SECTORS)
        sid = _supplier_id(rng, ids, region, number, registry=bool(coop) and percent(rng, 40))
        fate = pick(rng, _SMALL_FATES if scale != "besar" or coop else _LARGE_FATES)
        name = _supplier_name(rng, sector, scale, coop, district)
        population.append(DemoSupplier(sid, name, region, district, sector, coop, scale, fate))
    return population


def _is_small(s: DemoSupplier) -> bool:
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
    form = "PT" if scale == "besar" or percent(rng, 50) else "CV"
    return f"{form} {rng.choice(_BRANDS)} {_TRADES[sector]} {rng.choice(('Nusantara', 'Indonesia', 'Utama', place))}"


def _plan(rng: Random, s: DemoSupplier, year: int) -> list[_Reg]:
    """The registrations of one supplier, by what becomes of it during the year."""
    old = some_day(rng, date(year - 8, 1, 1), date(year - 1, 12, 31))
    mid = some_day(rng, date(year, 3, 1), date(year, 10, 31))
    first = _Reg(old, None, s.scale, False)
    if s.fate == "unregistered":
        return []
    if s.fate == "late":  # registered long ago on paper, sent to kuota only after the year's purchases
        return [_Reg(some_day(rng, date(year - 3, 1, 1), date(year, 3, 31)), None, s.scale, True)]
    if s.fate == "new":
        return [_Reg(mid, None, s.scale, False)]
    if s.fate == "reclassified":  # outgrew its class; a fifth of the news arrives late
        return [first, _Reg(mid, None, _GROWN.get(s.scale, "besar"), percent(rng, 20))]
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
    capital_class = pick(rng, _BUSINESS_SCALES)
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


def _registration(rng: Random, s: DemoSupplier, reg: _Reg, number: int, year: int) -> dict:
    profile: dict = {"id": s.id, "name": s.name, "region": s.region}
    if s.district and percent(rng, 90):
        profile["district"] = s.district
    if percent(rng, 90):
        profile["sector"] = s.sector
    profile.update(_size_fields(rng, reg.scale))
    if s.cooperative:
        profile["cooperative"] = s.cooperative
    if reg.late:
        sent = some_day(rng, date(year + 1, 1, 5), date(year + 1, 1, 25))
    else:
        sent = reg.valid_from - timedelta(days=rng.randint(0, 14))
    event = {"type": "supplier.registered", "schema_version": 1, "event_id": f"REG-{s.id}-{number:05d}",
             "occurred_at": f"{sent.isoformat()}T{time_of_day(rng, 480, 960)}+07:00", "supplier": profile,
             "valid_from": reg.valid_from.isoformat()}
    if reg.valid_to:
        event["valid_to"] = reg.valid_to.isoformat()
    return event


def registrations(rng: Random, population: list[DemoSupplier], year: int) -> tuple[list[DemoRecord], list[DemoRecord]]:
    """(sent before the purchases, with the registry's mistakes mixed in; sent after them)."""
    early: list[tuple[str, int, DemoRecord]] = []
    late: list[tuple[str, int, DemoRecord]] = []
    for s in population:
        for reg in _plan(rng, s, year):
            number = len(early) + len(late) + 1
            event = _registration(rng, s, reg, number, year)
            record = DemoRecord(SUPPLIERS_TOPIC, s.id.encode(), dumps(event), APPLIED)
            (late if reg.late else early).append((event["occurred_at"], number, record))
    early.sort(key=lambda t: t[:2])
    late.sort(key=lambda t: t[:2])
    sent_first = _with_mistakes(rng, population, [r for _, _, r in early], year, len(early) + len(late))
    return sent_first, [r for _, _, r in late]


def _with_mistakes(rng: Random, population: list[DemoSupplier], records: list[DemoRecord], year: int,
                   numbered: int) -> list[DemoRecord]:
    """Data ganda and incomplete records, as in the aid rounds: exact re-sends, missing fields, broken JSON."""
    slots = [Slot(i * STEP, i, r) for i, r in enumerate(records)]
    end, n = len(records) * STEP, len(population)
    for i in rng.sample(range(len(records)), max(2, n // 100)):
        slots.append(Slot(i * STEP + rng.randrange(1, 200 * STEP), len(slots), with_intent(records[i], DUPLICATE)))
    for k in range(max(2, n // 200) * 2 + max(2, n // 300)):
        s = rng.choice(population)
        event = _registration(rng, s, _Reg(date(year, 1, 2), None, s.scale, False), numbered + k + 1, year)
        record = _broken_registration(rng, event, k % 3)
        slots.append(Slot(rng.randrange(end), len(slots), record))
    slots.sort(key=lambda slot: (slot.pos, slot.seq))
    return [slot.record for slot in slots]


def _broken_registration(rng: Random, event: dict, how: int) -> DemoRecord:
    key = event["supplier"]["id"].encode()
    if how == 0:
        del event["valid_from"]
        return DemoRecord(SUPPLIERS_TOPIC, key, dumps(event), RejectReason.SCHEMA_VIOLATION.value)
    if how == 1:  # incomplete: neither a class nor the figures to derive one
        for name in ("scale", "capital", "annual_sales"):
            event["supplier"].pop(name, None)
        return DemoRecord(SUPPLIERS_TOPIC, key, dumps(event), RejectReason.SCHEMA_VIOLATION.value)
    raw = dumps(event)
    return DemoRecord(SUPPLIERS_TOPIC, key, raw[: rng.randrange(1, len(raw) - 1)], RejectReason.INVALID_JSON.value)


def supplier_pools(rng: Random, population: list[DemoSupplier]) -> dict[tuple[str, bool], list[str]]:
    """Suppliers a buyer may pick, per region and size; the order makes a few of them popular."""
    pools: dict[tuple[str, bool], list[str]] = {}
    for region in HOME_REGIONS + OTHER_REGIONS:
        for small in (True, False):
            ids = [s.id for s in population if s.region == region and _is_small(s) == small]
            rng.shuffle(ids)
            pools[(region, small)] = ids
    return pools
