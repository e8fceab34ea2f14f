"""standings: both realised UMK measures and the registry's coverage; entries: an index on the
purchases that declare a UMK value

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("standings") as batch:
        batch.add_column(sa.Column("verified", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("declared", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("registered", sa.BigInteger(), nullable=True))
    op.create_index("ix_entries_declared", "entries", ["buyer_id", "period"],
                    sqlite_where=sa.text("declared_umk > 0"), postgresql_where=sa.text("declared_umk > 0"))


def downgrade() -> None:
    op.drop_index("ix_entries_declared", table_name="entries")
    with op.batch_alter_table("standings") as batch:
        batch.drop_column("registered")
        batch.drop_column("declared")
        batch.drop_column("verified")
