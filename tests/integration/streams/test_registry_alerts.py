"""Registry alerts through the real broker and worker: a company's partner reclassified besar
raises exactly one `partner.graduated` on kuota.alerts.v1, with the day it stops counting, and a
registration ending soon raises one `registration.expiring`; a restarted worker raises neither again."""

import json
from datetime import date, timedelta

import pytest
import yaml
from kafka import KafkaConsumer
from sqlalchemy import func, select

from ledger.db import make_engine
from ledger.models import Evaluation

from tests import factories
from tests.conftest import running_worker, wait_until
from tests.factories import DROP
from tests.integration.helpers import kuota, registration, write_jsonl

pytestmark = pytest.mark.integration

COMPANY = "co-3216-mall"
PARTNER, SOON = "3216000000011", "3216000000012"
PROGRAM = factories.document(factories.program(status=DROP))  # 30% of each company in 3216: 365 days of grace


def company(event_id: str, amount: int, supplier: str, at: str) -> dict:
    doc = factories.purchase(event_id, amount, buyer=COMPANY, supplier=supplier)
    doc["buyer"] = {"id": COMPANY, "kind": "company", "name": "Mal Cikarang", "region": "3216"}
    return doc | {"occurred_at": at, "channel": "kemitraan"}


def published(env: dict) -> list[dict]:
    consumer = KafkaConsumer(env["KUOTA_TOPIC_PREFIX"] + "kuota.alerts.v1", bootstrap_servers=env["KUOTA_BROKER"],
                             auto_offset_reset="earliest", consumer_timeout_ms=3000)
    try:
        return [json.loads(m.value) for m in consumer]
    finally:
        consumer.close()


def registry_alerts(env: dict) -> list[dict]:
    return [m for m in published(env) if m["type"] in ("partner.graduated", "registration.expiring")]


def evaluations(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Evaluation)).scalar_one()
    finally:
        engine.dispose()


def share(env: dict, period: str) -> tuple[int, int]:
    rows = json.loads(kuota(env, "compliance", "--format", "json").stdout)
    return next(((r["actual"], r["total"]) for r in rows if r["buyer_id"] == COMPANY and r["period"] == period),
                (None, None))


# SQLite only here: the same alerts are raised on PostgreSQL in tests/integration/ledger/test_registry_identity.py.
@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_a_graduated_partner_and_an_expiring_registration_each_raise_one_alert(ledger_url, kuota_env, tmp_path):
    env = kuota_env(ledger_url, KUOTA_EVALUATE_EVERY="0.5")
    program = tmp_path / "alokasi.yaml"
    program.write_text(yaml.safe_dump(PROGRAM))
    ends = date.today() + timedelta(days=20)
    events = tmp_path / "events.jsonl"
    write_jsonl(events, [
        registration("reg-00000011", PARTNER, "kecil"),
        factories.registration("reg-00000012", SOON, "mikro", name=f"UMKM {SOON}", valid_to=ends.isoformat()),
        company("buy-00000011", 1_000_000, PARTNER, "2024-02-05T10:00:00+07:00"),
        company("buy-00000012", 1_000_000, PARTNER, "2024-09-05T10:00:00+07:00"),  # within the grace
        company("buy-00000013", 1_000_000, PARTNER, "2025-08-05T10:00:00+07:00"),  # after it
    ])
    kuota(env, "targets", "apply", str(program))
    kuota(env, "emit", str(events))
    with running_worker(env, tmp_path / "worker.log"):
        wait_until(lambda: share(env, "2025-Q3") == (1_000_000, 1_000_000), timeout=120, what="the purchases booked")
        graduated = tmp_path / "graduated.jsonl"
        write_jsonl(graduated, [registration("reg-00000013", PARTNER, "besar", valid_from="2024-07-01")])
        kuota(env, "emit", str(graduated))
        wait_until(lambda: share(env, "2025-Q3") == (0, 1_000_000), timeout=120, what="the reclassification")
        assert share(env, "2024-Q3") == (1_000_000, 1_000_000)  # within the grace: still counted
        wait_until(lambda: len(registry_alerts(env)) == 2, timeout=60, what="both registry alerts published")
    before = evaluations(ledger_url)
    with running_worker(env, tmp_path / "worker-2.log"):  # a restart raises nothing again
        kuota(env, "emit", str(graduated))  # the same registration again: a duplicate, then an evaluation
        wait_until(lambda: evaluations(ledger_url) >= before + 1, timeout=60, what="an evaluation after the restart")
    alerts = sorted(registry_alerts(env), key=lambda m: m["type"])
    assert [m["type"] for m in alerts] == ["partner.graduated", "registration.expiring"]
    grad, soon = alerts
    assert (grad["buyer_id"], grad["supplier_id"], grad["besar_from"], grad["counts_until"],
            grad["no_longer_counts_from"]) == (COMPANY, PARTNER, "2024-07-01", "2025-06-30", "2025-07-01")
    assert (soon["supplier_id"], soon["valid_to"], soon["registration"]) == (SOON, ends.isoformat(), "reg-00000012")
    result = kuota(env, "audit", check=False)
    assert result.returncode == 0 and "AUDIT OK" in result.stdout, result.stdout
