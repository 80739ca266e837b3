"""Performance at national scale: kept per-pair figures, a partial index on waiting entries,
month-total triggers that leave invoicing's move to one grouped statement, trigram search

The home pages' task lists read what the database now keeps (models/kept.py): each pair's
latest entry and next check-in due, and in-person entries per pair, month and length;
waiting entries come from a small partial index instead of the status index over millions of
entries; issuing a provider-month no longer runs a trigger per entry
(``models.entry_month.move_invoiced`` moves the totals); names and case numbers are searched
through pg_trgm GIN indexes on PostgreSQL and FTS5 trigram tables on SQLite.

Revision ID: c9e4f1a2b3d4
Revises: 3a74e4bcaa40
Create Date: 2026-12-01 18:40:00

"""
import sqlalchemy as sa
from alembic import op

import json
from pathlib import Path

# The statements as the models wrote them at this revision (models/entry_month.py, kept.py,
# search.py): a later change of theirs needs a migration of its own.
FROZEN = json.loads((Path(__file__).parent.parent / 'frozen' / 'c9e4f1a2b3d4.json').read_text())


def sql(dialect, part):
    return FROZEN.get(dialect, {}).get(part, [])

# revision identifiers, used by Alembic.
revision = 'c9e4f1a2b3d4'
down_revision = '3a74e4bcaa40'
branch_labels = None
depends_on = None

TRIGRAM = {'youth': ('case_number', 'first_name', 'last_name', 'school'),
           'mentor': ('first_name', 'last_name')}


def _drop_triggers(dialect):
    for statement in sql(dialect, 'entry_month_drop'):
        op.execute(statement)


def upgrade():
    with op.batch_alter_table('service_entry', schema=None) as batch_op:
        batch_op.create_index('ix_service_entry_waiting', ['pair_id', 'day'], unique=False,
                              sqlite_where=sa.text("status = 'logged'"),
                              postgresql_where=sa.text("status = 'logged'"))
    op.create_table(
        'meeting_month',
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'],
                                name=op.f('fk_meeting_month_pair_id_pair'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pair_id', 'month', 'minutes', name=op.f('pk_meeting_month')),
    )
    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_entry_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_check_in_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_pair_status_last_entry', ['status', 'last_entry_on'],
                              unique=False)
        batch_op.create_index('ix_pair_status_next_check_in', ['status', 'next_check_in_on'],
                              unique=False)
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('matched', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.create_index('ix_referral_received_decided', ['received_on', 'decided_on'],
                              unique=False)
        batch_op.create_index('ix_referral_received_started',
                              ['received_on', 'first_started_on'], unique=False)
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    connection = op.get_bind()
    for statement in [*sql(dialect, 'entry_month_triggers'), *sql(dialect, 'kept_drop'),
                      *sql(dialect, 'kept_backfill'), *sql(dialect, 'kept_triggers'),
                      *sql(dialect, 'search')]:
        connection.exec_driver_sql(statement)
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for table, columns in TRIGRAM.items():
            for column in columns:
                op.create_index(f'ix_{table}_{column}_trgm', table, [column],
                                postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    for statement in [*sql(dialect, 'kept_drop'), *sql(dialect, 'kept_functions_drop'),
                      *sql(dialect, 'search_drop')]:
        op.execute(statement)
    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.drop_index('ix_pair_status_next_check_in')
        batch_op.drop_index('ix_pair_status_last_entry')
        batch_op.drop_column('next_check_in_on')
        batch_op.drop_column('last_entry_on')
    op.drop_table('meeting_month')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_received_started')
        batch_op.drop_index('ix_referral_received_decided')
        batch_op.drop_column('matched')
        batch_op.drop_column('first_started_on')
    if dialect == 'postgresql':
        for table, columns in TRIGRAM.items():
            for column in columns:
                op.drop_index(f'ix_{table}_{column}_trgm', table_name=table)
        op.execute('CREATE TRIGGER entry_month_sync AFTER INSERT OR DELETE OR UPDATE OF pair_id, '
                   'day, status, billable, minutes ON service_entry FOR EACH ROW '
                   'EXECUTE FUNCTION entry_month_sync()')
    elif dialect == 'sqlite':  # the update trigger as it was, for every change
        insert, delete, update = sql(dialect, 'entry_month_triggers')
        head, rest = update.split(' WHEN NOT (', 1)
        for statement in (insert, delete, head + ' BEGIN' + rest.split(') BEGIN', 1)[1]):
            op.execute(statement)
    with op.batch_alter_table('service_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_service_entry_waiting')
