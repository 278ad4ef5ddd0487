"""GET /health (database and Temporal) and GET /health/services (each dependency, timed)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from api.deps import AppState, StateDep
from core.errors import ServiceUnavailable

router = APIRouter(tags=["health"])
TIMEOUT_S = 3.0


async def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(check, timeout=TIMEOUT_S)
        status = "healthy"
    except (TimeoutError, ServiceUnavailable, OSError, RuntimeError) as err:
        detail, status = {"reason": type(err).__name__}, "unavailable"
    except Exception as err:
        detail, status = {"reason": type(err).__name__}, "unavailable"
    out = {"status": status, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}
    return out | (detail or {})


async def _database(state: AppState) -> dict[str, Any]:
    async with state.db.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {"dialect": state.db.dialect.name}


async def _temporal(state: AppState) -> dict[str, Any]:
    client = await state.temporal.get()
    await client.service_client.check_health()
    return {"namespace": client.namespace}


async def _workers(state: AppState) -> dict[str, Any]:
    client = await state.temporal.get()
    resp = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=state.settings.temporal_task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    if not resp.pollers:
        raise ServiceUnavailable("no worker is polling")
    return {"pollers": len(resp.pollers)}


@router.get("/health")
async def health(state: StateDep) -> JSONResponse:
    db, temporal = await asyncio.gather(_timed(_database(state)), _timed(_temporal(state)))
    ok = db["status"] == temporal["status"] == "healthy"
    body = {
        "service": "aurixa-api",
        "status": "healthy" if ok else "degraded",
        "database": "connected" if db["status"] == "healthy" else "unavailable",
        "temporal": "connected" if temporal["status"] == "healthy" else "unavailable",
        "uptime_seconds": round(time.time() - state.started_at, 1),
    }
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/health/services")
async def health_services(state: StateDep) -> JSONResponse:
    db, temporal, workers, limiter = await asyncio.gather(
        _timed(_database(state)),
        _timed(_temporal(state)),
        _timed(_workers(state)),
        _timed(state.limiter.ping()),
    )
    services = {"database": db, "temporal": temporal, "worker": workers, "rate_limiter": limiter}
    ok = all(s["status"] == "healthy" for s in services.values())
    body = {"gateway": "healthy", "status": "healthy" if ok else "degraded", "services": services}
    return JSONResponse(body, status_code=200 if ok else 503)
