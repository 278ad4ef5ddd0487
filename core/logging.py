"""Structured JSON logs carrying the request id; PII is redacted before anything is written."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from core.pii import redact

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def _fields(record: logging.LogRecord, service: str) -> dict[str, Any]:
    """The record as redacted fields: the same for JSON and for text, so switching the
    format never switches redaction off."""
    payload: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "service": service,
        "logger": record.name,
        "message": redact(record.getMessage())[0],
    }
    rid = getattr(record, "request_id", None) or request_id_var.get()
    if rid:
        payload["request_id"] = rid
    for key, value in record.__dict__.items():
        if key not in _RESERVED and key != "request_id" and not key.startswith("_"):
            payload[key] = redact(value)[0] if isinstance(value, str) else value
    if record.exc_info:
        # The exception type is enough to triage; messages and tracebacks can carry PII.
        payload["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
    return payload


class TextFormatter(logging.Formatter):
    """One readable line per record for development (`LOG_JSON=false`), redacted like the
    JSON lines; an exception adds where it was raised (file, line, function), never its
    message or local values."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        f = _fields(record, self.service)
        head = f"{f.pop('ts')} {f.pop('level').upper()} {f.pop('service')} {f.pop('logger')}"
        line = f"{head} {f.pop('message')}"
        extra = " ".join(f"{k}={v}" for k, v in f.items())
        if extra:
            line = f"{line} [{extra}]"
        tb = record.exc_info[2] if record.exc_info else None
        if tb is not None:
            frames = traceback.extract_tb(tb)[-5:]
            line += "".join(f"\n  at {fr.filename}:{fr.lineno} in {fr.name}" for fr in frames)
        return line


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record, self.service), default=str)


def setup_logging(service: str, level: str = "INFO", *, json_output: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_output:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(TextFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn installs its own plain-text handlers; route its records through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Third-party chatter at INFO would drown the service's own events.
    for noisy in ("httpx", "LiteLLM", "litellm", "temporalio.activity", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
