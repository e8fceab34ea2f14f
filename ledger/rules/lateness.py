"""Why an entry was booked after its month had closed, judged against the source's own dates.

An entry is `late` when the ledger learns of it after the month of its purchase had closed in the
buyer's region. For a purchase copied from a register that dates its records itself (LKPP's SPSE,
e-Katalog and Toko Daring, an OCDS publisher), that only says when kuota imported it: the buyer
reported on time to the register, and a 2023 contract imported in 2026 is `imported` later. Every
other late entry was `sent_late` by the buyer's own system, or by its spreadsheet (kuota's
template is the buyer's own report, not a register).
"""

IMPORTED, SENT_LATE = "imported", "sent_late"

#: `source.system` of the registers `kuota import` copies from.
REGISTERS = frozenset({"spse", "ekatalog", "tokodaring", "ocds"})


def late_reason(late: bool, source_system: str | None) -> str | None:
    """None for an entry booked in its month; else `imported` (copied later from a register) or
    `sent_late`. A reversal carries its purchase's source, so it is judged as its purchase is."""
    if not late:
        return None
    return IMPORTED if source_system in REGISTERS else SENT_LATE
