"""Baseline: the case-file schema of the first release.

Migrations never import the models: each describes the schema as it stood at its own step.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('host_language', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_latin', sa.String(length=200), nullable=False),
    sa.Column('name_native', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=400), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('birth_month', sa.Integer(), nullable=True),
    sa.Column('birth_day', sa.Integer(), nullable=True),
    sa.Column('gender', sa.Enum('woman', 'man', 'non_binary', 'not_stated', name='gender', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stateless', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('preferred_language', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('birth_day IS NULL OR birth_day BETWEEN 1 AND 31', name=op.f('ck_person_birth_day')),
    sa.CheckConstraint('birth_month IS NULL OR birth_month BETWEEN 1 AND 12', name=op.f('ck_person_birth_month')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('coordinator', 'caseworker', 'volunteer', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('case_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'on_hold', 'closed', name='case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('closure_reason', sa.Enum('employed', 'in_education', 'goals_met', 'moved_away', 'no_longer_in_contact', 'referred_elsewhere', 'client_request', 'other', name='closure_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('closure_note', sa.Text(), nullable=False),
    sa.Column('assigned_to', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('last_contact_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to'], ['user_account.id'], name=op.f('fk_case_file_assigned_to_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_case_file_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
    sa.UniqueConstraint('reference', name=op.f('uq_case_file_reference'))
    )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_file_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_last_contact_on'), ['last_contact_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_status'), ['status'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('storage', 'sharing', 'statistics', name='consent_scope', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('written', 'verbal', 'electronic', name='consent_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consent_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_person_id'), ['person_id'], unique=False)

    op.create_table('education',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('isced_level', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('year_completed', sa.Integer(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_education_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education'))
    )
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_person_id'), ['person_id'], unique=False)

    op.create_table('language_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Enum('A1', 'A2', 'B1', 'B2', 'C1', 'C2', name='cefr_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('mother_tongue', sa.Boolean(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_language_skill_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_language_skill'))
    )
    with op.batch_alter_table('language_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_language_skill_person_id'), ['person_id'], unique=False)

    op.create_table('legal_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('asylum_seeker', 'refugee', 'subsidiary_protection', 'temporary_protection', 'family_reunification', 'work_permit', 'student', 'undocumented', 'other', name='legal_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('permit_from', sa.Date(), nullable=True),
    sa.Column('permit_until', sa.Date(), nullable=True),
    sa.Column('work_authorisation', sa.Enum('yes', 'restricted', 'no', name='work_authorisation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('work_from', sa.Date(), nullable=True),
    sa.Column('work_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_legal_status_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_status'))
    )
    with op.batch_alter_table('legal_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_status_permit_until'), ['permit_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_status_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_status_work_until'), ['work_until'], unique=False)

    op.create_table('nationality',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_nationality_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'country', name=op.f('pk_nationality'))
    )
    op.create_table('qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('has_documents', sa.Boolean(), nullable=False),
    sa.Column('recognition', sa.Enum('not_started', 'documents_gathered', 'applied', 'recognised', 'partly_recognised', 'refused', 'qualifications_passport', 'not_needed', name='recognition_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('recognition_body', sa.String(length=200), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_qualification_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification'))
    )
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualification_person_id'), ['person_id'], unique=False)

    op.create_table('work_experience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=200), nullable=False),
    sa.Column('isco_code', sa.String(length=4), nullable=True),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('start_year', sa.Integer(), nullable=True),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_work_experience_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_experience'))
    )
    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_experience_person_id'), ['person_id'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'achieved', 'dropped', name='goal_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_goal_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_case_id'), ['case_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('in_person', 'phone', 'video', 'message', name='meeting_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_meeting_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['caseworker_id'], ['user_account.id'], name=op.f('fk_meeting_caseworker_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))
        batch_op.drop_index(batch_op.f('ix_meeting_case_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_case_id'))

    op.drop_table('goal')
    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_experience_person_id'))

    op.drop_table('work_experience')
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualification_person_id'))

    op.drop_table('qualification')
    op.drop_table('nationality')
    with op.batch_alter_table('legal_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_status_work_until'))
        batch_op.drop_index(batch_op.f('ix_legal_status_person_id'))
        batch_op.drop_index(batch_op.f('ix_legal_status_permit_until'))

    op.drop_table('legal_status')
    with op.batch_alter_table('language_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_language_skill_person_id'))

    op.drop_table('language_skill')
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_person_id'))

    op.drop_table('education')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_person_id'))

    op.drop_table('consent')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_status'))
        batch_op.drop_index(batch_op.f('ix_case_file_person_id'))
        batch_op.drop_index(batch_op.f('ix_case_file_last_contact_on'))
        batch_op.drop_index(batch_op.f('ix_case_file_assigned_to'))

    op.drop_table('case_file')
    op.drop_table('user_account')
    op.drop_table('person')
    op.drop_table('organisation')
