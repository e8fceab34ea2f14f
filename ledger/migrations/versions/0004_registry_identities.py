"""supplier identifiers, officers' merge and distinct findings, registry alerts

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "supplier_identifiers",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("registration_id", sa.BigInteger(), nullable=False),
        sa.Column("supplier_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
    )
    op.create_index("ix_supplier_identifiers_value", "supplier_identifiers", ["kind", "value"])
    op.create_index("ix_supplier_identifiers_supplier", "supplier_identifiers", ["supplier_id"])
    op.create_table(
        "supplier_links",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("keep_id", sa.String(64), nullable=False),
        sa.Column("other_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_supplier_links_other", "supplier_links", ["other_id"])
    op.create_index("ix_supplier_links_keep", "supplier_links", ["keep_id"])
    op.create_table(
        "registry_alerts",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("alert_id", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("supplier_id", sa.String(64), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=True),
        sa.Column("program_id", sa.String(64), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counts_until", sa.Date(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_registry_alerts_unpublished", "registry_alerts", ["published_at"])


def downgrade() -> None:
    op.drop_table("registry_alerts")
    op.drop_table("supplier_links")
    op.drop_table("supplier_identifiers")
