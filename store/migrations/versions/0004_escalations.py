"""escalations: emergencies raised by turns, and the staff notifications they send

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", _STR(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("session_id", _STR(), nullable=False),
        sa.Column("turn_id", _STR(), nullable=False),
        sa.Column("category", _STR(), nullable=False),
        sa.Column("severity", sa.Float(), nullable=False),
        sa.Column("reason", _STR(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("notifications_sent", sa.Integer(), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("note", _STR(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalations_tenant_id", "escalations", ["tenant_id"])
    op.create_table(
        "staff_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(), nullable=False),
        sa.Column("ref_id", _STR(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("recipients", _STR(), nullable=False),
        sa.Column("message", _STR(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref_id", "attempt", name="uq_staff_notifications_attempt"),
    )
    op.create_index("ix_staff_notifications_tenant_id", "staff_notifications", ["tenant_id"])
    op.create_index("ix_staff_notifications_ref_id", "staff_notifications", ["ref_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_notifications_ref_id", table_name="staff_notifications")
    op.drop_index("ix_staff_notifications_tenant_id", table_name="staff_notifications")
    op.drop_table("staff_notifications")
    op.drop_index("ix_escalations_tenant_id", table_name="escalations")
    op.drop_table("escalations")
