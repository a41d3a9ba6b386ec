"""More than one preferred language for a person: the languages, after the first, in which they
would rather read a handout, in order.

Migrations never import the models: each describes the schema as it stood at its own step.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_languages', sa.String(length=200), server_default=sa.text("''"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('other_languages')
