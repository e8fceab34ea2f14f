"""The registry's read side on SQLite and PostgreSQL: registrations about to end with who buys from
those suppliers, plausibility flags on a year's spend, and the registry's profile."""

import itertools
import json
import os
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.reports.registry import expiring, flags, profile
from tests import factories
from tests.integration.helpers import kuota, sqlite_ledger

PURCHASES, SUPPLIERS = "kuota.purchases.v1", "kuota.suppliers.v1"
M = 1_000_000
TODAY = date(2024, 6, 1)
CAPS = {"toko_daring": 50 * M, "pengadaan_langsung": 200 * M}
DINKES, DISDIK = "opd-3216-dinkes", "opd-3216-disdik"
NPWP = "012345678431000"  # stated by the supplier whose registration ends soon; a source pays it under this


def reg(n: int, supplier: str, scale: str, *, valid_to: str | None = None, **profile) -> dict:
    extra = {"valid_to": valid_to} if valid_to else {}
    return factories.registration(f"reg-{n:08d}", supplier, scale, name=f"Usaha {supplier}", profile=profile, **extra)


def buy(n: int, amount: int, supplier: str, *, buyer=DINKES, at="2024-03-05T10:00:00+07:00", channel="tender",
        **fields) -> dict:
    return factories.purchase(f"evt-{n:08d}", amount, buyer=buyer, supplier=supplier, at=at, channel=channel,
                              buyer_name=f"Dinas {buyer[-6:]}", **fields)


class Books:
    def __init__(self, url):
        self.recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
        self.offsets = {t: itertools.count() for t in (PURCHASES, SUPPLIERS)}

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets[topic]), json.dumps(v).encode()) for v in values]
        book = self.recorder.book_purchases if topic == PURCHASES else self.recorder.register_suppliers
        return book(records)

    def read(self, report, **args):
        with Session(self.recorder.engine) as session:
            return report(session, **args)


@pytest.fixture
def books(ledger_url):
    return booked(ledger_url)


def booked(url: str) -> Books:
    b = Books(url)
    b.send(SUPPLIERS,
           reg(1, "sup-mikro-besar-omzet", "mikro", district="Cikarang Utara", sector="kuliner"),
           reg(2, "sup-segera-berakhir", "kecil", valid_to="2024-06-21", district="Tambun Selatan",
               identifiers={"npwp": NPWP}),
           reg(3, "sup-masih-lama", "kecil", valid_to="2025-03-28", district="Tambun Selatan", sector="kuliner"),
           reg(4, "sup-bersih", "mikro", district="Cikarang Utara", cooperative="produsen"),
           reg(5, "sup-pecah", "mikro", district="Cibitung"),
           reg(6, "sup-pt-besar", "besar", region="3275"))
    b.send(PURCHASES,
           buy(1, 1_500 * M, "sup-mikro-besar-omzet"), buy(2, 1_500 * M, "sup-mikro-besar-omzet", buyer=DISDIK),
           buy(3, 10 * M, "sup-segera-berakhir"), buy(4, 5 * M, f"npwp:{NPWP}", buyer=DISDIK),
           buy(5, 7 * M, "sup-segera-berakhir", at="2023-11-05T10:00:00+07:00"),  # last year: not this year's buyers
           buy(6, 10 * M, "sup-masih-lama"),
           buy(7, 100 * M, "sup-bersih"), buy(8, 30 * M, "sup-bersih", channel="toko_daring"),
           buy(9, 30 * M, "sup-bersih", channel="toko_daring"),  # two on one day: ordinary
           *(buy(10 + i, 20 * M, "sup-pecah", channel="toko_daring", at="2024-04-02T09:00:00+07:00")
             for i in range(3)),
           buy(20, 400 * M, "sup-pt-besar", declared_umk_amount=400 * M),
           buy(21, 300 * M, "sup-pt-besar", declared_umk_amount=0))
    return b


def test_a_registration_ending_within_the_window_is_listed_with_its_buyers_this_year(books):
    (soon,) = books.read(expiring, within=30, today=TODAY)
    assert (soon.supplier_id, soon.valid_to, soon.days_left, soon.scale, soon.district) == (
        "sup-segera-berakhir", date(2024, 6, 21), 20, "kecil", "Tambun Selatan")
    # The purchase made under its NPWP counts for it; last year's does not show.
    assert [(b.buyer_id, b.amount) for b in soon.buyers] == [(DINKES, 10 * M), (DISDIK, 5 * M)]
    assert soon.received == 15 * M


def test_one_ending_in_300_days_is_not_in_a_30_day_window_but_is_in_a_longer_one(books):
    assert "sup-masih-lama" not in {x.supplier_id for x in books.read(expiring, within=30, today=TODAY)}
    assert [x.supplier_id for x in books.read(expiring, within=300, today=TODAY)] == [
        "sup-segera-berakhir", "sup-masih-lama"]
    assert books.read(expiring, within=30, today=TODAY, region="3275") == []


