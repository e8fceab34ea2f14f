"""The demo's base purchases: when each buyer buys, from whom, through which channel, for how
much and with which lines, and `Ctx`, the state the purchase stream is built in (shared with the
reversals and the mistakes that refer back to these purchases)."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from streams.tools.demo_data.draw import below, percent, pick, rupiah, time_of_day
from streams.tools.demo_data.places import HOME_REGIONS, OTHER_REGIONS, DemoBuyer
from streams.tools.demo_data.records import STEP, Booked, dumps
from streams.tools.demo_data.suppliers import DemoSupplier

# (lowest, highest, rounding) in rupiah per channel; a tender is occasionally a very large package.
AMOUNTS = {"toko_daring": (50_000, 50_000_000, 500), "pengadaan_langsung": (5_000_000, 200_000_000, 1_000),
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


@dataclass
class Ctx:
    rng: Random
    year: int
    until: date | None  # the last day purchases may fall on (today, for the current year)
    buyers: list[DemoBuyer]
    suppliers: dict[str, DemoSupplier]
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
        return pos + self.rng.randrange(1, span * STEP)

    def time_at(self, pos: int) -> str:
        return self.times[min(pos // STEP, len(self.times) - 1)]


def base_purchases(ctx: Ctx, n: int) -> list[Booked]:
    """`n` valid purchases in time order; sets `ctx.times`, which places every later record."""
    rng = ctx.rng
    buyers = rng.choices(ctx.buyers, [b.weight for b in ctx.buyers], k=n)
    months = _months_until(ctx.year, ctx.until)
    moments = sorted((_moment(rng, ctx.year, b, months, ctx.until), i) for i, b in enumerate(buyers))
    ctx.times = [f"{day.isoformat()}T{clock}+07:00" for (day, clock, _), _ in moments]
    booked = []
    for pos, ((day, clock, in_utc), i) in enumerate(moments):
        when = _as_utc(day, clock) if in_utc else ctx.times[pos]
        event = purchase(ctx, buyers[i], when, day)
        booked.append(Booked(pos * STEP, event, buyers[i].id.encode(), dumps(event), event["amount"]))
    return booked


def _months_until(year: int, until: date | None) -> tuple[tuple[int, int], ...]:
    """The weighted months purchases fall in: all twelve, or those that have begun by `until`
    with a working week in them (so an office has a day to buy on)."""
    if until is None or until.year > year:
        return _MONTHS
    months = tuple((m, w) for m, w in _MONTHS if m < until.month or (m == until.month and until.day >= 7))
    if not months:
        raise ValueError(f"no purchase can fall in {year} before {until.isoformat()}")
    return months


def _moment(rng: Random, year: int, buyer: DemoBuyer, months=_MONTHS,
            until: date | None = None) -> tuple[date, str, bool]:
    """Local date and time of a purchase; the bool asks to write it in UTC instead of +07:00."""
    month = pick(rng, months)
    if percent(rng, 1) and rng.randrange(3) == 0:
        # Just after local midnight on the 1st: in UTC it is still the previous month.
        return date(year, month, 1), time_of_day(rng, 0, 419), True
    last = calendar.monthrange(year, month)[1]
    if until is not None and (until.year, until.month) == (year, month):
        last = until.day
    day = date(year, month, 1 + below(rng, last))
    if buyer.kind == "agency":
        while day.weekday() >= 5:  # offices buy on working days
            day = date(year, month, 1 + below(rng, last))
        return day, time_of_day(rng, 450, 1019), False
    return day, time_of_day(rng, 480, 1319), False


def _as_utc(day: date, clock: str) -> str:
    """A local WIB time before 07:00 written in UTC, on the previous calendar day."""
    hour, rest = int(clock[:2]), clock[2:]
    return f"{(day - timedelta(days=1)).isoformat()}T{hour + 17:02d}{rest}Z"


def purchase(ctx: Ctx, buyer: DemoBuyer, when: str, day: date) -> dict:
    """One purchase.recorded event by `buyer` at `when`, with a new event id."""
    rng, number = ctx.rng, ctx.event_number()
    channel = pick(rng, buyer.channels)
    supplier = ctx.suppliers[_supplier_for(ctx, buyer, channel)]
    buyer_fields = {"id": buyer.id, "kind": buyer.kind, "name": buyer.name, "region": buyer.region}
    if percent(rng, 10):
        del buyer_fields["name"]  # optional, and some senders leave it out
    event = {"type": "purchase.recorded", "schema_version": 1,
             "event_id": f"{_ID_PREFIX[channel]}-{ctx.year}-{number:07d}", "occurred_at": when,
             "buyer": buyer_fields, "supplier_id": supplier.id}
    lines = _lines(rng, supplier.sector) if percent(rng, _WITH_LINES.get(channel, 0)) else None
    event.update(amount=_amount(rng, channel, lines), currency="IDR", channel=channel)
    if percent(rng, 70):
        event["reference"] = _reference(buyer, channel, day, number)
    if lines:
        event["lines"] = lines
    return event


def _supplier_for(ctx: Ctx, buyer: DemoBuyer, channel: str) -> str:
    rng = ctx.rng
    small = percent(rng, buyer.umkm_share) and not (channel == "tender" and percent(rng, 35))
    region = buyer.region if percent(rng, 75) else rng.choice(HOME_REGIONS + OTHER_REGIONS)
    pool = ctx.pools[(region, small)] or ctx.pools[(buyer.region, small)] or ctx.pools[(buyer.region, not small)]
    r = rng.random()
    return pool[int(len(pool) * r * r)]  # squared: the first suppliers of a pool get most orders


def _amount(rng: Random, channel: str, lines: list[dict] | None) -> int:
    if lines:
        return sum(line["quantity"] * line["unit_price"] for line in lines)
    if channel == "tender" and percent(rng, 3):
        return rupiah(rng, *_LARGE_TENDER)
    return rupiah(rng, *AMOUNTS[channel])


def _lines(rng: Random, sector: str) -> list[dict]:
    lines = []
    for description, category, low, high, most in rng.sample(_ITEMS[sector], rng.randint(1, len(_ITEMS[sector]))):
        lines.append({"description": description, "category": category, "quantity": rng.randint(1, most),
                      "unit_price": rng.randrange(low, high + 1, 500)})
    short = _SMALLEST_ORDER - sum(line["quantity"] * line["unit_price"] for line in lines)
    if short > 0:  # nobody files an order for one kilo of laundry: top up to the smallest order
        lines[0]["quantity"] += -(-short // lines[0]["unit_price"])
    return lines


def _reference(buyer: DemoBuyer, channel: str, day: date, number: int) -> str:
    if buyer.kind == "agency":
        return f"{_ID_PREFIX[channel]}/{day.year}/{day.month:02d}/{number:06d}"
    return f"PO-{day.year}{day.month:02d}-{number:06d}"
