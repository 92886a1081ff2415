"""filtering: lists, profiles, devices, requests, counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('filter_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=False),
    sa.Column('attribution', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('block_by_default', sa.Boolean(), nullable=False),
    sa.Column('imported_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filter_list')),
    sa.UniqueConstraint('name', name=op.f('uq_filter_list_name'))
    )
    op.create_table('filter_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('preset', sa.String(length=20), nullable=False),
    sa.Column('extra_categories', sa.JSON(), nullable=False),
    sa.Column('unblocked_categories', sa.JSON(), nullable=False),
    sa.Column('allow', sa.JSON(), nullable=False),
    sa.Column('block', sa.JSON(), nullable=False),
    sa.Column('schedules', sa.JSON(), nullable=False),
    sa.Column('budgets', sa.JSON(), nullable=False),
    sa.Column('safe_search', sa.Boolean(), nullable=False),
    sa.Column('youtube', sa.String(length=10), nullable=False),
    sa.Column('block_unforceable', sa.Boolean(), nullable=False),
    sa.Column('block_mode', sa.String(length=10), nullable=False),
    sa.Column('bypass_protection', sa.Boolean(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_filter_profile_owner_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filter_profile'))
    )
    with op.batch_alter_table('filter_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filter_profile_owner_id'), ['owner_id'], unique=False)

    op.create_table('filter_access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('reason', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('expires_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['filter_profile.id'], name=op.f('fk_filter_access_request_profile_id_filter_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filter_access_request'))
    )
    with op.batch_alter_table('filter_access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filter_access_request_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_filter_access_request_profile_id'), ['profile_id'], unique=False)

    op.create_table('filter_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('network', sa.String(length=50), nullable=True),
    sa.Column('doh_token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['filter_profile.id'], name=op.f('fk_filter_device_profile_id_filter_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filter_device')),
    sa.UniqueConstraint('doh_token', name=op.f('uq_filter_device_doh_token'))
    )
    with op.batch_alter_table('filter_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filter_device_profile_id'), ['profile_id'], unique=False)

    op.create_table('filter_query_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['filter_profile.id'], name=op.f('fk_filter_query_count_profile_id_filter_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filter_query_count')),
    sa.UniqueConstraint('profile_id', 'label', 'day', name=op.f('uq_filter_query_count_profile_id'))
    )
    with op.batch_alter_table('filter_query_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filter_query_count_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_filter_query_count_profile_id'), ['profile_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('filter_query_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filter_query_count_profile_id'))
        batch_op.drop_index(batch_op.f('ix_filter_query_count_day'))

    op.drop_table('filter_query_count')
    with op.batch_alter_table('filter_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filter_device_profile_id'))

    op.drop_table('filter_device')
    with op.batch_alter_table('filter_access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filter_access_request_profile_id'))
        batch_op.drop_index(batch_op.f('ix_filter_access_request_expires_at'))

    op.drop_table('filter_access_request')
    with op.batch_alter_table('filter_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filter_profile_owner_id'))

    op.drop_table('filter_profile')
    op.drop_table('filter_list')
