"""Small helpers shared by the integration and end-to-end tests."""

import json
import subprocess
import sys

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ledger.models import Receipt

OCCURRED = "2024-03-05T10:15:00+07:00"


def purchase(event_id: str, amount, buyer: str = "opd-3216-dinkes", supplier: str = "3216000000001", **extra) -> dict:
    return {"type": "purchase.recorded", "schema_version": 1, "event_id": event_id, "occurred_at": OCCURRED,
            "buyer": {"id": buyer, "kind": "agency", "name": "Dinas Kesehatan", "region": "3216"},
            "supplier_id": supplier, "amount": amount, "currency": "IDR", "channel": "toko_daring", **extra}


def reversal(event_id: str, reverses: str, amount: int | None = None) -> dict:
    doc = {"type": "purchase.reversed", "schema_version": 1, "event_id": event_id,
           "occurred_at": "2024-03-20T09:00:00+07:00", "reverses": reverses}
    return doc | ({"amount": amount} if amount is not None else {})


def registration(event_id: str, supplier: str, scale: str = "mikro", valid_from: str = "2024-01-01") -> dict:
    return {"type": "supplier.registered", "schema_version": 1, "event_id": event_id,
            "occurred_at": "2024-01-01T08:00:00+07:00", "valid_from": valid_from,
            "supplier": {"id": supplier, "name": f"UMKM {supplier}", "region": "3216", "scale": scale}}


def write_jsonl(path, docs) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))


def kuota(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "streams", *args], env=env, capture_output=True, text=True,
                            timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"kuota {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def receipts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            rows = s.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all()
        return dict(rows)
    finally:
        engine.dispose()


def report_json(env: dict, *args: str) -> list[dict]:
    return json.loads(kuota(env, "report", "--format", "json", *args).stdout)
