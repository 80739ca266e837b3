"""Retention of closed cases: the programme's period and the youth's anonymisation date

Revision ID: e7a9b3c1d402
Revises: c4e8a1f2d305
Create Date: 2026-11-27 02:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a9b3c1d402'
down_revision = 'c4e8a1f2d305'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('programme', sa.Column('retention_months', sa.Integer(), server_default='60',
                                         nullable=False))
    op.add_column('youth', sa.Column('anonymised_on', sa.Date(), nullable=True))
    # SQLite adds a CHECK only by rebuilding the table; programme carries no triggers.
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_check_constraint('retention_months', 'retention_months >= 1')


def downgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_constraint('ck_programme_retention_months', type_='check')
        batch_op.drop_column('retention_months')
    with op.batch_alter_table('youth', schema=None) as batch_op:
        batch_op.drop_column('anonymised_on')
