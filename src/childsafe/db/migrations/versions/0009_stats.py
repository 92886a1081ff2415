"""stats: datasets, budget ledger, releases, figures

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa

from childsafe.db.base import UTCDateTime


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stats_dataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=400), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('variables', sa.JSON(), nullable=False),
    sa.Column('codebook', sa.JSON(), nullable=False),
    sa.Column('weight_cap', sa.Float(), nullable=False),
    sa.Column('epsilon_budget', sa.Float(), nullable=False),
    sa.Column('microdata', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('purged_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_dataset'))
    )
    with op.batch_alter_table('stats_dataset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_dataset_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_dataset_expires_at'), ['expires_at'], unique=False)

    op.create_table('stats_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=True),
    sa.Column('framework_version', sa.String(length=20), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=120), nullable=False),
    sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['stats_dataset.id'], name=op.f('fk_stats_release_dataset_id_stats_dataset'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_release'))
    )
    with op.batch_alter_table('stats_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_release_country'), ['country'], unique=False)

    op.create_table('stats_budget_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=True),
    sa.Column('epsilon', sa.Float(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['stats_dataset.id'], name=op.f('fk_stats_budget_entry_dataset_id_stats_dataset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['release_id'], ['stats_release.id'], name=op.f('fk_stats_budget_entry_release_id_stats_release'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_budget_entry'))
    )
    with op.batch_alter_table('stats_budget_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_budget_entry_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('stats_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=60), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('subgroup', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('margin', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['stats_release.id'], name=op.f('fk_stats_figure_release_id_stats_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_figure'))
    )
    with op.batch_alter_table('stats_figure', schema=None) as batch_op:
        batch_op.create_index('ix_stats_figure_lookup', ['indicator', 'year', 'country'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_figure_release_id'), ['release_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stats_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_figure_release_id'))
        batch_op.drop_index('ix_stats_figure_lookup')

    op.drop_table('stats_figure')
    with op.batch_alter_table('stats_budget_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_budget_entry_dataset_id'))

    op.drop_table('stats_budget_entry')
    with op.batch_alter_table('stats_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_release_country'))

    op.drop_table('stats_release')
    with op.batch_alter_table('stats_dataset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_dataset_expires_at'))
        batch_op.drop_index(batch_op.f('ix_stats_dataset_country'))

    op.drop_table('stats_dataset')
