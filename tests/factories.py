"""Events as the tests send them: one shape per event type, for every tier.

Each builder returns the plain dict a producer would serialise. Keywords name what a test usually
varies (buyer, supplier, moment); any other keyword replaces or adds a top-level field, and `DROP`
leaves one out. `wire` gives the JSON bytes on a topic; `model` the frozen event the rules take,
parsed from those bytes as a worker parses them.
"""

import json

from schemas.events import PurchaseRecorded, PurchaseReversed, SupplierRegistered
from schemas.targets import BudgetDeclared, ProgramDefined, events_from_document

DROP = object()  # a field given DROP is left out of the event
OCCURRED = "2024-03-05T10:15:00+07:00"
REGISTERED = "2024-01-01T08:00:00+07:00"
DEFINED = "2024-01-01T00:00:00+07:00"  # when the officer files of these tests were applied

_MODELS = {"purchase.recorded": PurchaseRecorded, "purchase.reversed": PurchaseReversed,
           "supplier.registered": SupplierRegistered, "program.defined": ProgramDefined,
           "budget.declared": BudgetDeclared}


def changed(doc: dict, **changes) -> dict:
    """`doc` with top-level fields replaced or added, and those given DROP left out."""
    return {k: v for k, v in {**doc, **changes}.items() if v is not DROP}


def _event(type_: str, event_id: str, occurred_at: str, body: dict, changes: dict) -> dict:
    head = {"type": type_, "schema_version": 1, "event_id": event_id, "occurred_at": occurred_at}
    return changed(head | body, **changes)


def purchase(event_id: str = "evt-00000001", amount=1_000_000, *, buyer: str = "opd-3216-dinkes",
             kind: str = "agency", region: str = "3216", buyer_name: str | None = None,
             supplier: str = "3216000000001", at: str = OCCURRED, channel: str = "toko_daring",
             state: str | None = None, source: tuple | dict | None = None, declared_umk_amount: int | None = None,
             **fields) -> dict:
    """purchase.recorded: `buyer`, a `kind` in `region`, paid `supplier` `amount` rupiah at `at`;
    `state`, `source` (`(system, key, version)` or the object) and `declared_umk_amount` only
    when given, so an event without them is the one it was before they existed."""
    who = {"id": buyer, "kind": kind} | ({"name": buyer_name} if buyer_name else {}) | {"region": region}
    additions = {"state": state, "declared_umk_amount": declared_umk_amount,
                 "source": dict(zip(("system", "key", "version"), source)) if isinstance(source, tuple) else source}
    return _event("purchase.recorded", event_id, at,
                  {"buyer": who, "supplier_id": supplier, "amount": amount, "currency": "IDR", "channel": channel}
                  | {k: v for k, v in additions.items() if v is not None}, fields)


def reversal(event_id: str = "rev-00000001", reverses: str = "evt-00000001", amount: int | None = None, *,
             at: str = "2024-03-06T10:00:00+07:00", **fields) -> dict:
    """purchase.reversed; without `amount` it takes back all that remains."""
    return _event("purchase.reversed", event_id, at,
                  {"reverses": reverses} | ({} if amount is None else {"amount": amount}), fields)


def registration(event_id: str = "reg-00000001", supplier: str = "3216000000001", scale="mikro", *,
                 valid_from: str = "2024-01-01", region: str = "3216", name: str | None = None,
                 profile: dict | None = None, at: str = REGISTERED, **fields) -> dict:
    """supplier.registered from `valid_from`; `profile` changes the supplier object (DROP applies)."""
    who = changed({"id": supplier, "name": name or f"Usaha {supplier}", "region": region, "scale": scale},
                  **(profile or {}))
    return _event("supplier.registered", event_id, at, {"valid_from": valid_from, "supplier": who}, fields)


# --- targets: entries of an officer file, and the events they become -------------------------------


def program(program_id: str = "alokasi-30-3216", **fields) -> dict:
    """A [[program]] entry; by default the 30% share of each company in 3216, per quarter from 2024."""
    return changed({
        "program_id": program_id, "name": "Alokasi 30 persen", "region": "3216", "kind": "share",
        "period": "quarter", "years": {"first": 2024}, "threshold": {"share_bp": 3000},
        "applies_to": {"kind": "company", "region": "3216"},
        "eligible": {"scales": ["mikro", "kecil", "menengah"], "cooperatives": True, "local_to_region": "3216"},
        "status": {"grace_days": 14}}, **fields)


def budget(agency_id: str = "opd-3216-dinkes", fiscal_year: int = 2024, amount: int = 100_000, **fields) -> dict:
    """A [[budget]] entry: an agency's declared procurement budget (pagu) for a fiscal year."""
    return changed({"agency_id": agency_id, "fiscal_year": fiscal_year, "budget": amount}, **fields)


def document(*programs: dict, budgets: tuple[dict, ...] | list[dict] = (), occurred_at=DEFINED) -> dict:
    """An officer file as parsed from TOML: its programs and budgets, applied at `occurred_at`."""
    return {"occurred_at": occurred_at, "program": list(programs)} | ({"budget": list(budgets)} if budgets else {})


def target_event(entry: dict, event_id: str, occurred_at: str = DEFINED, /, **changes) -> dict:
    """A program or budget entry as the event on kuota.targets.v1, under a given (not derived) id;
    `changes` may replace any field, `event_id` and `occurred_at` too."""
    type_ = "program.defined" if "program_id" in entry else "budget.declared"
    return _event(type_, event_id, occurred_at, entry, changes)


def defined(**fields) -> ProgramDefined:
    """The ProgramDefined a file with one `program(**fields)` entry becomes."""
    (event,) = events_from_document(document(program(**fields)))
    return event


SHARE_30 = document(program())

BEBELI = document(program(
    "bebeli-3216-2024", name="Bebeli", kind="amount", scope="combined", period="year",
    years={"first": 2024, "last": 2024}, threshold={"amount": 10_000}, applies_to={"kind": "agency", "region": "3216"},
    status={"grace_days": 30, "at_risk_margin_bp": 1}))

FORTY = program(  # the 40% rule of each agency's budget (Perpres 12/2021 Pasal 65), without exclusions
    "pp7-40-3216", name="Aturan 40 persen", kind="share_of_budget", period="year",
    years={"first": 2024, "last": 2024}, threshold={"share_bp": 4000}, applies_to={"kind": "agency", "region": "3216"},
    eligible={"scales": ["mikro", "kecil"], "cooperatives": True}, status=DROP)

RULE_40 = document(
    changed(FORTY, exclusions=[{"channel": "other", "reason": "hibah"},
                               {"event_id": "evt-00000003", "reason": "darurat"}]),
    budgets=[budget("opd-3216-a"), budget("opd-3216-idle", amount=50_000, region="3216")])


# --- on the wire and as models --------------------------------------------------------------------


def wire(doc) -> bytes:
    """The JSON bytes a producer writes."""
    return json.dumps(doc).encode()


def model(doc: dict):
    """The frozen event of `doc`, parsed from its JSON as a worker parses it."""
    return _MODELS[doc["type"]].model_validate_json(wire(doc))
