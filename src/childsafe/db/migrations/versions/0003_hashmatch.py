"""hashmatch: banks, signals, tombstones, match log, webhooks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hash_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('pdq_threshold', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('imported_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_bank')),
    sa.UniqueConstraint('name', name=op.f('uq_hash_bank_name'))
    )
    op.create_table('hash_signal_tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_signal_tombstone'))
    )
    with op.batch_alter_table('hash_signal_tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_signal_tombstone_signal_id'), ['signal_id'], unique=False)

    op.create_table('hash_webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_webhook'))
    )
    op.create_table('hash_match_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('signal_type', sa.String(length=20), nullable=False),
    sa.Column('query', sa.String(length=2100), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=True),
    sa.Column('signal_id', sa.Integer(), nullable=True),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['hash_bank.id'], name=op.f('fk_hash_match_event_bank_id_hash_bank'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_match_event'))
    )
    with op.batch_alter_table('hash_match_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_match_event_at'), ['at'], unique=False)

    op.create_table('hash_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('signal_type', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=2100), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['hash_bank.id'], name=op.f('fk_hash_signal_bank_id_hash_bank'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_signal')),
    sa.UniqueConstraint('bank_id', 'signal_type', 'value', name=op.f('uq_hash_signal_bank_id'))
    )
    with op.batch_alter_table('hash_signal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_signal_bank_id'), ['bank_id'], unique=False)
        batch_op.create_index('ix_hash_signal_type_value', ['signal_type', 'value'], unique=False)

    op.create_table('hash_webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['webhook_id'], ['hash_webhook.id'], name=op.f('fk_hash_webhook_delivery_webhook_id_hash_webhook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hash_webhook_delivery'))
    )
    with op.batch_alter_table('hash_webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hash_webhook_delivery_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hash_webhook_delivery_webhook_id'), ['webhook_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('hash_webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hash_webhook_delivery_webhook_id'))
        batch_op.drop_index(batch_op.f('ix_hash_webhook_delivery_next_attempt_at'))

    op.drop_table('hash_webhook_delivery')
    with op.batch_alter_table('hash_signal', schema=None) as batch_op:
        batch_op.drop_index('ix_hash_signal_type_value')
        batch_op.drop_index(batch_op.f('ix_hash_signal_bank_id'))

    op.drop_table('hash_signal')
    with op.batch_alter_table('hash_match_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hash_match_event_at'))

    op.drop_table('hash_match_event')
    op.drop_table('hash_webhook')
    with op.batch_alter_table('hash_signal_tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hash_signal_tombstone_signal_id'))

    op.drop_table('hash_signal_tombstone')
    op.drop_table('hash_bank')
