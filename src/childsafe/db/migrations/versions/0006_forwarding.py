"""report forwarding channels

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('target', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_channel'))
    )
    with op.batch_alter_table('report_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_channel_destination'), ['destination'], unique=False)

    op.create_table('report_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['report_channel.id'], name=op.f('fk_report_delivery_channel_id_report_channel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_delivery_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_delivery'))
    )
    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_delivery_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_delivery_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_delivery_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_delivery_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_delivery_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_report_delivery_channel_id'))

    op.drop_table('report_delivery')
    with op.batch_alter_table('report_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_channel_destination'))

    op.drop_table('report_channel')
