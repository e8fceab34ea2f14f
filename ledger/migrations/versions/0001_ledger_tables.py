"""ledger tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 23:43:00.976253
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('buyers',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('region', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('region', sa.String(length=4), nullable=False),
    sa.Column('supplier_id', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('reverses', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('lines', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_entries_buyer_period', 'entries', ['buyer_id', 'period'], unique=False)
    op.create_index('ix_entries_recorded_at', 'entries', ['recorded_at'], unique=False)
    op.create_index('ix_entries_reverses', 'entries', ['reverses'], unique=False)
    op.create_index('ix_entries_supplier_booked_on', 'entries', ['supplier_id', 'booked_on'], unique=False)
    op.create_table('positions',
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('scale', sa.String(length=16), nullable=False),
    sa.Column('cooperative', sa.Boolean(), nullable=False),
    sa.Column('local', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('buyer_id', 'period', 'channel', 'scale', 'cooperative', 'local')
    )
    op.create_table('receipts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('epoch', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('epoch', 'topic', 'partition', 'offset', name='uq_receipts_position')
    )
    op.create_index('ix_receipts_topic_outcome', 'receipts', ['topic', 'outcome'], unique=False)
    op.create_table('registrations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('supplier_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=4), nullable=False),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('sector', sa.String(length=200), nullable=True),
    sa.Column('scale', sa.String(length=16), nullable=False),
    sa.Column('scale_derived', sa.Boolean(), nullable=False),
    sa.Column('cooperative', sa.String(length=32), nullable=True),
    sa.Column('capital', sa.BigInteger(), nullable=True),
    sa.Column('annual_sales', sa.BigInteger(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_registrations_supplier', 'registrations', ['supplier_id', 'valid_from'], unique=False)
    op.create_table('rejections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('epoch', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('errors', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('raw_encoding', sa.String(length=8), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('epoch', 'topic', 'partition', 'offset', name='uq_rejections_position')
    )
    op.create_index('ix_rejections_unpublished', 'rejections', ['published_at'], unique=False)



def downgrade() -> None:

    op.drop_index('ix_rejections_unpublished', table_name='rejections')
    op.drop_table('rejections')
    op.drop_index('ix_registrations_supplier', table_name='registrations')
    op.drop_table('registrations')
    op.drop_index('ix_receipts_topic_outcome', table_name='receipts')
    op.drop_table('receipts')
    op.drop_table('positions')
    op.drop_index('ix_entries_supplier_booked_on', table_name='entries')
    op.drop_index('ix_entries_reverses', table_name='entries')
    op.drop_index('ix_entries_recorded_at', table_name='entries')
    op.drop_index('ix_entries_buyer_period', table_name='entries')
    op.drop_table('entries')
    op.drop_table('buyers')

