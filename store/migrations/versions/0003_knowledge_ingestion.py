"""knowledge ingestion: article slugs, per-tenant index versions, ingestion requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite would hand a deleted article's id to the next new one, mixing two articles'
    # ingestion and audit history; AUTOINCREMENT never reuses an id (PostgreSQL never does).
    with op.batch_alter_table(
        "knowledge_base_articles",
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True} if sqlite else {},
    ) as batch:
        batch.add_column(sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.create_unique_constraint("uq_kb_articles_slug", ["tenant_id", "slug"])
    op.create_table(
        "knowledge_index_state",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "knowledge_ingestions",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("articles_total", sa.Integer(), nullable=False),
        sa.Column("articles_done", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_ingestions_tenant_id", "knowledge_ingestions", ["tenant_id"])
    op.create_index("ix_knowledge_ingestions_article_id", "knowledge_ingestions", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_ingestions_article_id", table_name="knowledge_ingestions")
    op.drop_index("ix_knowledge_ingestions_tenant_id", table_name="knowledge_ingestions")
    op.drop_table("knowledge_ingestions")
    op.drop_table("knowledge_index_state")
    with op.batch_alter_table("knowledge_base_articles") as batch:
        batch.drop_constraint("uq_kb_articles_slug", type_="unique")
        batch.drop_column("slug")
