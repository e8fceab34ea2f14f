"""e-Katalog v6 packages (`Ecat-PaketEPurchasingV6`) as `purchase.recorded`, channel `e_katalog`.

- One purchase per package: `kd_paket` is its source key and the rank of its `status_pkt` its
  version, so the same package seen later in a further status corrects it: an order imported
  while `ON_PROCESS` shows as pending and counts once a `COMPLETED` copy of it is imported; a
  cancelled order never counts, whatever came before. The event id derives from `kd_paket` and
  that rank: an exact copy is a duplicate, the same package and status with another content
  (an amount changed without a status change) is a conflicting copy.

  | status_pkt | state | rank |
  |---|---|---|
  | ON_PROCESS | pending | 1 |
  | ON_ADDENDUM | pending | 2 |
  | PAYMENT_OUTSIDE_SYSTEM (delivered, paid outside e-Katalog) | completed | 3 |
  | COMPLETED | completed | 4 |
  | any status naming a cancellation, rejection, failure or expiry (CANCELLED, REJECTED, ...) | void | 9 |

  Any other status is not imported (`unknown_status`): a new status is looked at, never guessed.
- Amount `total_harga` in whole rupiah. It already includes the shipping (`ongkir`): in the
  Kabupaten Bandung orders `total_harga - ongkir` is a round sum of products, so `ongkir` is
  not added again.
- The date is `tgl_order`, at noon in the buyer's region's time zone.
- Supplier `sikap:<kd_penyedia_sikap>` (the id e-Katalog supplier details also carry), else
  `lkpp:<kd_penyedia_v6>`, else `unknown:ekatalog`; e-Katalog gives no size class.
- Buyer: the work unit `{kd_klpd}-{kd_satker_str}`.
- The SIRUP package the order realises, `kd_rup`, travels as `plan_package`: the plan's packages
  (`allocation.planned` from `RUP-PaketPenyedia`, the same work unit) are set against their orders
  (`kuota report packages`). A code that is no SIRUP code (not 1-40 letters, digits, `.`, `_`, `-`)
  is left off; the order is imported all the same. v6 orders name no supplier: its name comes
  from the supplier detail's registration.
"""

import re

from schemas.events import PackageCode
from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id
from streams.importers.ids import UNKNOWN, amount_of, code_id, day_of, first_problem, missing, noon_on
from streams.importers.klpd import buyer, region_of

STATUSES: dict[str, tuple[str, int]] = {
    "ON_PROCESS": ("pending", 1),
    "ON_ADDENDUM": ("pending", 2),
    "PAYMENT_OUTSIDE_SYSTEM": ("completed", 3),
    "COMPLETED": ("completed", 4),
}
VOID = ("void", 9)
_CANCELLED = re.compile(r"CANCEL|BATAL|REJECT|TOLAK|FAIL|GAGAL|EXPIRE|KADALUARSA", re.IGNORECASE)


def status_of(value) -> tuple[str, int] | NotImported:
    text = str(value or "").strip().upper()
    if not text:
        return missing("status_pkt")
    if text in STATUSES:
        return STATUSES[text]
    if _CANCELLED.search(text):
        return VOID
    return NotImported("unknown_status", f"status_pkt {text[:40]!r} is not one kuota knows "
                                         f"({', '.join(STATUSES)} or a cancellation)")


class EkatalogV6(JsonArrayFormat):
    name = "ekatalog-v6"
    title = "e-Katalog v6: paket e-purchasing / e-purchasing packages"
    detected_by = ({"kd_paket", "status_pkt"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if absent := [f for f in ("kd_paket", "kd_klpd", "kd_satker_str") if not record.get(f)]:
            return missing(*absent)
        region, day = region_of(record["kd_klpd"], ctx), day_of(record, "tgl_order")
        amount, status = amount_of(record, "total_harga"), status_of(record.get("status_pkt"))
        if problem := first_problem(region, day, amount, status):
            return problem
        package, (state, rank) = str(record["kd_paket"]).strip(), status
        supplier = (code_id("sikap", record.get("kd_penyedia_sikap")) or code_id("lkpp", record.get("kd_penyedia_v6"))
                    or f"{UNKNOWN}ekatalog")
        event = {
            "type": "purchase.recorded", "schema_version": 1,
            "event_id": event_id("ekatalog", package, rank),
            "occurred_at": noon_on(day, region),
            "buyer": buyer(record["kd_klpd"], record["kd_satker_str"], record.get("nama_satker"), region),
            "supplier_id": supplier, "amount": amount, "currency": "IDR", "channel": "e_katalog",
            "reference": package[:100], "state": state,
            "source": {"system": "ekatalog", "key": package[:64], "version": rank},
        }
        if plan := plan_of(record.get("kd_rup")):
            event["plan_package"] = plan
        return [event]


_PLAN = re.compile(PackageCode.__metadata__[0].pattern)


def plan_of(value) -> str | None:
    """The SIRUP package code as `allocation.planned` names it (`str(kd_rup)`), or None."""
    code = str(value).strip() if value not in (None, "") and not isinstance(value, bool) else ""
    return code if _PLAN.fullmatch(code) else None


FORMAT = EkatalogV6()
