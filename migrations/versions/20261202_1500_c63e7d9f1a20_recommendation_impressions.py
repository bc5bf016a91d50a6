"""recommendation impressions

recommendation_impressions: one row per recommendation shown to an organization (which ranking
produced it, on which surface, at which rank; when it was clicked). One row per viewer, need,
listing and surface a day (Chinese calendar day): two partial unique indexes, as a need is
optional and NULLs are never equal in a unique index.

Revision ID: c63e7d9f1a20
Revises: b52d8fa3c6e1
Create Date: 2026-12-02 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c63e7d9f1a20'
down_revision = 'b52d8fa3c6e1'
branch_labels = None
depends_on = None

SURFACES = "('need', 'organization', 'api')"
WITH_NEED = sa.text('need_id IS NOT NULL')
WITHOUT_NEED = sa.text('need_id IS NULL')


def upgrade():
    op.create_table('recommendation_impressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ranking', sa.String(length=40), nullable=False),
    sa.Column('surface', sa.String(length=16), nullable=False),
    sa.Column('viewer_org_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shown_on', sa.Date(), nullable=False),
    sa.Column('clicked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(f"surface IN {SURFACES}", name=op.f('ck_recommendation_impressions_surface')),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_recommendation_impressions_rank_positive')),
    sa.ForeignKeyConstraint(['viewer_org_id'], ['organizations.id'], name=op.f('fk_recommendation_impressions_viewer_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_recommendation_impressions_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_recommendation_impressions_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['organizations.id'], name=op.f('fk_recommendation_impressions_provider_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_impressions'))
    )
    with op.batch_alter_table('recommendation_impressions', schema=None) as batch_op:
        for column in ('need_id', 'listing_id', 'provider_org_id', 'shown_at'):
            batch_op.create_index(batch_op.f(f'ix_recommendation_impressions_{column}'), [column], unique=False)
        batch_op.create_index('ix_recommendation_impressions_once_a_day',
                              ['viewer_org_id', 'need_id', 'listing_id', 'surface', 'shown_on'], unique=True,
                              sqlite_where=WITH_NEED, postgresql_where=WITH_NEED)
        batch_op.create_index('ix_recommendation_impressions_once_a_day_no_need',
                              ['viewer_org_id', 'listing_id', 'surface', 'shown_on'], unique=True,
                              sqlite_where=WITHOUT_NEED, postgresql_where=WITHOUT_NEED)


def downgrade():
    with op.batch_alter_table('recommendation_impressions', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_impressions_once_a_day_no_need')
        batch_op.drop_index('ix_recommendation_impressions_once_a_day')
        for column in ('shown_at', 'provider_org_id', 'listing_id', 'need_id'):
            batch_op.drop_index(batch_op.f(f'ix_recommendation_impressions_{column}'))
    op.drop_table('recommendation_impressions')
