"""Monitoring check-ins and the programme's check-in schedule

Revision ID: f1b2c3d4e5a6
Revises: e7a9b3c1d402
Create Date: 2026-11-27 02:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1b2c3d4e5a6'
down_revision = 'e7a9b3c1d402'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('channel', sa.Enum('in_person', 'phone', 'online', name='channel_enum',
                                     native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('contact', sa.Enum('mentor', 'youth', 'parent', name='contact_enum',
                                     native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('relationship_quality', sa.Integer(), nullable=False),
        sa.Column('goal_progress', sa.Text(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('relationship_quality BETWEEN 1 AND 5',
                           name=op.f('ck_check_in_quality_range')),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_check_in_pair_id_pair'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                                name=op.f('fk_check_in_recorded_by_id_app_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_in_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_in_recorded_by_id'), ['recorded_by_id'],
                              unique=False)
    op.add_column('programme', sa.Column('checkins_first_month', sa.Integer(),
                                         server_default='2', nullable=False))
    op.add_column('programme', sa.Column('checkins_per_month', sa.Integer(),
                                         server_default='1', nullable=False))
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'checkins', 'checkins_first_month >= 0 AND checkins_per_month >= 0')


def downgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_constraint('ck_programme_checkins', type_='check')
        batch_op.drop_column('checkins_per_month')
        batch_op.drop_column('checkins_first_month')
    op.drop_table('check_in')
