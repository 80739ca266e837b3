"""Version columns on youths, referrals, mentors and pairs (optimistic concurrency)

Revision ID: c4e8a1f2d305
Revises: 9b3d2e7f4a10
Create Date: 2026-11-27 01:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a1f2d305'
down_revision = '9b3d2e7f4a10'
branch_labels = None
depends_on = None

TABLES = ('youth', 'referral', 'mentor', 'pair')


# Plain ADD COLUMN (SQLite allows it with a constant default): no batch rebuild of the tables.
def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1',
                                       nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
