"""Toko Daring / Bela Pengadaan realisation (`Bela-TokoDaringRealisasi`) as `purchase.recorded`,
channel `toko_daring`; both field sets (`merchant_name` 2025, `nama_merchant` 2022).

- State from `status_konfirmasi_ppmse`, the marketplace's confirmation: `gagal` is `void` (a
  failed order never counts), `selesai` is `completed`, none yet is `pending`. Rows with
  `sumber_data` `import` are the exception: the marketplace delivered them as a file of realised
  transactions, outside the confirmation workflow, and no later row will ever confirm them, so
  unless they say `gagal` they are `completed`.
- Rows from the API (`api`, `api_v3`, `sftp`, ...) that repeat an `order_id` are versions of one
  order: the source key is the order id and the version ranks the row by its confirmation
  (none < selesai < gagal: a failure reported for an order is the last word), then its
  verification (unverified < none < verified), then `tanggal_transaksi`. The latest version is in
  force, so an order first seen unconfirmed and later `selesai` is one completed purchase.
- Rows from `import` with the same `order_id` (`PO-122514-220929-1`) are the lines of one order,
  each with its own `valuasi`: the order's value is the sum of its lines, and each line is booked
  as a purchase of its own (key: the order id and a digest of the line's value, category and
  description), so the lines may lie anywhere in a file of any size.
- An exact copy of a row is a duplicate (same event id, same content).
- Amount `valuasi` (whole rupiah); the date `tanggal_transaksi`, local time of the buyer's region.
- Supplier `merchant:<name folded>` from `merchant_name` / `nama_merchant`: case, punctuation and
  the legal form dropped (`CV. Griyasindo` = `GRIYASINDO`); no name: `unknown:tokodaring`. The name
  as written travels as `supplier_name`, shown beside the id.
- No SIRUP package code: Toko Daring names no RUP package, so its orders carry no `plan_package`.
- Buyer: Toko Daring names the work unit only by the numeric `kd_satker`, so its orders are
  sent under `{kd_klpd}-satker-{kd_satker}`, whatever was imported before. A satker master or
  budget structure (imported before or after) describes that id as an alias of the unit
  `{kd_klpd}-{kd_satker_str}` shared with SPSE and e-Katalog, and the ledger books the orders
  there (`ledger.books.directory`): one buyer whatever the order. The summary lists the units
  the importer's own directory does not know yet as not joined.
"""

import hashlib
from datetime import datetime

from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id
from streams.importers.ids import UNKNOWN, amount_of, first_problem, local_moment, merchant_id, missing, moment_of
from streams.importers.ids import name_of
from streams.importers.ids import short_key
from streams.importers.klpd import buyer, region_of, unjoined_buyer_id

CONFIRMATION = {None: ("pending", 0), "selesai": ("completed", 1), "gagal": ("void", 2)}
VERIFICATION = {"unverified": 0, None: 1, "verified": 2}
_EPOCH = datetime(2000, 1, 1)


def confirmation_of(record: dict) -> tuple[str, int] | NotImported:
    value = record.get("status_konfirmasi_ppmse")
    text = str(value).strip().casefold() if value not in (None, "") else None
    if text not in CONFIRMATION:
        return NotImported("unknown_status", f"status_konfirmasi_ppmse {str(value)[:40]!r} is not one kuota knows "
                                             f"(selesai, gagal or empty)")
    state, rank = CONFIRMATION[text]
    if from_file(record) and state == "pending":
        return "completed", rank
    return state, rank


def from_file(record: dict) -> bool:
    return str(record.get("sumber_data") or "").strip().casefold() == "import"


def version_of(record: dict, rank: int, moment: datetime) -> int:
    verified = str(record.get("status_verif") or "").strip().casefold() or None
    seconds = max(0, int((moment - _EPOCH).total_seconds()))
    return (rank * 3 + VERIFICATION.get(verified, 1)) * 10**10 + seconds


def line_digest(record: dict) -> str:
    line = [str(record.get(f) or "") for f in ("valuasi", "kategori", "order_desc")]
    return hashlib.sha256("\x1f".join(line).encode()).hexdigest()[:12]


def buyer_of(record: dict, region: str) -> dict:
    unit = buyer(record["kd_klpd"], "", record.get("nama_satker"), region)
    return unit | {"id": unjoined_buyer_id(record["kd_klpd"], record["kd_satker"])}


class TokoDaring(JsonArrayFormat):
    name = "tokodaring"
    title = "Toko Daring / Bela Pengadaan: realisasi / realisation"
    detected_by = ({"order_id", "valuasi", "status_konfirmasi_ppmse"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if absent := [f for f in ("order_id", "kd_klpd", "kd_satker") if record.get(f) in (None, "")]:
            return missing(*absent)
        region, moment = region_of(record["kd_klpd"], ctx), moment_of(record, "tanggal_transaksi")
        amount, confirmation = amount_of(record, "valuasi"), confirmation_of(record)
        if problem := first_problem(region, moment, amount, confirmation):
            return problem
        order, (state, rank) = str(record["order_id"]).strip(), confirmation
        if from_file(record):
            key, version = short_key(order, f"line-{line_digest(record)}"), 0
        else:
            key, version = order[:64], version_of(record, rank, moment)
        merchant = record.get("merchant_name", record.get("nama_merchant"))
        event = {
            "type": "purchase.recorded", "schema_version": 1,
            # The buyer is the unit's SIRUP code whatever the directory knows (`buyer_of`); until
            # the ids said so, an order imported after a directory carried `kd_satker_str` instead.
            # The salt keeps these events apart from those: a re-import is a later copy of the same
            # source record (the same version), never a conflicting copy of an earlier event.
            "event_id": event_id("tokodaring", "by-sirup-code", key, version),
            "occurred_at": local_moment(moment, region),
            "buyer": buyer_of(record, region),
            "supplier_id": merchant_id(merchant) or f"{UNKNOWN}tokodaring", "amount": amount, "currency": "IDR",
            "channel": "toko_daring", "reference": order[:100], "state": state,
            "source": {"system": "tokodaring", "key": key, "version": version},
        }
        if name := name_of(merchant):
            event["supplier_name"] = name
        if record.get("kategori") or record.get("order_desc"):
            event["lines"] = [{"description": " ".join(str(record.get("order_desc") or "").split())[:200],
                               "category": (" ".join(str(record.get("kategori") or "").split())[:200] or None),
                               "quantity": 1, "unit_price": amount}]
        return [event]


FORMAT = TokoDaring()
