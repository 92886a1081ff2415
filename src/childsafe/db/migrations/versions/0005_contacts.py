"""helpline contact records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('helpline_contact_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('taxonomy_version', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('caller', sa.String(length=20), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('gender', sa.String(length=12), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('referrals', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_helpline_contact_record_recorded_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helpline_contact_record'))
    )
    with op.batch_alter_table('helpline_contact_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helpline_contact_record_recorded_at'), ['recorded_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('helpline_contact_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helpline_contact_record_recorded_at'))

    op.drop_table('helpline_contact_record')
