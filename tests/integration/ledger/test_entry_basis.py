"""Each entry of a buyer says what its supplier's class rests on, on both databases: the registry,
LKPP's supplier profile, the source's declaration, or nothing known; the spend report shows how
much of the spend the registry could class beside the declared measure."""

import itertools
import json

from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.reports.buyers import buyer_detail
from ledger.reports.scope import Scope
from ledger.reports.spend import spend
from tests import factories

PURCHASES, SUPPLIERS = "kuota.purchases.v1", "kuota.suppliers.v1"
DINAS = "D197-1.03.0.00.0.00.01.0000"


def contract(n: int, amount: int, supplier: str, declared: int | None = None) -> dict:
    extra = {} if declared is None else {"declared_umk_amount": declared}
    return factories.purchase(f"spse:{n:08d}", amount, buyer=DINAS, region="6100", supplier=supplier,
                              at="2025-06-05T12:00:00+07:00", channel="tender", **extra)


def test_each_entry_says_what_its_class_rests_on(ledger_url):
    recorder = Recorder(make_engine(ledger_url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
    offsets = itertools.count()

    def send(topic, *events):
        records = [Record(topic, 0, next(offsets), json.dumps(e).encode()) for e in events]
        (recorder.book_purchases if topic == PURCHASES else recorder.register_suppliers)(records)

    send(SUPPLIERS, factories.registration("reg-00000001", "npwp:0001", "kecil", region="6100", valid_from="2025-01-01"),
         factories.registration("ekatalog-penyedia:0000000002", "sikap:0002", "mikro", region="6100",
                                valid_from="2025-01-01"))
    send(PURCHASES, contract(1, 100_000, "npwp:0001"), contract(2, 200_000, "sikap:0002"),
         contract(3, 300_000, "npwp:0003", declared=300_000), contract(4, 400_000, "npwp:0004"))
    with Session(recorder.engine) as session:
        scope = Scope(session)
        bases = {e.event_id: (e.basis, e.declared_umk) for e in buyer_detail(scope, DINAS).entries}
        [line] = spend(scope, "year")
    assert bases == {"spse:00000001": ("registry", None), "spse:00000002": ("lkpp_profile", None),
                     "spse:00000003": ("declaration", 300_000), "spse:00000004": ("unknown", None)}
    assert (line.total, line.eligible, line.declared, line.registered, line.coverage_bp) == (
        1_000_000, 300_000, 300_000, 300_000, 3_000)
    assert line.rests_on == {"registry": 300_000, "declaration": 300_000, "unknown": 400_000}
    recorder.engine.dispose()
