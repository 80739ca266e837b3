"""Safety concerns, closure reasons and rematch, consent records, reminders sent, and the
programme's decision target, reminder and logging-deadline settings

Revision ID: 4ff64da22d19
Revises: f1b2c3d4e5a6
Create Date: 2026-11-27 03:44:24.615575

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '4ff64da22d19'
down_revision = 'f1b2c3d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closure_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('planned', 'unplanned', name='kind_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name_lv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_reason')),
    sa.UniqueConstraint('name_lv', name=op.f('uq_closure_reason_name_lv'))
    )
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('given_by', sa.Enum('youth', 'parent', name='given_by_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('purpose', sa.Enum('service', 'data', 'sharing', 'photos', name='purpose_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('method', sa.Enum('written', 'electronic', 'oral', name='method_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= given_on', name=op.f('ck_consent_withdrawn_after_given')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_consent_recorded_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['youth_id'], ['youth.id'], name=op.f('fk_consent_youth_id_youth'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_withdrawn_on'), ['withdrawn_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_youth_id'), ['youth_id'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_reminder_sent_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('user_id', 'kind', 'key', name=op.f('uq_reminder_sent_user_id_kind_key'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_sent_sent_on'), ['sent_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_sent_user_id'), ['user_id'], unique=False)

    op.create_table('safety_concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('category', sa.Enum('abuse', 'self_harm', 'substances', 'violence', 'boundaries', 'offence', 'other', name='category_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', 'critical', name='severity_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('actions_taken', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("closed_on IS NULL OR resolution != ''", name=op.f('ck_safety_concern_resolution_on_close')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= raised_on', name=op.f('ck_safety_concern_closed_after')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_safety_concern_closed_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_safety_concern_pair_id_pair'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['raised_by_id'], ['app_user.id'], name=op.f('fk_safety_concern_raised_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_concern'))
    )
    with op.batch_alter_table('safety_concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_concern_closed_by_id'), ['closed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_concern_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_concern_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_concern_raised_by_id'), ['raised_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_concern_severity'), ['severity'], unique=False)

    op.create_table('safety_concern_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('raised', 'update', 'closed', name='kind_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_safety_concern_event_actor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['concern_id'], ['safety_concern.id'], name=op.f('fk_safety_concern_event_concern_id_safety_concern'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_concern_event'))
    )
    with op.batch_alter_table('safety_concern_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_concern_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_concern_event_concern_id'), ['concern_id'], unique=False)

    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closure_kind', sa.Enum('planned', 'unplanned', name='closure_kind_enum', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('closure_reason_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exit_note_mentor', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('exit_note_youth', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('exit_note_parent', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rematch_offered', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rematch_accepted', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('previous_pair_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pair_closure_reason_id'), ['closure_reason_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_pair_previous_pair_id'), ['previous_pair_id'])
        batch_op.create_index('uq_pair_running_referral', ['referral_id'], unique=True,
                              sqlite_where=sa.text("status IN ('proposed', 'active', 'paused')"),
                              postgresql_where=sa.text("status IN ('proposed', 'active', 'paused')"))
        batch_op.create_foreign_key(batch_op.f('fk_pair_previous_pair_id_pair'), 'pair', ['previous_pair_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_pair_closure_reason_id_closure_reason'), 'closure_reason', ['closure_reason_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('rematch_offered', 'rematch_offered OR NOT rematch_accepted')

    op.add_column('programme', sa.Column('decision_target_days', sa.Integer(), server_default='14', nullable=False))
    op.add_column('programme', sa.Column('reminder_idle_days', sa.Integer(), server_default='10', nullable=False))
    op.add_column('programme', sa.Column('hours_deadline_day', sa.Integer(), server_default='5', nullable=False))
    _seed_reasons()
    _consents_from_intake()


REASONS = [
    ("planned", "Sadarbības laiks beidzās, mērķi sasniegti", "Agreed period over, goals met"),
    ("planned", "Sadarbības laiks beidzās, mērķi daļēji sasniegti",
     "Agreed period over, goals partly met"),
    ("unplanned", "Jaunietis atteicās turpināt", "The youth chose to stop"),
    ("unplanned", "Mentors nevar turpināt", "The mentor cannot continue"),
    ("unplanned", "Jaunietis pārcēlās", "The youth moved away"),
    ("unplanned", "Drošības apsvērumi", "Safety concerns"),
    ("unplanned", "Pāris nesadarbojās", "The pair did not work out"),
    ("unplanned", "Piekrišana atsaukta", "Consent withdrawn"),
]


def _seed_reasons():
    table = sa.table('closure_reason', sa.column('kind', sa.String), sa.column('name_lv', sa.String),
                     sa.column('name_en', sa.String), sa.column('active', sa.Boolean))
    op.bulk_insert(table, [{"kind": k, "name_lv": lv, "name_en": en, "active": True}
                           for k, lv, en in REASONS])


def _consents_from_intake():
    """The intake's two consent boxes become the first consent records (service purpose)."""
    now = dt.datetime.now(dt.timezone.utc)
    for column, giver in (("consent_youth", "youth"), ("consent_guardian", "parent")):
        op.execute(sa.text(
            "INSERT INTO consent (youth_id, given_by, purpose, method, given_on, note, recorded_at) "
            f"SELECT id, '{giver}', 'service', 'written', "
            "COALESCE(consent_date, CAST(created_at AS DATE)), '', :now "
            f"FROM youth WHERE {column} AND anonymised_on IS NULL").bindparams(now=now))


def downgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('hours_deadline_day')
        batch_op.drop_column('reminder_idle_days')
        batch_op.drop_column('decision_target_days')

    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.drop_constraint('rematch_offered', type_='check')
        batch_op.drop_constraint('closure_kind_enum', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pair_closure_reason_id_closure_reason'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_pair_previous_pair_id_pair'), type_='foreignkey')
        batch_op.drop_index('uq_pair_running_referral')
        batch_op.drop_constraint(batch_op.f('uq_pair_previous_pair_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_pair_closure_reason_id'))
        batch_op.drop_column('previous_pair_id')
        batch_op.drop_column('rematch_accepted')
        batch_op.drop_column('rematch_offered')
        batch_op.drop_column('exit_note_parent')
        batch_op.drop_column('exit_note_youth')
        batch_op.drop_column('exit_note_mentor')
        batch_op.drop_column('closure_reason_id')
        batch_op.drop_column('closure_kind')

    with op.batch_alter_table('safety_concern_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_concern_event_concern_id'))
        batch_op.drop_index(batch_op.f('ix_safety_concern_event_actor_id'))

    op.drop_table('safety_concern_event')
    with op.batch_alter_table('safety_concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_concern_severity'))
        batch_op.drop_index(batch_op.f('ix_safety_concern_raised_by_id'))
        batch_op.drop_index(batch_op.f('ix_safety_concern_pair_id'))
        batch_op.drop_index(batch_op.f('ix_safety_concern_closed_on'))
        batch_op.drop_index(batch_op.f('ix_safety_concern_closed_by_id'))

    op.drop_table('safety_concern')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_user_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_sent_sent_on'))

    op.drop_table('reminder_sent')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_youth_id'))
        batch_op.drop_index(batch_op.f('ix_consent_withdrawn_on'))
        batch_op.drop_index(batch_op.f('ix_consent_recorded_by_id'))

    op.drop_table('consent')
    op.drop_table('closure_reason')
