"""Logging configuration: one JSON object per line, each with the request id.

Personal data never reaches a log: request lines carry the path without its query string,
the audit log (not the application log) records who read what, and messages name objects by
id or pseudonymous code only (tests/ops/test_logs.py)."""

import logging
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

#: the id of the request being served (spona.ops.requestid sets it)
request_id: ContextVar[str] = ContextVar("spona_request_id", default="")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def logging_config(level: str, json_lines: bool, requests: bool = True) -> dict[str, Any]:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            # Django puts the request on its error records; its repr holds the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
            "timestamp": False,
        }
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "spona.ops.logs.RequestIdFilter"}},
        "formatters": {"spona": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "spona",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # One line per request at INFO, whatever the root level (LOG_REQUESTS=false: none).
        "loggers": {
            "spona.requests": {"level": "INFO" if requests else "WARNING"},
            "spona.jobs": {"level": "INFO"},
        },
    }
