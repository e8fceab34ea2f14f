"""An overview with no line says why, and what to do: a region whose purchases no program judges
is named with the command that brings the national rule in; once its budgets are in, the
national rule judges it on the declared measure, the verified one and the coverage beside it."""

import io
import itertools
import json

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.outbox import alert_message
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.models import Alert
from streams.officers.terminal import build, show
from tests import factories

PURCHASES, TARGETS = "kuota.purchases.v1", "kuota.targets.v1"
UNIT = "D107-4.01.0.00.0.00.24.0000"


def said(url: str, lang: str = "id", **filters) -> str:
    with Session(make_engine(url)) as session:
        report = build(session, "overview", lang=lang, as_of=None, **{"program": None, "period": None, "region": None,
                                                                      "buyer": None, "status": None, **filters})
    console = Console(width=100, record=True, file=io.StringIO())
    show(console, report, fmt="table", lang=lang, output=None, stem="x")
    return " ".join(console.export_text().split())


def test_a_region_no_program_covers_is_named_with_what_to_do(ledger_url):
    recorder = Recorder(make_engine(ledger_url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
    offsets = itertools.count()

    def send(topic, *events):
        records = [Record(topic, 0, next(offsets), json.dumps(e).encode()) for e in events]
        (recorder.book_purchases if topic == PURCHASES else recorder.register_targets)(records)

    send(PURCHASES, factories.purchase("spse:00000001", 500_000, buyer=UNIT, region="3204", channel="tender",
                                       at="2025-05-05T12:00:00+07:00", declared_umk_amount=300_000))
    text = said(ledger_url)
    assert "Aturan nasional 40%" in text and "kuota import" in text and "3204" in text
    assert "No program judges these books" in said(ledger_url, lang="en")
    assert "Tidak ada baris yang cocok" in said(ledger_url, region="6100")  # a filter that matched nothing says so

    send(TARGETS, factories.target_event(factories.budget(UNIT, 2025, 1_000_000, region="3204"), "budget-00000001",
                                         "2025-01-01T00:00:00+07:00"))
    recorder.evaluate()
    text = said(ledger_url)
    assert "nasional-40-3204" in text and "menurut sumber" in text and "Rp 300.000" in text
    with Session(recorder.engine) as session:  # the alert says which measure judged it, and both figures
        [alert] = [alert_message(a) for a in session.scalars(select(Alert))]
    assert (alert.status, alert.measure, alert.actual, alert.declared, alert.verified) == (
        "breach", "declared", 300_000, 300_000, 0)
    recorder.engine.dispose()
