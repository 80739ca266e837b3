"""Performance at national scale: a partial index on waiting entries, month-total triggers
that leave invoicing's move to one grouped statement, and trigram search on PostgreSQL

The home pages' waiting-entries task and the approval queue read a small partial index
instead of the status index over millions of entries; issuing a provider-month no longer
runs a trigger per entry (``models.entry_month.move_invoiced`` moves the totals); names and
case numbers are searched through pg_trgm GIN indexes where PostgreSQL has the extension.

Revision ID: c9e4f1a2b3d4
Revises: 3a74e4bcaa40
Create Date: 2026-12-01 18:40:00

"""
import sqlalchemy as sa
from alembic import op

from models.entry_month import triggers

# revision identifiers, used by Alembic.
revision = 'c9e4f1a2b3d4'
down_revision = '3a74e4bcaa40'
branch_labels = None
depends_on = None

OLD_SQLITE = ('entry_month_insert', 'entry_month_delete', 'entry_month_update')
TRIGRAM = {'youth': ('case_number', 'first_name', 'last_name', 'school'),
           'mentor': ('first_name', 'last_name')}


def _drop_triggers(dialect):
    if dialect == 'sqlite':
        for name in OLD_SQLITE:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    elif dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS entry_month_sync ON service_entry')
        op.execute('DROP TRIGGER IF EXISTS entry_month_sync_update ON service_entry')


def upgrade():
    with op.batch_alter_table('service_entry', schema=None) as batch_op:
        batch_op.create_index('ix_service_entry_waiting', ['pair_id', 'day'], unique=False,
                              sqlite_where=sa.text("status = 'logged'"),
                              postgresql_where=sa.text("status = 'logged'"))
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    for statement in triggers(dialect):
        op.execute(statement)
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for table, columns in TRIGRAM.items():
            for column in columns:
                op.create_index(f'ix_{table}_{column}_trgm', table, [column],
                                postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    if dialect == 'postgresql':
        for table, columns in TRIGRAM.items():
            for column in columns:
                op.drop_index(f'ix_{table}_{column}_trgm', table_name=table)
        op.execute('CREATE TRIGGER entry_month_sync AFTER INSERT OR DELETE OR UPDATE OF pair_id, '
                   'day, status, billable, minutes ON service_entry FOR EACH ROW '
                   'EXECUTE FUNCTION entry_month_sync()')
    elif dialect == 'sqlite':  # the update trigger as it was, for every change
        insert, delete, update = triggers(dialect)
        head, rest = update.split(' WHEN NOT (', 1)
        for statement in (insert, delete, head + ' BEGIN' + rest.split(') BEGIN', 1)[1]):
            op.execute(statement)
    with op.batch_alter_table('service_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_service_entry_waiting')
