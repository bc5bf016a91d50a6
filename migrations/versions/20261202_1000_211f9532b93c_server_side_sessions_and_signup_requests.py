"""server-side sessions and signup requests

user_sessions: one row per signed-in browser (logging out deletes it); signup_requests: sign-ups
awaiting e-mail confirmation; users.session_nonce goes (a session now ends with its row).

Revision ID: 211f9532b93c
Revises: 684fa1580c9d
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '211f9532b93c'
down_revision = '684fa1580c9d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table('signup_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signup_requests')),
    sa.UniqueConstraint('email', name=op.f('uq_signup_requests_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signup_requests_token_hash'))
    )
    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signup_requests_expires_at'), ['expires_at'], unique=False)

    # Everyone logged in before the upgrade logs in again: the old cookies name no session row.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')


def downgrade():
    # Back to a nonce per user: fill it for every account (random, so old cookies stop working),
    # then make it required as it was.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE users SET session_nonce = md5(random()::text || id::text)")
    else:
        op.execute("UPDATE users SET session_nonce = lower(hex(randomblob(16)))")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32), nullable=False)

    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signup_requests_expires_at'))

    op.drop_table('signup_requests')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
