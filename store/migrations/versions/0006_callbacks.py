"""callbacks: durable scheduled callbacks, and the staff tasks they create when due

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", _STR(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("source", _STR(), nullable=False),
        sa.Column("reason", _STR(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("fired_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_callbacks_tenant_status_due", "callbacks", ["tenant_id", "status", "due_at"]
    )
    op.create_index("ix_callbacks_patient_id", "callbacks", ["patient_id"])
    op.create_table(
        "staff_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(), nullable=False),
        sa.Column("ref_id", _STR(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("title", _STR(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_staff_tasks_ref"),
    )
    op.create_index("ix_staff_tasks_tenant_id", "staff_tasks", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_tasks_tenant_id", table_name="staff_tasks")
    op.drop_table("staff_tasks")
    op.drop_index("ix_callbacks_patient_id", table_name="callbacks")
    op.drop_index("ix_callbacks_tenant_status_due", table_name="callbacks")
    op.drop_table("callbacks")
