"""Logs are JSON lines with the request id, and PII never reaches them."""

from __future__ import annotations

import json
import logging
import sys

from core.logging import JsonFormatter, request_id_var


def _format(record: logging.LogRecord) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(JsonFormatter("test").format(record))
    return parsed


def test_pii_is_redacted_from_message_and_fields() -> None:
    token = request_id_var.set("req-abc12345")
    try:
        record = logging.makeLogRecord(
            {
                "msg": "patient wrote %s",
                "args": ("my SSN is 123-45-6789 and mail jo@example.com",),
                "levelname": "INFO",
                "prompt": "call me at (617) 555-0123",
            }
        )
        out = _format(record)
    finally:
        request_id_var.reset(token)
    text = json.dumps(out)
    assert "123-45-6789" not in text and "jo@example.com" not in text
    assert "555-0123" not in text
    assert out["request_id"] == "req-abc12345"
    assert out["service"] == "test" and out["level"] == "info"


def test_exceptions_log_their_type_only() -> None:
    try:
        raise ValueError("card 4111 1111 1111 1111 declined")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    out = _format(record)
    assert out["exc_type"] == "ValueError"
    assert "4111" not in json.dumps(out)


def test_text_logs_are_redacted_and_tracebacks_carry_no_message() -> None:
    from core.logging import TextFormatter

    try:
        raise ValueError("patient jo@example.com, SSN 123-45-6789")
    except ValueError:
        record = logging.makeLogRecord(
            {
                "msg": "failed for %s",
                "args": ("call (617) 555-0123",),
                "levelname": "ERROR",
                "exc_info": sys.exc_info(),
            }
        )
    line = TextFormatter("test").format(record)
    assert "555-0123" not in line and "jo@example.com" not in line and "123-45-6789" not in line
    assert "exc_type=ValueError" in line and "test_logging.py" in line
