"""App factory: `uvicorn --factory api.main:create_app`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.deps import AppState, TemporalLink
from api.errors import install_error_handlers
from api.jwt_auth import JwtVerifier
from api.middleware import RequestIdMiddleware
from api.openapi_doc import install_openapi
from api.ratelimit import make_rate_limiter
from api.routes import (
    action_catalogue,
    actions,
    admin_access,
    admin_directory,
    admin_intents,
    admin_knowledge,
    admin_llm,
    admin_records,
    admin_safety,
    callbacks,
    classify,
    codec,
    conversations,
    escalations,
    execute,
    health,
    llm,
    llm_usage,
    pipelines,
    rag,
    safety,
    voice,
    ws,
    ws_voice,
)
from api.routes import help as help_articles
from api.security import SecurityMiddleware
from api.text_guard import TextGuardMiddleware
from core.logging import setup_logging
from core.settings import Settings, get_settings
from core.temporal import payload_codec
from store.db import make_engine, make_session_factory


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = make_engine(settings.effective_database_url, settings)
        app.state.aurixa = AppState(
            settings=settings,
            db=db,
            sessions=make_session_factory(db),
            temporal=TemporalLink(settings),
            limiter=make_rate_limiter(settings.redis_url),
            codec=payload_codec(settings),
            jwt=JwtVerifier(settings),
            started_at=time.time(),
        )
        yield
        await app.state.aurixa.limiter.close()
        await db.dispose()

    app = FastAPI(title="AURIXA", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        # X-Namespace: the Temporal UI's codec calls; the rest are the API's own headers.
        allow_headers=[
            "Authorization",
            "Content-Type",
            "X-API-Key",
            "X-Namespace",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        expose_headers=["X-Request-ID", "X-Workflow-Id", "Retry-After"],
    )
    # Inside the security middleware, so its refusals carry the security headers too.
    app.add_middleware(TextGuardMiddleware, max_header_bytes=settings.max_header_bytes)
    app.add_middleware(
        SecurityMiddleware,
        max_body_bytes=settings.max_body_bytes,
        larger={"/api/v1/voice/": settings.voice_max_bytes},
    )
    # Outermost: every response, 413s and CORS refusals included, carries a request id.
    app.add_middleware(RequestIdMiddleware)
    for module in (
        health,
        codec,
        pipelines,
        conversations,
        admin_intents,
        admin_knowledge,
        classify,
        rag,
        help_articles,
        escalations,
        admin_safety,
        safety,
        callbacks,
        llm,
        llm_usage,
        admin_llm,
        admin_access,
        admin_directory,
        admin_records,
        # /api/v1/actions/catalogue before /api/v1/actions/{id}: first match wins.
        action_catalogue,
        # After any /api/v1/actions/<word> route: the ledger's ids are integers.
        actions,
        execute,
        voice,
        ws,
        ws_voice,
    ):
        app.include_router(module.router)
    install_openapi(app)
    return app


def create_app_with_logging() -> FastAPI:
    """Entry point for uvicorn: logging is set up once, by the process, not by tests."""
    settings = get_settings()
    setup_logging("api", settings.log_level, json_output=settings.log_json)
    return create_app(settings)
