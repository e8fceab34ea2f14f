"""alerts: the measure that judged the change and both realised UMK figures, for the payload

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("measure", sa.String(16), nullable=True))
        batch.add_column(sa.Column("declared", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("verified", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("verified")
        batch.drop_column("declared")
        batch.drop_column("measure")
