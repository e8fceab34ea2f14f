"""entries: secondary indexes that take a batch's rows near their ends

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# (buyer_id, period) and (supplier_id, booked_on) put each new entry at a random place among
# hundreds of thousands of keys: a batch wrote thousands of scattered index pages, and booking
# cost grew with the ledger (45 to 65 us per purchase from 100,000 to 1,000,000 entries). By
# buyer and by supplier alone, entries of one key follow each other in id order, so a batch
# appends to a few pages per buyer and supplier. Every reader filters on buyer_id or supplier_id
# and takes period or booked_on from the row.
def upgrade() -> None:
    op.create_index("ix_entries_buyer", "entries", ["buyer_id"])
    op.create_index("ix_entries_supplier", "entries", ["supplier_id"])
    op.drop_index("ix_entries_buyer_period", table_name="entries")
    op.drop_index("ix_entries_supplier_booked_on", table_name="entries")


def downgrade() -> None:
    op.create_index("ix_entries_supplier_booked_on", "entries", ["supplier_id", "booked_on"])
    op.create_index("ix_entries_buyer_period", "entries", ["buyer_id", "period"])
    op.drop_index("ix_entries_supplier", table_name="entries")
    op.drop_index("ix_entries_buyer", table_name="entries")
