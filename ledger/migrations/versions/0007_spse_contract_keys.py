"""entries: SPSE contracts keyed by package and supplier, so addenda filed under a contract number
of their own are versions of one purchase

Revision ID: 0007
Revises: 0006
"""
import hashlib

import sqlalchemy as sa
from alembic import context, op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Until this revision the SPSE importer keyed a contract by its package code and contract number.
# SPSE files an addendum under a number of its own (`.../ADD-01/...`, `SP.02.a`, a new letter
# number), so each such addendum was a purchase of its own and the contract counted twice. The
# importer now keys a contract by package and supplier; this re-keys what a ledger already holds
# the same way, so the highest addendum of a package's contract with a supplier is the one in force.
# The positions then no longer match the entries: `ledger.db.migrate` recounts them after the
# upgrade when this revision asks it to (`recount_positions`).


def _short_key(*parts) -> str:
    # The importer's rule for a source key within 64 characters, as it stood at this revision.
    text = "/".join(str(p).strip() for p in parts)
    if len(text) <= 64:
        return text
    return f"{str(parts[0]).strip()[:40]}/#{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def upgrade() -> None:
    conn = op.get_bind()
    entries = sa.table("entries", sa.column("id", sa.BigInteger), sa.column("source_system", sa.String),
                       sa.column("source_key", sa.String), sa.column("supplier_id", sa.String))
    rows = conn.execute(sa.select(entries.c.id, entries.c.source_key, entries.c.supplier_id)
                        .where(entries.c.source_system == "spse")).all()
    changes = [{"entry": id_, "key": new} for id_, key, supplier in rows
               if (new := _short_key(key.split("/", 1)[0], supplier)) != key]
    if not changes:
        return
    conn.execute(entries.update().where(entries.c.id == sa.bindparam("entry"))
                 .values(source_key=sa.bindparam("key")), changes)
    context.config.attributes["recount_positions"] = True


def downgrade() -> None:
    raise NotImplementedError("the contract numbers the old keys held are not kept; restore a backup instead")
