"""The kuota wire contract: frozen event models, codes and JSON Schema export."""

from schemas.codes import BuyerKind, Channel, CooperativeType, RejectReason, Scale
from schemas.events import (
    Buyer,
    Event,
    Line,
    PurchaseRecorded,
    PurchaseReversed,
    Supplier,
    SupplierRegistered,
)
from schemas.outputs import EventRejected

__all__ = [
    "Buyer",
    "BuyerKind",
    "Channel",
    "CooperativeType",
    "Event",
    "EventRejected",
    "Line",
    "PurchaseRecorded",
    "PurchaseReversed",
    "RejectReason",
    "Scale",
    "Supplier",
    "SupplierRegistered",
]
