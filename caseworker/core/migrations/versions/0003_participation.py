"""Participation in a funded programme on the case: entry date and labour-market status at
entry, the date the person left and their results on leaving (ESF+ common indicators).

Migrations never import the models: each describes the schema as it stood at its own step.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

LABOUR_STATUS = ('unemployed', 'long_term_unemployed', 'inactive', 'employed', 'self_employed')
RESULTS = ('left_job_searching', 'left_in_education', 'left_qualification', 'left_employed')


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('entry_labour_status', sa.Enum(*LABOUR_STATUS, name='labour_status', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        for name in RESULTS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for name in reversed(RESULTS):
            batch_op.drop_column(name)
        batch_op.drop_column('left_on')
        batch_op.drop_column('entry_labour_status')
        batch_op.drop_column('entered_on')
