"""Supplier ids, moments and required fields as the LKPP formats share them.

Suppliers are identified, in this order, by their tax id (`npwp:` and 16 digits), LKPP's
supplier code (`lkpp:`, SPSE and e-Katalog v6) or SIKaP code (`sikap:`), or the merchant's
name (`merchant:`, Toko Daring). A record that names none of them still is spend: it is booked
to `unknown:<system>`, a supplier nobody can register, so it counts in the totals and never as
UMKM, and the summary shows it apart.
"""

import hashlib
import re
import unicodedata
from datetime import date, datetime, time

from schemas.codes import region_timezone
from streams.importers.base import NotImported, whole_rupiah

UNKNOWN = "unknown:"
# Legal forms around a merchant's name: "CV. Griyasindo" and "GRIYASINDO" are one merchant.
_LEGAL_FORMS = {"cv", "pt", "ud", "pd", "fa", "tbk", "persero"}


def npwp_id(*candidates) -> str | None:
    """`npwp:` and the 16-digit tax id, from the first candidate with 15 or 16 digits (dots and
    dashes dropped). A 15-digit NPWP becomes 16 digits with a leading 0, as the tax office
    converts a business's number (PMK 112/2022), so one company has one id whichever field a
    source fills; for a person the 16-digit id is the NIK, which the 15 digits cannot give."""
    for value in candidates:
        digits = re.sub(r"\D", "", str(value)) if value not in (None, "") else ""
        if len(digits) == 16:
            return f"npwp:{digits}"
        if len(digits) == 15:
            return f"npwp:0{digits}"
    return None


def code_id(prefix: str, value) -> str | None:
    """`lkpp:<code>` or `sikap:<code>` from a supplier code, None when there is none."""
    text = str(value).strip() if value not in (None, "") else ""
    return f"{prefix}:{text}"[:64] if text else None


def merchant_id(name) -> str | None:
    """`merchant:` and the name folded: case, punctuation and legal forms (CV, PT, UD) dropped."""
    if not name or not str(name).strip():
        return None
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    words = [w for w in re.split(r"[^0-9a-z]+", folded) if w]
    while len(words) > 1 and words[0] in _LEGAL_FORMS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    slug = "-".join(words) or hashlib.sha256(folded.encode()).hexdigest()[:12]
    if len(slug) > 55:  # the contract's 64 characters, with the prefix
        slug = f"{slug[:46]}-{hashlib.sha256(slug.encode()).hexdigest()[:8]}"
    return f"merchant:{slug}"


def name_of(value) -> str | None:
    """A supplier's name as the source wrote it, spaces collapsed, within the contract's 200
    characters; blank is no name. Only ever shown beside an id: a name says nothing of a size class."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text[:200] or None


def noon_on(day: date, region: str) -> str:
    """A purchase known only by its day, at noon in the buyer's region: RFC 3339 with the
    region's offset, so the day is the same in every time zone the ledger cuts periods in."""
    return datetime.combine(day, time(12), tzinfo=region_timezone(region)).isoformat()


def local_moment(moment: datetime, region: str) -> str:
    return moment.replace(tzinfo=region_timezone(region)).isoformat()


def day_of(record: dict, name: str) -> date | NotImported:
    """The day a field names (`2023-11-28`, `2023-11-28T00:00:00.000000Z`, `2023-11-28 00:00:00`)."""
    return _parsed(record, name, lambda value: date.fromisoformat(str(value).strip()[:10]), "a date (YYYY-MM-DD)")


def moment_of(record: dict, name: str) -> datetime | NotImported:
    """A local time written `YYYY-MM-DD HH:MM:SS` (no offset: the buyer's region's)."""
    return _parsed(record, name, lambda value: datetime.fromisoformat(str(value).strip()).replace(tzinfo=None),
                   "a time (YYYY-MM-DD HH:MM:SS)")


def amount_of(record: dict, name: str) -> int | NotImported:
    """Whole rupiah from a field (sen rounded half up); a purchase is at least Rp 1."""
    amount = _parsed(record, name, _rupiah, "an amount in rupiah")
    if isinstance(amount, int) and amount < 1:
        return NotImported("zero_amount", f"{name} is {record.get(name)}: a purchase of less than Rp 1 is no purchase")
    return amount


def _parsed(record: dict, name: str, parse, expected: str):
    """`parse` of the field `name`: `missing_field` when it is empty, `bad_value` when `parse` raises
    ValueError."""
    value = record.get(name)
    if value in (None, ""):
        return missing(name)
    try:
        return parse(value)
    except ValueError:
        return NotImported("bad_value", f"{name} {str(value)[:40]!r} is not {expected}")


def _rupiah(value) -> int:
    if (amount := whole_rupiah(value)) is None:
        raise ValueError(value)
    return amount


def missing(*names: str) -> NotImported:
    return NotImported("missing_field", f"{' / '.join(names)} is empty or missing")


def first_problem(*values) -> NotImported | None:
    return next((v for v in values if isinstance(v, NotImported)), None)


def short_key(*parts) -> str:
    """A source key from natural-key parts, within the contract's 64 characters: the parts joined
    by `/` when they fit, else the first part and a digest of the rest."""
    text = "/".join(str(p).strip() for p in parts)
    if len(text) <= 64:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    return f"{str(parts[0]).strip()[:40]}/#{digest}"
