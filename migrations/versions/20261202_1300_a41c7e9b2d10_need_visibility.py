"""need visibility

needs.visibility: who sees a need besides its organization and the platform admins: 'public'
(everyone), 'providers' (signed-in members of provider organizations; the default) or 'private'
(matching only). Existing needs become 'providers' (the server default fills them): until now
they were public, and a need names its company and its financing.

Revision ID: a41c7e9b2d10
Revises: 8c3f1a6e2b47
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41c7e9b2d10'
down_revision = '8c3f1a6e2b47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=10), server_default='providers', nullable=False))
        batch_op.create_check_constraint(op.f('ck_needs_visibility'), "visibility IN ('public', 'providers', 'private')")


def downgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_needs_visibility'), type_='check')
        batch_op.drop_column('visibility')
