"""Service entries indexed by status and day together

Revision ID: 9b3d2e7f4a10
Revises: 5e1f0c2a9b7d
Create Date: 2026-11-27 01:25:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9b3d2e7f4a10'
down_revision = '5e1f0c2a9b7d'
branch_labels = None
depends_on = None


# Plain index operations, not batch mode: a batch rebuild of service_entry on SQLite would
# drop the entry_month triggers with the old table.
def upgrade():
    op.drop_index('ix_service_entry_status', table_name='service_entry')
    op.create_index('ix_service_entry_status_day', 'service_entry', ['status', 'day'])


def downgrade():
    op.drop_index('ix_service_entry_status_day', table_name='service_entry')
    op.create_index('ix_service_entry_status', 'service_entry', ['status'])
