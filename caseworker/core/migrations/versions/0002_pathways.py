"""Pathways and their steps, referrals with a snapshot of the service given, and service events.

Migrations never import the models: each describes the schema as it stood at its own step.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pathway',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('status', sa.Enum('active', 'paused', 'completed', 'dropped', name='pathway_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_pathway_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by'], ['user_account.id'], name=op.f('fk_pathway_started_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway'))
    )
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_case_id'), ['case_id'], unique=False)

    op.create_table('pathway_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pathway_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'skipped', name='step_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['pathway_id'], ['pathway.id'], name=op.f('fk_pathway_step_pathway_id_pathway'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_step'))
    )
    with op.batch_alter_table('pathway_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_step_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_pathway_step_pathway_id'), ['pathway_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('service_id', sa.String(length=36), nullable=False),
    sa.Column('service_name', sa.Text(), nullable=False),
    sa.Column('organization_name', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('hours', sa.Text(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('made', 'contacted', 'attended', 'outcome', name='referral_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=True),
    sa.Column('attended_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('enrolled', 'accepted', 'refused', 'no_show', 'other', name='referral_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('made_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_referral_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['made_by'], ['user_account.id'], name=op.f('fk_referral_made_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['step_id'], ['pathway_step.id'], name=op.f('fk_referral_step_id_pathway_step'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_made_on'), ['made_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_step_id'), ['step_id'], unique=False)

    op.create_table('service_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pathway_started', 'step_done', 'pathway_completed', 'pathway_dropped', 'referral_made', 'referral_outcome', name='event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('pathway_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_service_event_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pathway_id'], ['pathway.id'], name=op.f('fk_service_event_pathway_id_pathway'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_service_event_referral_id_referral'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_service_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_event'))
    )
    with op.batch_alter_table('service_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_event_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_event_occurred_on'), ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_event_pathway_id'), ['pathway_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_event_referral_id'), ['referral_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('service_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_event_referral_id'))
        batch_op.drop_index(batch_op.f('ix_service_event_pathway_id'))
        batch_op.drop_index(batch_op.f('ix_service_event_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_service_event_case_id'))

    op.drop_table('service_event')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_step_id'))
        batch_op.drop_index(batch_op.f('ix_referral_made_on'))
        batch_op.drop_index(batch_op.f('ix_referral_case_id'))

    op.drop_table('referral')
    with op.batch_alter_table('pathway_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_step_pathway_id'))
        batch_op.drop_index(batch_op.f('ix_pathway_step_due_on'))

    op.drop_table('pathway_step')
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_case_id'))

    op.drop_table('pathway')
