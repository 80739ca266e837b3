"""Minutes per pair and month, kept by triggers on service_entry

Revision ID: 5e1f0c2a9b7d
Revises: 848bb86e1f7c
Create Date: 2026-11-27 01:20:00

"""
import sqlalchemy as sa
from alembic import op

import json
from pathlib import Path

# The statements as they were at this revision (the models' own have moved on since).
FROZEN = json.loads((Path(__file__).parent.parent / 'frozen' / '5e1f0c2a9b7d.json').read_text())

# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '848bb86e1f7c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'entry_month',
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('logged', 'approved', 'invoiced', 'rejected', name='status_enum',
                                    native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('billable', sa.Boolean(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_entry_month_pair_id_pair'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pair_id', 'month', 'status', 'billable',
                                name=op.f('pk_entry_month')),
    )
    with op.batch_alter_table('entry_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_month_month'), ['month'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect in FROZEN:
        op.execute(FROZEN[dialect]['backfill'])
        for statement in FROZEN[dialect]['triggers']:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('entry_month_insert', 'entry_month_delete', 'entry_month_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    elif dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS entry_month_sync ON service_entry')
        op.execute('DROP FUNCTION IF EXISTS entry_month_sync()')
    with op.batch_alter_table('entry_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_month_month'))
    op.drop_table('entry_month')
