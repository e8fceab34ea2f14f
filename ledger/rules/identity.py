"""Who a supplier id names: identifiers, officers' merges, and names alike. Pure.

A purchase names its supplier by `supplier_id`: a registry id, or a number other systems use
(NIB, NPWP, LKPP's code, bare or as `nib:`, `npwp:`, `lkpp:`/`sikap:` ids). The supplier it counts
for is found in this order: an officer's merge of that id into another (followed to its end);
the id itself when it is registered; the supplier that first stated that number as one of its
identifiers (then again its merge). Anything else stays as named: unregistered.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from schemas.events import normalise_npwp

NIB, NPWP, LKPP = "nib", "npwp", "lkpp"
_PREFIXES = {"nib": NIB, "npwp": NPWP, "lkpp": LKPP, "sikap": LKPP}
Key = tuple[str, str]  # (kind, value)


def identifier_keys(supplier_id: str) -> list[Key]:
    """The identifiers a supplier id may be: `nib:9120...` or a bare 13-digit number is a NIB;
    `npwp:...` or 15-16 digits (dots and dashes allowed) an NPWP; `lkpp:`/`sikap:` an LKPP code."""
    prefix, sep, rest = supplier_id.partition(":")
    if sep and prefix.casefold() in _PREFIXES:
        kind = _PREFIXES[prefix.casefold()]
        value = _npwp_or_none(rest) if kind == NPWP else rest.strip()
        return [(kind, value)] if value else []
    if re.fullmatch(r"[0-9]{13}", supplier_id):
        return [(NIB, supplier_id)]
    npwp = _npwp_or_none(supplier_id)
    return [(NPWP, npwp)] if npwp else []


def _npwp_or_none(text: str) -> str | None:
    try:
        return normalise_npwp(text)
    except ValueError:
        return None


def written_forms(kind: str, value: str) -> list[str]:
    """Supplier ids a purchase may use for one identifier: what a ledger search must look for."""
    if kind == NIB:
        return [value, f"nib:{value}"]
    if kind == LKPP:
        return [f"lkpp:{value}", f"sikap:{value}"]
    forms = [value, f"npwp:{value}"]
    if value.startswith("0"):  # the 15-digit form, bare and as 01.234.567.8-431.000
        old = value[1:]
        forms += [old, f"npwp:{old}", f"{old[:2]}.{old[2:5]}.{old[5:8]}.{old[8]}-{old[9:12]}.{old[12:]}"]
    return forms


@dataclass(frozen=True, slots=True)
class Finding:
    """One of an officer's findings on a pair, in order of arrival."""

    kind: str  # merged | unmerged | distinct
    keep: str
    other: str
    recorded_at: datetime | None = None


def merges_in_force(findings: Iterable[Finding]) -> dict[str, str]:
    """{other: keep} for every pair whose latest merge finding is `merged`."""
    latest: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.kind in ("merged", "unmerged"):
            latest[(f.keep, f.other)] = f.kind
    merged: dict[str, str] = {}
    for (keep, other), kind in latest.items():
        if kind == "merged":
            merged[other] = keep
    return merged


def canonical(supplier_id: str, registered: set[str], owners: Mapping[Key, str],
              merged: Mapping[str, str]) -> str:
    """The supplier a purchase naming `supplier_id` counts for (see the module's order).
    `owners` maps an identifier to the supplier that stated it first; a merge cycle stops where
    it would repeat itself."""
    current, seen = supplier_id, {supplier_id}
    for _ in range(64):
        step = merged.get(current)
        if step is None and current not in registered:
            step = next((owners[k] for k in identifier_keys(current) if k in owners), None)
        if step is None or step in seen:
            return current
        seen.add(step)
        current = step
    return current


def normal_name(name: str) -> str:
    """A name as people mean it: case, accents, punctuation and spacing set aside."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())
