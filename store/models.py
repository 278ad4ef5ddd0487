"""SQLModel tables of the clinic schema; every tenant-owned row carries tenant_id."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Timestamps are naive UTC in both SQLite and PostgreSQL; SQLModel's default type would
# demand tz-aware values that SQLite cannot round-trip.
def stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime())


def when(**kwargs: Any) -> Any:
    return Field(sa_type=DateTime(), **kwargs)


class Tenant(SQLModel, table=True):
    __tablename__ = "tenants"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    domain: str | None = Field(default=None, unique=True)
    plan: str = "starter"
    status: str = "active"
    timezone: str = "America/New_York"
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class Site(SQLModel, table=True):
    __tablename__ = "sites"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    name: str
    address: str
    phone: str | None = None


class Staff(SQLModel, table=True):
    """Clinicians and office staff; providers have bookable working hours."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    site_id: int | None = Field(default=None, foreign_key="sites.id")
    full_name: str
    role: str = "doctor"
    specialty: str | None = None
    is_provider: bool = True
    # {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], ...} in the tenant's time zone.
    working_hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    slot_minutes: int = 30


class Patient(SQLModel, table=True):
    __tablename__ = "patients"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    full_name: str
    email: str | None = None
    phone_number: str | None = None
    date_of_birth: date | None = None
    mrn: str | None = None
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class User(SQLModel, table=True):
    """A login: a patient, or staff with a role (reception, nurse, doctor, scheduler, admin)."""

    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    email: str
    full_name: str
    role: str
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = stamp()


class ApiKey(SQLModel, table=True):
    """Only the SHA-256 of a key is stored; the key itself is shown once."""

    __tablename__ = "api_keys"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    key_hash: str = Field(unique=True, index=True)
    prefix: str
    label: str = ""
    created_at: datetime = stamp()
    revoked_at: datetime | None = when(default=None)


