"""documents and consents

documents (files an organization keeps in its library or sent in a conversation: the type
sniffed from the content, stored under a random key outside the web root), engagement_consents
(what an SME lets the provider of an engagement see: profile fields and library documents,
granted and withdrawn with time and person) with engagement_consent_documents, and the
organization's tax credit level (纳税信用等级, members only or shared by consent).

Revision ID: d74f8e0a2b31
Revises: c63e7d9f1a20
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd74f8e0a2b31'
down_revision = 'c63e7d9f1a20'
branch_labels = None
depends_on = None

KINDS = "('business_licence', 'financial_statements', 'pitch_deck', 'patent_certificate', 'other')"


def upgrade():
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"kind IN {KINDS}", name=op.f('ck_documents_kind')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_documents_size_positive')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_documents_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['engagement_messages.id'], name=op.f('fk_documents_message_id_engagement_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_documents_storage_key')),
    )
    op.create_index(op.f('ix_documents_organization_id'), 'documents', ['organization_id'], unique=False)
    op.create_index(op.f('ix_documents_message_id'), 'documents', ['message_id'], unique=False)
    op.create_table('engagement_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_consents_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_engagement_consents_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_engagement_consents_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_consents')),
    )
    op.create_index(op.f('ix_engagement_consents_engagement_id'), 'engagement_consents', ['engagement_id'], unique=False)
    op.create_table('engagement_consent_documents',
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['engagement_consents.id'], name=op.f('fk_engagement_consent_documents_consent_id_engagement_consents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_engagement_consent_documents_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consent_id', 'document_id', name=op.f('pk_engagement_consent_documents')),
    )
    op.create_index(op.f('ix_engagement_consent_documents_document_id'), 'engagement_consent_documents', ['document_id'], unique=False)
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_credit_level', sa.String(length=1), nullable=True))
        batch_op.create_check_constraint(op.f('ck_organizations_tax_credit_level'), "tax_credit_level IN ('A', 'B', 'M', 'C', 'D')")


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organizations_tax_credit_level'), type_='check')
        batch_op.drop_column('tax_credit_level')
    op.drop_index(op.f('ix_engagement_consent_documents_document_id'), table_name='engagement_consent_documents')
    op.drop_table('engagement_consent_documents')
    op.drop_index(op.f('ix_engagement_consents_engagement_id'), table_name='engagement_consents')
    op.drop_table('engagement_consents')
    op.drop_index(op.f('ix_documents_message_id'), table_name='documents')
    op.drop_index(op.f('ix_documents_organization_id'), table_name='documents')
    op.drop_table('documents')
