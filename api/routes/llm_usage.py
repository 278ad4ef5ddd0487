"""GET /api/v1/llm/usage: a clinic's LLM spend by provider and model, and its budget."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import PrincipalDep
from api.deps import StateDep
from api.llm_schemas import UsageBudget, UsageResponse, UsageTotals
from api.llm_store import effective_budget, usage_rows
from core.errors import PermissionDenied, ValidationFailed
from store.llm_ledger import UsageLedger, month_start

router = APIRouter(prefix="/api/v1/llm", tags=["llm"])


def _naive_utc(moment: datetime) -> datetime:
    # Stored timestamps are naive UTC; a bound without an offset is taken as UTC.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@router.get("/usage", response_model=UsageResponse)
async def usage(
    state: StateDep,
    who: PrincipalDep,
    since: Annotated[datetime | None, Query(description="ISO 8601; default: month start")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601, exclusive")] = None,
) -> UsageResponse:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can read LLM usage.")
    start = _naive_utc(since) if since else month_start(datetime.now(UTC))
    end = _naive_utc(until) if until else None
    if end is not None and end <= start:
        raise ValidationFailed("`until` must be after `since`.")
    rows = await usage_rows(state.sessions, who.tenant_id, start, end)
    totals = UsageTotals(
        calls=sum(r.calls for r in rows),
        failed_calls=sum(r.failed_calls for r in rows),
        refused_calls=sum(r.refused_calls for r in rows),
        estimated_calls=sum(r.estimated_calls for r in rows),
        prompt_tokens=sum(r.prompt_tokens for r in rows),
        completion_tokens=sum(r.completion_tokens for r in rows),
        cost_usd=round(sum(r.cost_usd for r in rows), 8),
    )
    budget, _ = await effective_budget(state.sessions, state.settings, who.tenant_id)
    # Uncached: the worker's ledger caches spend for a few seconds; this is the record.
    spent = await UsageLedger(state.sessions, cache_s=0).month_spend(who.tenant_id)
    return UsageResponse(
        tenant_id=who.tenant_id,
        since=start.replace(tzinfo=UTC),
        until=end.replace(tzinfo=UTC) if end else None,
        rows=rows,
        totals=totals,
        budget=UsageBudget(
            monthly_usd=budget.monthly_usd,
            policy=budget.policy,
            downgrade_to=budget.downgrade_to,
            spent_usd=round(spent, 8),
        ),
    )