def test_a_registration_already_ended_or_replaced_is_not_expiring(books):
    assert books.read(expiring, within=30, today=date(2024, 6, 22)) == []
    books.send(SUPPLIERS, factories.registration("reg-00000099", "sup-segera-berakhir", "kecil",
                                                 valid_from="2024-05-01", name="Usaha sup-segera-berakhir"))
    assert books.read(expiring, within=30, today=TODAY) == []


def test_a_mikro_supplier_paid_3_miliar_this_year_is_over_its_ceiling(books):
    over = [f for f in books.read(flags, year=2024, caps=CAPS) if f.kind == "over_ceiling"]
    assert [(f.supplier_id, f.scale, f.amount, f.limit, f.event_ids) for f in over] == [
        ("sup-mikro-besar-omzet", "mikro", 3_000 * M, 2_000 * M, ("evt-00000001", "evt-00000002"))]
    assert (over[0].supplier_name, over[0].buyers) == ("Usaha sup-mikro-besar-omzet", (DINKES, DISDIK))
    assert books.read(flags, year=2023, caps=CAPS) == []


def test_a_reversal_bringing_it_under_the_ceiling_clears_the_flag(books):
    books.send(PURCHASES, factories.reversal("rev-00000001", "evt-00000002", 1_000 * M))
    assert "over_ceiling" not in {f.kind for f in books.read(flags, year=2024, caps=CAPS)}


def test_three_same_day_purchases_past_the_toko_daring_cap_are_a_possible_split(books):
    (split,) = [f for f in books.read(flags, year=2024, caps=CAPS) if f.kind == "possible_split"]
    assert (split.supplier_id, split.buyer_id, split.booked_on, split.channel, split.amount, split.limit) == (
        "sup-pecah", DINKES, date(2024, 4, 2), "toko_daring", 60 * M, 50 * M)
    assert split.event_ids == ("evt-00000010", "evt-00000011", "evt-00000012")
    assert [f for f in books.read(flags, year=2024, caps={"toko_daring": 60 * M}) if f.kind == "possible_split"] == []


def test_umk_credit_given_to_a_large_supplier_is_flagged_per_purchase(books):
    (credit,) = [f for f in books.read(flags, year=2024, caps=CAPS) if f.kind == "declared_umk_but_besar"]
    assert (credit.supplier_id, credit.scale, credit.amount, credit.event_ids, credit.buyer_id) == (
        "sup-pt-besar", "besar", 400 * M, ("evt-00000020",), DINKES)


def test_a_clean_supplier_is_in_neither(books):
    found = books.read(flags, year=2024, caps=CAPS)
    assert {f.kind for f in found} == {"over_ceiling", "possible_split", "declared_umk_but_besar"}
    assert "sup-bersih" not in {f.supplier_id for f in found}
    assert "sup-bersih" not in {x.supplier_id for x in books.read(expiring, within=366, today=TODAY)}


def test_the_profile_counts_each_supplier_once_by_its_latest_registration(books):
    p = books.read(profile)
    assert p.suppliers == 6
    assert dict(p.by_class) == {"mikro": 3, "kecil": 2, "besar": 1}
    assert dict(p.by_district) == {"Cikarang Utara": 2, "Tambun Selatan": 2, "Cibitung": 1, None: 1}
    assert dict(p.by_sector) == {"kuliner": 2, None: 4} and dict(p.by_cooperative) == {"produsen": 1, None: 5}
    assert books.read(profile, region="3275").by_class == (("besar", 1),)


def test_the_officers_commands_give_the_same_rows_in_json_and_xlsx(tmp_path):
    booked(url := sqlite_ledger(tmp_path))  # the commands read as the reports do: one backend is enough here
    env = dict(os.environ, KUOTA_DATABASE_URL=url, KUOTA_DATA_DIR=str(tmp_path))
    rows = json.loads(kuota(env, "report", "expiring", "--within", "30", "--as-of", "2024-06-01", "-f", "json").stdout)
    assert [(r["supplier_id"], r["days_left"], r["received"]) for r in rows] == [("sup-segera-berakhir", 20, 15 * M)]
    assert [b["buyer_id"] for b in rows[0]["buyers"]] == [DINKES, DISDIK]
    kuota(env, "report", "flags", "--year", "2024", "-f", "xlsx", "-o", str(tmp_path / "flags.xlsx"), "--lang", "en")
    data = load_workbook(tmp_path / "flags.xlsx")["Data"]
    flagged = [(r[0], r[1]) for r in data.iter_rows(min_row=2, values_only=True)]
    assert flagged == [("received more than its class's sales ceiling", "sup-mikro-besar-omzet"),
                       ("possible split purchase", "sup-pecah"),
                       ("declared UMK, supplier registered large", "sup-pt-besar")]
    table = kuota(env, "report", "expiring", "--within", "300", "--as-of", "2024-06-01").stdout
    assert "sup-masih-lama" in table and "Rp 10.000.000" in table
    wrong = kuota(env, "report", "expiring", "--as-of", "2024-13-01", check=False)
    assert wrong.returncode != 0 and "--as-of '2024-13-01'" in wrong.stderr + wrong.stdout
    assert "Traceback" not in wrong.stderr
