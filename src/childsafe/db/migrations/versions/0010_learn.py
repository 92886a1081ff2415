"""learn: lesson results, certificates, page drafts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learn_page_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=80), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=90), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('reviewer', sa.String(length=120), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learn_page_draft'))
    )
    with op.batch_alter_table('learn_page_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learn_page_draft_page'), ['page'], unique=False)
        batch_op.create_index(batch_op.f('ix_learn_page_draft_status'), ['status'], unique=False)

    op.create_table('learn_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('course', sa.String(length=60), nullable=False),
    sa.Column('course_revision', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_learn_certificate_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learn_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_learn_certificate_code')),
    sa.UniqueConstraint('user_id', 'course', name=op.f('uq_learn_certificate_user_id'))
    )
    op.create_table('learn_lesson_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course', sa.String(length=60), nullable=False),
    sa.Column('lesson', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_learn_lesson_result_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learn_lesson_result')),
    sa.UniqueConstraint('user_id', 'course', 'lesson', name=op.f('uq_learn_lesson_result_user_id'))
    )
    with op.batch_alter_table('learn_lesson_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learn_lesson_result_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('learn_lesson_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learn_lesson_result_user_id'))

    op.drop_table('learn_lesson_result')
    op.drop_table('learn_certificate')
    with op.batch_alter_table('learn_page_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learn_page_draft_status'))
        batch_op.drop_index(batch_op.f('ix_learn_page_draft_page'))

    op.drop_table('learn_page_draft')
