"""review requests of hidden postings

review_requests: an owner's request that a moderator look again at a hidden listing or need
(after editing it), and the moderator's decision (approved / kept hidden, with the new reason).
At most one open request per posting: a unique index over the undecided rows.

Revision ID: 5b7e2c4d9a10
Revises: 211f9532b93c
Create Date: 2026-12-02 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2c4d9a10'
down_revision = '211f9532b93c'
branch_labels = None
depends_on = None

OPEN = sa.text('decided_at IS NULL')


def upgrade():
    op.create_table('review_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint('(listing_id IS NULL) <> (need_id IS NULL)', name=op.f('ck_review_requests_one_posting')),
    sa.CheckConstraint("outcome IN ('approved', 'kept_hidden')", name=op.f('ck_review_requests_outcome')),
    sa.CheckConstraint('(outcome IS NULL) = (decided_at IS NULL)', name=op.f('ck_review_requests_decided')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_review_requests_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_review_requests_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_review_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_review_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_requests'))
    )
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_requests_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index('ix_review_requests_open_listing', ['listing_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_review_requests_open_need', ['need_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_review_requests_open_need')
        batch_op.drop_index('ix_review_requests_open_listing')
        batch_op.drop_index(batch_op.f('ix_review_requests_requested_at'))

    op.drop_table('review_requests')
