"""buyer_aliases: the directory's other ids of a buyer, so one work unit is one buyer whatever
order its sources arrive in

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from ledger.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "buyer_aliases",
        sa.Column("alias", sa.String(64), primary_key=True),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_buyer_aliases_buyer_id", "buyer_aliases", ["buyer_id"])


def downgrade() -> None:
    op.drop_index("ix_buyer_aliases_buyer_id", table_name="buyer_aliases")
    op.drop_table("buyer_aliases")
