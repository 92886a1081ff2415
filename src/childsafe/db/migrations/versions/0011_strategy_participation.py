"""strategy and participation

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('participation_consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('intro', sa.JSON(), nullable=False),
    sa.Column('opens_at', UTCDateTime(), nullable=False),
    sa.Column('closes_at', UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_consultation')),
    sa.UniqueConstraint('slug', name=op.f('uq_participation_consultation_slug'))
    )
    op.create_table('participation_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('meeting', sa.String(length=120), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_document')),
    sa.UniqueConstraint('symbol', name=op.f('uq_participation_document_symbol'))
    )
    with op.batch_alter_table('participation_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_document_kind'), ['kind'], unique=False)

    op.create_table('participation_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('submitted_by', sa.String(length=120), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_submission'))
    )
    with op.batch_alter_table('participation_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_submission_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_submission_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_submission_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_submission_topic'), ['topic'], unique=False)

    op.create_table('strategy_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('framework_version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('finalised_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('published_scores', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_assessment'))
    )
    with op.batch_alter_table('strategy_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_assessment_country'), ['country'], unique=False)

    op.create_table('participation_document_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['participation_document.id'], name=op.f('fk_participation_document_file_document_id_participation_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_document_file')),
    sa.UniqueConstraint('document_id', 'lang', 'version', name=op.f('uq_participation_document_file_document_id'))
    )
    with op.batch_alter_table('participation_document_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_document_file_document_id'), ['document_id'], unique=False)

    op.create_table('participation_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['participation_consultation.id'], name=op.f('fk_participation_question_consultation_id_participation_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_question'))
    )
    with op.batch_alter_table('participation_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_question_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('participation_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('age_band', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['participation_consultation.id'], name=op.f('fk_participation_response_consultation_id_participation_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_response'))
    )
    with op.batch_alter_table('participation_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_response_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('strategy_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('capability', sa.String(length=80), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['strategy_assessment.id'], name=op.f('fk_strategy_answer_assessment_id_strategy_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_answer')),
    sa.UniqueConstraint('assessment_id', 'capability', name=op.f('uq_strategy_answer_assessment_id'))
    )
    with op.batch_alter_table('strategy_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_answer_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('strategy_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('capability', sa.String(length=80), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['strategy_assessment.id'], name=op.f('fk_strategy_comment_assessment_id_strategy_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_comment'))
    )
    with op.batch_alter_table('strategy_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_comment_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('strategy_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['strategy_assessment.id'], name=op.f('fk_strategy_member_assessment_id_strategy_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_strategy_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_member')),
    sa.UniqueConstraint('assessment_id', 'user_id', name=op.f('uq_strategy_member_assessment_id'))
    )
    with op.batch_alter_table('strategy_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_member_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_member_user_id'), ['user_id'], unique=False)

    op.create_table('participation_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('moderation', sa.String(length=10), nullable=True),
    sa.Column('moderated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['participation_question.id'], name=op.f('fk_participation_answer_question_id_participation_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['participation_response.id'], name=op.f('fk_participation_answer_response_id_participation_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_answer'))
    )
    with op.batch_alter_table('participation_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_answer_moderation'), ['moderation'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_answer_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('participation_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_answer_response_id'))
        batch_op.drop_index(batch_op.f('ix_participation_answer_question_id'))
        batch_op.drop_index(batch_op.f('ix_participation_answer_moderation'))

    op.drop_table('participation_answer')
    with op.batch_alter_table('strategy_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_strategy_member_assessment_id'))

    op.drop_table('strategy_member')
    with op.batch_alter_table('strategy_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_comment_assessment_id'))

    op.drop_table('strategy_comment')
    with op.batch_alter_table('strategy_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_answer_assessment_id'))

    op.drop_table('strategy_answer')
    with op.batch_alter_table('participation_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_response_consultation_id'))

    op.drop_table('participation_response')
    with op.batch_alter_table('participation_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_question_consultation_id'))

    op.drop_table('participation_question')
    with op.batch_alter_table('participation_document_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_document_file_document_id'))

    op.drop_table('participation_document_file')
    with op.batch_alter_table('strategy_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_assessment_country'))

    op.drop_table('strategy_assessment')
    with op.batch_alter_table('participation_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_submission_topic'))
        batch_op.drop_index(batch_op.f('ix_participation_submission_status'))
        batch_op.drop_index(batch_op.f('ix_participation_submission_region'))
        batch_op.drop_index(batch_op.f('ix_participation_submission_kind'))

    op.drop_table('participation_submission')
    with op.batch_alter_table('participation_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_document_kind'))

    op.drop_table('participation_document')
    op.drop_table('participation_consultation')
