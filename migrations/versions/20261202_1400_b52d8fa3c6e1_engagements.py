"""engagements

engagements (an SME and a provider about a listing, optionally a need: stage, deal, response
times; one open per SME, provider and listing: a partial unique index), engagement_changes (the
stage history), engagement_messages (the conversation), engagement_reads (unread counts) and
engagement_reviews (the SME's rating of the provider, its reply, reports and moderation).

Revision ID: b52d8fa3c6e1
Revises: a41c7e9b2d10
Create Date: 2026-12-02 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b52d8fa3c6e1'
down_revision = 'a41c7e9b2d10'
branch_labels = None
depends_on = None

OPEN = sa.text("stage IN ('new', 'in_discussion', 'proposal')")
STAGES = "('new', 'in_discussion', 'proposal', 'won', 'lost', 'withdrawn')"
SIDES = "('seeker', 'provider')"
DEALS = "('loan', 'guarantee', 'lease', 'investment', 'licence', 'contract', 'enrolment', 'booth')"


def upgrade():
    op.create_table('engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('seeker_org_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.String(length=10), nullable=False),
    sa.Column('started_by_user_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('deal_kind', sa.String(length=12), nullable=True),
    sa.Column('amount_cny', sa.BigInteger(), nullable=True),
    sa.Column('lost_reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_message_side', sa.String(length=10), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint(f"stage IN {STAGES}", name=op.f('ck_engagements_stage')),
    sa.CheckConstraint(f"started_by IN {SIDES}", name=op.f('ck_engagements_started_by')),
    sa.CheckConstraint(f"deal_kind IS NULL OR deal_kind IN {DEALS}", name=op.f('ck_engagements_deal_kind')),
    sa.CheckConstraint('amount_cny IS NULL OR amount_cny >= 0', name=op.f('ck_engagements_amount_nonneg')),
    sa.CheckConstraint("(deal_kind IS NULL) OR stage = 'won'", name=op.f('ck_engagements_deal_when_won')),
    sa.CheckConstraint('seeker_org_id <> provider_org_id', name=op.f('ck_engagements_two_sides')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_engagements_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_engagements_need_id_needs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seeker_org_id'], ['organizations.id'], name=op.f('fk_engagements_seeker_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['organizations.id'], name=op.f('fk_engagements_provider_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_user_id'], ['users.id'], name=op.f('fk_engagements_started_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagements'))
    )
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        for column in ('listing_id', 'need_id', 'seeker_org_id', 'provider_org_id', 'stage', 'created_at'):
            batch_op.create_index(batch_op.f(f'ix_engagements_{column}'), [column], unique=False)
        batch_op.create_index('ix_engagements_one_open', ['seeker_org_id', 'provider_org_id', 'listing_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)

    op.create_table('engagement_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('from_stage', sa.String(length=16), nullable=True),
    sa.Column('to_stage', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"side IN {SIDES}", name=op.f('ck_engagement_changes_side')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_changes_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_engagement_changes_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_changes'))
    )
    with op.batch_alter_table('engagement_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_changes_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('engagement_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"side IN {SIDES}", name=op.f('ck_engagement_messages_side')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_messages_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_engagement_messages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_messages'))
    )
    with op.batch_alter_table('engagement_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_messages_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('engagement_reads',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_reads_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_engagement_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('engagement_id', 'user_id', name=op.f('pk_engagement_reads'))
    )
    with op.batch_alter_table('engagement_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_reads_user_id'), ['user_id'], unique=False)


    op.create_table('engagement_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('seeker_org_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('reply_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_reason', sa.String(length=500), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_engagement_reviews_rating_range')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_reviews_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['organizations.id'], name=op.f('fk_engagement_reviews_provider_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seeker_org_id'], ['organizations.id'], name=op.f('fk_engagement_reviews_seeker_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_engagement_reviews_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_engagement_reviews_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_by_id'], ['users.id'], name=op.f('fk_engagement_reviews_reply_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_reviews')),
    sa.UniqueConstraint('engagement_id', name=op.f('uq_engagement_reviews_engagement_id'))
    )
    with op.batch_alter_table('engagement_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_reviews_seeker_org_id'), ['seeker_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_reviews_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index('ix_engagement_reviews_provider_visible', ['provider_org_id', 'hidden_at'], unique=False)


def downgrade():
    op.drop_table('engagement_reviews')
    op.drop_table('engagement_reads')
    op.drop_table('engagement_messages')
    op.drop_table('engagement_changes')
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_engagements_one_open')
        for column in ('created_at', 'stage', 'provider_org_id', 'seeker_org_id', 'need_id', 'listing_id'):
            batch_op.drop_index(batch_op.f(f'ix_engagements_{column}'))
    op.drop_table('engagements')