class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_patient_status_start", "patient_id", "status", "start_time"),
        # One live booking per provider slot, whatever races the workers run.
        Index(
            "uq_appointments_provider_slot",
            "tenant_id",
            "staff_id",
            "start_time",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    patient_id: int = Field(foreign_key="patients.id")
    staff_id: int = Field(foreign_key="staff.id")
    site_id: int | None = Field(default=None, foreign_key="sites.id")
    provider_name: str
    start_time: datetime = when()
    end_time: datetime = when()
    reason: str | None = None
    status: str = "confirmed"
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class PatientInsurance(SQLModel, table=True):
    __tablename__ = "patient_insurance"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    patient_id: int = Field(foreign_key="patients.id", index=True)
    plan_name: str
    payer: str | None = None
    member_id: str | None = None
    copay: str = "$25"
    status: str = "active"
    valid_until: date | None = None
    created_at: datetime = stamp()


class Prescription(SQLModel, table=True):
    __tablename__ = "prescriptions"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    patient_id: int = Field(foreign_key="patients.id", index=True)
    medication_name: str
    dosage: str | None = None
    refills_remaining: int = 0
    controlled: bool = False
    status: str = "active"
    last_filled_at: datetime | None = when(default=None)
    refill_requested_at: datetime | None = when(default=None)
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class KnowledgeBaseArticle(SQLModel, table=True):
    __tablename__ = "knowledge_base_articles"
    # A slug names an article across imports, so re-importing a folder updates, never copies.
    # AUTOINCREMENT: SQLite must not reuse a deleted article's id (see migration 0003).
    __table_args__ = (
        UniqueConstraint("tenant_id", "slug", name="uq_kb_articles_slug"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    slug: str | None = None
    title: str
    content: str
    category: str = "general"
    status: str = "published"
    meta_data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class KnowledgeIndexState(SQLModel, table=True):
    """The tenant's index version: bumped when an ingestion publishes, so every worker knows
    to rebuild its in-memory BM25 and chunk map from the vector store."""

    __tablename__ = "knowledge_index_state"
    tenant_id: int = Field(foreign_key="tenants.id", primary_key=True)
    version: int = 0
    updated_at: datetime = stamp()


class KnowledgeIngestion(SQLModel, table=True):
    """One ingestion request (an article change or a re-index) and its progress."""

    __tablename__ = "knowledge_ingestions"
    id: str = Field(primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    article_id: int | None = Field(default=None, index=True)
    kind: str  # article | reindex
    action: str  # create | update | delete | import | reindex
    status: str = "queued"  # queued | running | indexed | removed | failed
    chunks_total: int = 0
    chunks_done: int = 0
    articles_total: int = 0
    articles_done: int = 0
    error: str | None = None
    workflow_id: str
    requested_by: str
    created_at: datetime = stamp()
    updated_at: datetime = stamp()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime))


class Escalation(SQLModel, table=True):
    """An emergency a turn raised; open until a staff member acknowledges it. Holds no
    message text: the category and the reason's pattern name are enough to act on."""

    __tablename__ = "escalations"
    id: str = Field(primary_key=True)  # the escalation workflow's id
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    session_id: str
    turn_id: str
    category: str
    severity: float
    reason: str
    status: str = "open"  # open | acknowledged | unacknowledged
    notifications_sent: int = 0
    acknowledged_by: int | None = None  # users.id
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    note: str | None = None
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class StaffNotification(SQLModel, table=True):
    """One notification to staff; unique per (escalation, attempt), so a retried activity
    never notifies twice."""

    __tablename__ = "staff_notifications"
    __table_args__ = (UniqueConstraint("ref_id", "attempt", name="uq_staff_notifications_attempt"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    kind: str  # escalation | escalation_reminder | escalation_unacknowledged
    ref_id: str = Field(index=True)
    attempt: int
    recipients: str  # staff roles, comma-separated
    message: str
    created_at: datetime = stamp()


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_logs"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(default=None, foreign_key="tenants.id", index=True)
    service: str = Field(index=True)
    action: str
    actor: str
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    severity: str = "info"
    request_id: str | None = None
    created_at: datetime = stamp()


class PlatformConfig(SQLModel, table=True):
    __tablename__ = "platform_config"
    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_platform_config_key"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(default=None, foreign_key="tenants.id")
    key: str = Field(index=True)
    value: str
    category: str = "general"
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"
    # Session ids are unique within a tenant, so one clinic can never collide with another's.
    __table_args__ = (UniqueConstraint("tenant_id", "session_id", name="uq_conversations_session"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    session_id: str = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    channel: str = "rest"
    meta_data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class ConversationTurn(SQLModel, table=True):
    """One prompt and its reply; turn_id is unique so a replayed persist writes once."""

    __tablename__ = "conversation_turns"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True)
    turn_id: str = Field(unique=True)
    workflow_id: str
    prompt: str
    response: str
    intent: str | None = None
    requires_escalation: bool = False
    created_at: datetime = stamp()


class PipelineStep(SQLModel, table=True):
    __tablename__ = "pipeline_steps"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True)
    turn_id: str = Field(index=True)
    step_name: str
    status: str
    input: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    output: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    error_message: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    created_at: datetime = stamp()


class ActionExecution(SQLModel, table=True):
    """Ledger of side effects: unique (tenant_id, idempotency_key) makes each happen once."""

    __tablename__ = "action_executions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_action_executions_key"),
        # The staff's failed-actions list: newest first within a tenant and status.
        Index("ix_action_executions_tenant_status", "tenant_id", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    idempotency_key: str
    action: str
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = "succeeded"  # succeeded | failed | abandoned
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    error: str | None = None
    attempts: int = 1
    workflow_id: str | None = None
    # The caller the action acted for: an operator's retry runs it as them again.
    user_id: int | None = None
    role: str | None = None
    retries: int = 0  # operator retries started so far
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class TenantIntent(SQLModel, table=True):
    """A tenant's own intent, or extra examples and rules for a default one (same name)."""

    __tablename__ = "tenant_intents"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_tenant_intents_name"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    name: str
    path: str | None = None  # None keeps the default intent's path
    description: str | None = None
    examples: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    priority: int | None = None
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class LlmCall(SQLModel, table=True):
    """One call the LLM gateway made (or refused), with its tokens and cost. call_key is
    unique per tenant, so a replayed record writes once; sums give spend per provider and
    model, and a tenant's month-to-date spend for its budget."""

    __tablename__ = "llm_calls"
    __table_args__ = (
        UniqueConstraint("tenant_id", "call_key", name="uq_llm_calls_key"),
        Index("ix_llm_calls_tenant_created", "tenant_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id")
    call_key: str
    request_key: str | None = None  # the turn or API request the call served
    deployment: str
    provider: str
    model: str
    status: str = "ok"  # ok | failed | refused
    usage_source: str = "provider"  # provider | estimated
    streamed: bool = True
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float | None = None
    first_token_ms: float | None = None
    error_type: str | None = None
    created_at: datetime = stamp()


class Callback(SQLModel, table=True):
    """A call the clinic promised a patient. The id is its workflow's id; the workflow is the
    source of truth and writes its moves, cancellation and firing here for lists."""

    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_tenant_status_due", "tenant_id", "status", "due_at"),)
    id: str = Field(primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id")
    patient_id: int = Field(foreign_key="patients.id", index=True)
    requested_by: int | None = None  # users.id; None when the system asked
    source: str = "api"  # api | chat
    reason: str = ""
    due_at: datetime = when()
    status: str = "scheduled"  # scheduled | fired | cancelled
    task_id: int | None = None  # staff_tasks.id once fired
    fired_at: datetime | None = when(default=None)
    created_at: datetime = stamp()
    updated_at: datetime = stamp()


class StaffTask(SQLModel, table=True):
    """Work for the front desk (e.g. make a callback). Unique per (kind, ref_id), so a task
    created by a retried or replayed activity exists once."""

    __tablename__ = "staff_tasks"
    __table_args__ = (UniqueConstraint("kind", "ref_id", name="uq_staff_tasks_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    kind: str  # callback
    ref_id: str
    patient_id: int | None = Field(default=None, foreign_key="patients.id")
    due_at: datetime = when()
    status: str = "open"  # open | done
    title: str
    created_at: datetime = stamp()
