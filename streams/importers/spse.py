"""SPSE contracts (LKPP's e-procurement system), tender and non-tender, as `purchase.recorded`.

- One purchase per package and supplier: the package code (`kd_tender` or `kd_nontender`) and
  the supplier's id (below) are its source key, `versi_addendum` its version, so the highest
  addendum is the contract in force and an addendum corrects the contract instead of adding a
  second purchase, whatever contract number it carries (SPSE files an addendum under a number of
  its own: `.../ADD-01/...`, `SP.02.a`, or another letter number altogether). The event id
  derives from package, supplier and addendum: an exact copy of a row is a duplicate, the same
  three with another content is a conflicting copy. Until migration 0007 the key was the
  package and the contract number; that migration re-keys the contracts a ledger already holds.
- The purchase date is `tgl_kontrak` (the day only), at noon in the buyer's region's time zone.
- `Kontrak Sedang Berjalan` and `Kontrak Selesai` are `completed`: a signed contract is realised
  spend from its signing, as LKPP counts it. A stopped, cancelled or terminated contract
  (`status_kontrak` naming dihentikan, dibatalkan, putus or pemutusan) is `void`. Any other status is not
  imported (`unknown_status`) so that a new LKPP status is looked at, never guessed.
- Amount `nilai_kontrak` and declared UMK value `nilai_umk_kontrak`, each rounded half up to
  whole rupiah per record.
- Channel `tender` for tender contracts; non-tender by `mtd_pengadaan`: Pengadaan Langsung is
  `pengadaan_langsung`, any other method (Penunjukan Langsung, ...) `other`.
- Supplier: the 16-digit tax id (`npwp_16_penyedia` / `npwp16_penyedia`, else `npwp_penyedia`),
  else `lkpp:<kd_penyedia>` (tender files), else `unknown:spse`. SPSE has no size class, so no
  supplier is registered: its suppliers stay unregistered until a registration arrives. Its name
  `nama_penyedia` travels as `supplier_name`, shown beside the id, never read as a class.
- No SIRUP package code: a contract names its SPSE package (`kd_tender` / `kd_nontender`), not the
  RUP it realises, so an SPSE contract carries no `plan_package`.
- Buyer: the work unit `{kd_klpd}-{kd_satker_str}` (SPSE's own `kd_satker` joins nothing else).
"""

import re

from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id, whole_rupiah
from streams.importers.ids import UNKNOWN, amount_of, code_id, day_of, first_problem, missing, name_of, noon_on
from streams.importers.ids import npwp_id
from streams.importers.ids import short_key
from streams.importers.klpd import buyer, region_of

RUNNING_OR_DONE = {"kontrak sedang berjalan", "kontrak selesai"}
STOPPED = re.compile(r"henti|batal|putus|pemutusan", re.IGNORECASE)  # "Pemutusan Kontrak": terminated


def state_of(status) -> str | NotImported:
    text = " ".join(str(status or "").split())
    if not text:
        return missing("status_kontrak")
    if text.casefold() in RUNNING_OR_DONE:
        return "completed"
    if STOPPED.search(text):
        return "void"
    return NotImported("unknown_status", f"status_kontrak {text!r} is not one kuota knows (Kontrak Sedang "
                                         f"Berjalan, Kontrak Selesai, or a stopped or cancelled contract)")


def channel_of(record: dict) -> str:
    if "kd_tender" in record:
        return "tender"
    method = " ".join(str(record.get("mtd_pengadaan") or "").split()).casefold()
    return "pengadaan_langsung" if method == "pengadaan langsung" else "other"


def supplier_of(record: dict) -> str:
    return (npwp_id(record.get("npwp_16_penyedia"), record.get("npwp16_penyedia"), record.get("npwp_penyedia"))
            or code_id("lkpp", record.get("kd_penyedia")) or f"{UNKNOWN}spse")


def version_of(record: dict) -> int | NotImported:
    value = record.get("versi_addendum")
    if value in (None, ""):
        return 0  # a contract without an addendum
    version = whole_rupiah(value)
    if version is None or version < 0 or str(version) != str(value).strip():
        return NotImported("bad_value", f"versi_addendum {str(value)[:20]!r} is not a whole number")
    return version


def contract_key(package, supplier: str) -> str:
    """The source key of one SPSE contract: its package and its supplier (the addenda share it)."""
    return short_key(package, supplier)


class SpseContracts(JsonArrayFormat):
    name = "spse-kontrak"
    title = "SPSE: kontrak tender dan non-tender / tender and non-tender contracts"
    detected_by = ({"no_kontrak", "kd_tender"}, {"no_kontrak", "kd_nontender"})

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        package = record.get("kd_tender", record.get("kd_nontender"))
        contract = " ".join(str(record.get("no_kontrak") or "").split())
        if package in (None, "") or not contract:
            return missing("kd_tender / kd_nontender" if package in (None, "") else "no_kontrak")
        if absent := [f for f in ("kd_klpd", "kd_satker_str") if not record.get(f)]:
            return missing(*absent)
        region, day = region_of(record.get("kd_klpd"), ctx), day_of(record, "tgl_kontrak")
        amount, state, version = amount_of(record, "nilai_kontrak"), state_of(record.get("status_kontrak")), \
            version_of(record)
        if problem := first_problem(region, day, amount, state, version):
            return problem
        supplier = supplier_of(record)
        event = {
            "type": "purchase.recorded", "schema_version": 1,
            "event_id": event_id("spse", package, supplier, version),
            "occurred_at": noon_on(day, region),
            "buyer": buyer(record["kd_klpd"], record["kd_satker_str"], record.get("nama_satker"), region),
            "supplier_id": supplier, "amount": amount, "currency": "IDR",
            "channel": channel_of(record), "reference": contract[:100], "state": state,
            "source": {"system": "spse", "key": contract_key(package, supplier), "version": version},
        }
        declared = whole_rupiah(record.get("nilai_umk_kontrak"))
        if declared is not None:
            event["declared_umk_amount"] = declared
        if name := name_of(record.get("nama_penyedia")):
            event["supplier_name"] = name
        return [event]


FORMAT = SpseContracts()
