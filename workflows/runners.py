"""How a workflow runs one engine step: as a regular activity (its own task, visible and
retried by the server) or as a local activity (run by the worker that holds the workflow
task, recorded as a marker: no task round trip, for short reads that write nothing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

from .policies import ActivityOptions

Runner = Callable[[Callable[..., Any], Any, ActivityOptions, str], Awaitable[Any]]


async def as_activity(fn: Callable[..., Any], arg: Any, opts: ActivityOptions, name: str) -> Any:
    return await workflow.execute_activity_method(
        fn,
        arg,
        start_to_close_timeout=opts.start_to_close,
        retry_policy=opts.retry,
        summary=name,
    )


async def as_local(fn: Callable[..., Any], arg: Any, opts: ActivityOptions, name: str) -> Any:
    return await workflow.execute_local_activity_method(
        fn,
        arg,
        start_to_close_timeout=opts.start_to_close,
        retry_policy=opts.retry,
        summary=name,
    )
