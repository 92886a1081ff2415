"""report image quarantine

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.LargeBinary(length=12), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', UTCDateTime(), nullable=False),
    sa.Column('delete_after', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_image_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_image')),
    sa.UniqueConstraint('report_id', name=op.f('uq_report_image_report_id'))
    )
    with op.batch_alter_table('report_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_image_delete_after'), ['delete_after'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_image_delete_after'))

    op.drop_table('report_image')
