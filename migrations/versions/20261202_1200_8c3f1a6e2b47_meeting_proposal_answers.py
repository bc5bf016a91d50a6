"""meeting proposal answers

meetings.low_answer / high_answer: each side's answer ('' none yet, 'accepted', 'declined') to
a meeting the platform recommended; a recommended meeting reaches the agendas only when both
sides accepted it.

Revision ID: 8c3f1a6e2b47
Revises: 5b7e2c4d9a10
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c3f1a6e2b47'
down_revision = '5b7e2c4d9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('low_answer', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('high_answer', sa.String(length=10), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_meetings_low_answer'), "low_answer IN ('', 'accepted', 'declined')")
        batch_op.create_check_constraint(op.f('ck_meetings_high_answer'), "high_answer IN ('', 'accepted', 'declined')")


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meetings_high_answer'), type_='check')
        batch_op.drop_constraint(op.f('ck_meetings_low_answer'), type_='check')
        batch_op.drop_column('high_answer')
        batch_op.drop_column('low_answer')
