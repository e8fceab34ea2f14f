"""JSON Schema of contract v1, generated from the event models.

Regenerate the committed files with `python -m schemas.jsonschema [DIR]`.
"""

import inspect
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas.events import (PurchaseRecorded, PurchaseReversed, SupplierDistinct, SupplierMerged, SupplierRegistered,
                            SupplierUnmerged)
from schemas.outputs import ComplianceAlert, EventRejected, PartnerGraduated, RegistrationExpiring
from schemas.targets import RULES as TARGET_RULES
from schemas.targets import AllocationPlanned, BudgetDeclared, BuyerDescribed, ProgramDefined

BASE_URI = "https://kuota.id/schemas/v1/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
JSON_DIR = Path(__file__).parent / "json"

# Inputs are described as senders must write them, outputs as kuota writes them.
_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "purchase.recorded": (PurchaseRecorded, "validation"),
    "purchase.reversed": (PurchaseReversed, "validation"),
    "supplier.registered": (SupplierRegistered, "validation"),
    "supplier.merged": (SupplierMerged, "validation"),
    "supplier.unmerged": (SupplierUnmerged, "validation"),
    "supplier.distinct": (SupplierDistinct, "validation"),
    "event.rejected": (EventRejected, "serialization"),
    "program.defined": (ProgramDefined, "validation"),
    "budget.declared": (BudgetDeclared, "validation"),
    "allocation.planned": (AllocationPlanned, "validation"),
    "buyer.described": (BuyerDescribed, "validation"),
    "compliance.alert": (ComplianceAlert, "serialization"),
    "registration.expiring": (RegistrationExpiring, "serialization"),
    "partner.graduated": (PartnerGraduated, "serialization"),
}

# Rules the models enforce that JSON Schema cannot state (or states more loosely):
# written into the description so outside systems learn them from the schema too.
_RULES: dict[str, tuple[str, ...]] = {
    "purchase.recorded": (
        "Amounts, quantities and unit prices are JSON integers: `125000.0` or `\"125000\"` is rejected.",
        "When `lines` is present, the sum of quantity x unit_price equals `amount`.",
    ),
    "purchase.reversed": (
        "`amount` is a JSON integer and never more than what remains of the purchase;"
        " without it, all that remains is reversed.",
    ),
    "supplier.registered": (
        "`supplier.scale` may be left out only when `capital` or `annual_sales` is given;"
        " it is then derived by PP 7/2021.",
        "`valid_to`, when given, is not before `valid_from`.",
        "`supplier.identifiers` (an addition to v1) needs at least one of `nib`, `npwp`, `lkpp`; an NPWP is"
        " accepted with or without its dots and dashes and kept as its digits.",
    ),
    "supplier.merged": ("`keep` and `other` are different supplier ids.",),
    "supplier.unmerged": ("`keep` and `other` are different supplier ids.",),
    "supplier.distinct": ("the two ids in `suppliers` are different.",),
    "event.rejected": (
        "`raw` is the record as UTF-8 text, or base64 when `raw_encoding` is `base64`.",
    ),
    **TARGET_RULES,
}


def schemas() -> dict[str, dict]:
    """The JSON Schema of every public event, keyed by file name (`purchase.recorded.json`)."""
    return {f"{name}.json": _schema(name, model, mode) for name, (model, mode) in _MODELS.items()}


def export(directory: Path) -> list[Path]:
    """Write the schemas as pretty, key-sorted JSON into `directory`; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, schema in schemas().items():
        path = directory / file_name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def render(schema: dict) -> str:
    """The exact text of a committed schema file."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _schema(name: str, model: type[BaseModel], mode: str) -> dict:
    schema = model.model_json_schema(mode=mode)
    description = "\n\n".join((inspect.cleandoc(model.__doc__ or ""), *_RULES.get(name, ())))
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}{name}.json",
        **schema,
        "title": name,
        "description": description.strip(),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else JSON_DIR
    for written_path in export(target):
        print(written_path)
