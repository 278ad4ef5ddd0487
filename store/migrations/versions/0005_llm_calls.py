"""llm_calls: every call the LLM gateway made, with tokens and cost, for spend and budgets

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "llm_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("call_key", _STR(), nullable=False),
        sa.Column("request_key", _STR(), nullable=True),
        sa.Column("deployment", _STR(), nullable=False),
        sa.Column("provider", _STR(), nullable=False),
        sa.Column("model", _STR(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("usage_source", _STR(), nullable=False),
        sa.Column("streamed", sa.Boolean(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("first_token_ms", sa.Float(), nullable=True),
        sa.Column("error_type", _STR(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "call_key", name="uq_llm_calls_key"),
    )
    op.create_index("ix_llm_calls_tenant_created", "llm_calls", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_llm_calls_tenant_created", table_name="llm_calls")
    op.drop_table("llm_calls")
