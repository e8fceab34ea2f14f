"""compliance: targets, standings, alerts and their deliveries

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", ID, primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
    )
    op.create_index("ix_targets_key", "targets", ["key", "occurred_at"])
    op.create_table(
        "standings",
        sa.Column("program_id", sa.String(64), primary_key=True),
        sa.Column("buyer_id", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("actual", sa.BigInteger(), nullable=False),
        sa.Column("required", sa.BigInteger(), nullable=False),
        sa.Column("shortfall", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("base", sa.BigInteger(), nullable=True),
        sa.Column("share_bp", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(2), nullable=True),
        sa.Column("evaluated_at", WHEN, nullable=False),
        sa.Column("changed_at", WHEN, nullable=True),
    )
    op.create_table(
        "alerts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("alert_id", sa.String(200), nullable=False, unique=True),
        sa.Column("program_id", sa.String(64), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("previous", sa.String(16), nullable=True),
        sa.Column("actual", sa.BigInteger(), nullable=False),
        sa.Column("required", sa.BigInteger(), nullable=False),
        sa.Column("shortfall", sa.BigInteger(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(2), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("as_of", WHEN, nullable=False),
        sa.Column("detected_at", WHEN, nullable=False),
        sa.Column("published_at", WHEN, nullable=True),
    )
    op.create_index("ix_alerts_unpublished", "alerts", ["published_at"])
    op.create_index("ix_alerts_program_buyer", "alerts", ["program_id", "buyer_id", "period"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", ID, primary_key=True),
        sa.Column("alert_id", sa.String(200), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempted_at", WHEN, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
    )
    op.create_index("ix_alert_deliveries_attempt", "alert_deliveries", ["alert_id", "url", "attempt"], unique=True)
    op.create_table(
        "evaluations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("evaluated_at", WHEN, nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    op.drop_table("standings")
    op.drop_table("targets")
