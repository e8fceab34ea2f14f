"""purchase states and source versions on entries

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Entries booked before this revision were all completed purchases without a source.
    op.add_column("entries", sa.Column("state", sa.String(16), nullable=False, server_default="completed"))
    op.add_column("entries", sa.Column("source_system", sa.String(32), nullable=True))
    op.add_column("entries", sa.Column("source_key", sa.String(64), nullable=True))
    op.add_column("entries", sa.Column("source_version", sa.BigInteger(), nullable=True))
    op.add_column("entries", sa.Column("declared_umk", sa.BigInteger(), nullable=True))
    # Partial: entries without a source (most of a ledger fed by its own producers) cost it nothing.
    where = sa.text("source_system IS NOT NULL")
    op.create_index("ix_entries_source", "entries", ["source_system", "source_key"], sqlite_where=where,
                    postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_entries_source", table_name="entries")
    with op.batch_alter_table("entries") as batch:  # SQLite drops columns only by copying the table
        for column in ("declared_umk", "source_version", "source_key", "source_system", "state"):
            batch.drop_column(column)
