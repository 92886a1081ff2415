"""reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('url', sa.String(length=4100), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('where_seen', sa.String(length=200), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('contact', sa.String(length=254), nullable=True),
    sa.Column('media_hashes', sa.JSON(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('claimed_by', sa.Integer(), nullable=True),
    sa.Column('classification', sa.String(length=20), nullable=True),
    sa.Column('hosting_country', sa.String(length=2), nullable=True),
    sa.Column('forwarded_to', sa.String(length=40), nullable=True),
    sa.Column('assessed_at', UTCDateTime(), nullable=True),
    sa.Column('forwarded_at', UTCDateTime(), nullable=True),
    sa.Column('removed_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('analyst_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by'], ['user_account.id'], name=op.f('fk_report_claimed_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('reference', name=op.f('uq_report_reference'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_status'))
        batch_op.drop_index(batch_op.f('ix_report_received_at'))

    op.drop_table('report')
