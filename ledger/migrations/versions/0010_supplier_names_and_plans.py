"""supplier_names: the latest name a source gave each supplier id; entries: the planned package a
purchase realises (SIRUP kd_rup), with a partial index on the purchases that name one

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from ledger.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier_names",
        sa.Column("supplier_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source_system", sa.String(32), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    # Entries booked before this revision name no package: a re-import of their source fills it in.
    op.add_column("entries", sa.Column("plan_package", sa.String(40), nullable=True))
    op.create_index("ix_entries_plan", "entries", ["buyer_id", "plan_package"],
                    sqlite_where=sa.text("plan_package IS NOT NULL"), postgresql_where=sa.text("plan_package IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_entries_plan", table_name="entries")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("plan_package")
    op.drop_table("supplier_names")
