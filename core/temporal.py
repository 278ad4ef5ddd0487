"""Connecting to Temporal from settings, the same way in the API, the worker and the tools."""

from __future__ import annotations

from temporalio.client import Client

from core.settings import Settings


async def connect(settings: Settings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
        api_key=api_key,
    )
