"""LKPP's KLPD codes (the government a work unit belongs to) and the BPS region codes kuota keys
regions by; buyers as work units: `{kd_klpd}-{kd_satker_str}`, or `{kd_klpd}-satker-{kd_satker}`
where a source names the unit only by its numeric SIRUP code, and the directory
(`buyer.described`) that tells the ledger the two are one buyer.

The table holds every KLPD found in the LKPP records kuota was tested on, with the BPS code of
the same government (a province's own code ends in 00). An unknown KLPD is never guessed: its
records are not imported (`unknown_klpd`) unless the command names the region (`--region`).
"""

import hashlib
import json

from streams.importers.base import Context, NotImported, event_id

# kd_klpd -> (name, BPS code). Add a row when a new government's files arrive.
KLPD: dict[str, tuple[str, str]] = {
    "D107": ("Kabupaten Bandung", "3204"),
    "D197": ("Provinsi Kalimantan Barat", "6100"),
    "D199": ("Kota Pontianak", "6171"),
}

#: Marks a buyer id made from a numeric kd_satker that no directory joined to its kd_satker_str.
UNJOINED = "-satker-"


def region_of(kd_klpd, ctx: Context) -> str | NotImported:
    """The BPS code of a record's buyer: `--region` when given, else the KLPD's from the table."""
    if ctx.region:
        return ctx.region
    if not kd_klpd:
        return NotImported("missing_field", "kd_klpd is empty: the buyer's government is unknown; "
                                            "give it with --region CODE")
    known = KLPD.get(str(kd_klpd).strip().upper())
    if known is None:
        return NotImported("unknown_klpd", f"KLPD {kd_klpd!r} is not in kuota's table of governments "
                                           f"(known: {', '.join(sorted(KLPD))}); import with --region CODE "
                                           f"(its BPS code) to place it")
    return known[1]


def buyer(kd_klpd, kd_satker_str, name, region: str) -> dict:
    """A work unit as the contract's buyer: the id SPSE, e-Katalog, SIRUP and budgets share."""
    return {"id": buyer_id(kd_klpd, kd_satker_str), "kind": "agency", "name": _short(name), "region": region}


def buyer_id(kd_klpd, kd_satker_str) -> str:
    return f"{str(kd_klpd).strip().upper()}-{str(kd_satker_str).strip()}"


def unjoined_buyer_id(kd_klpd, kd_satker) -> str:
    """A work unit by its numeric SIRUP kd_satker (Toko Daring names it so): the id its purchases
    are sent under; the ledger books them to `{kd_klpd}-{kd_satker_str}` once a directory
    (`described`) names that alias."""
    return f"{str(kd_klpd).strip().upper()}{UNJOINED}{str(kd_satker).strip()}"


def described(kd_klpd, kd_satker, kd_satker_str, name, region: str) -> dict:
    """`buyer.described`: the work unit `{kd_klpd}-{kd_satker_str}` with its name and region, also
    known by its numeric SIRUP code. Its id derives from the content: the same row again is a
    duplicate, a renamed unit a new description under the same key."""
    body = {"type": "buyer.described", "schema_version": 1, "occurred_at": "2000-01-01T00:00:00+07:00",
            "buyer_id": buyer_id(kd_klpd, kd_satker_str), "kind": "agency", "name": _short(name), "region": region,
            "also_known_as": [unjoined_buyer_id(kd_klpd, kd_satker)] if kd_satker not in (None, "") else []}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return {**body, "event_id": event_id("satker", body["buyer_id"], digest)}


def _short(name) -> str | None:
    text = " ".join(str(name).split()) if name else ""
    return text[:200] or None
