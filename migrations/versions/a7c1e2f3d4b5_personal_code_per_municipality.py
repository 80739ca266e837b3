"""A personal code is unique within a municipality, not across them: each social service
keeps its own record of a person and never learns of another's

Revision ID: a7c1e2f3d4b5
Revises: 4ff64da22d19
Create Date: 2026-12-01 11:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c1e2f3d4b5'
down_revision = '4ff64da22d19'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('youth', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_youth_personal_code'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_youth_municipality_id_personal_code'),
                                          ['municipality_id', 'personal_code'])


def downgrade():
    with op.batch_alter_table('youth', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_youth_municipality_id_personal_code'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_youth_personal_code'),
                                          ['personal_code'])
