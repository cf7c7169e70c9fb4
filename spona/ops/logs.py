"""Logging configuration: one JSON object per line, each with the request id.

Personal data never reaches a log: request lines carry the path without its query string,
the audit log (not the application log) records who read what, and messages name objects by
id or pseudonymous code only (tests/ops/test_logs.py)."""

import json
import logging
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

#: the id of the request being served (spona.ops.requestid sets it)
request_id: ContextVar[str] = ContextVar("spona_request_id", default="")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonLines(JsonFormatter):
    """python-json-logger's ``JsonFormatter``, the same line field for field and in order, in
    fewer calls (every request logs one, ``spona.ops.requestid``): the fields asked for by the
    format renamed once, not once a record; a record's own attributes merged without a call
    each; one JSON encoder kept, where ``json.dumps`` makes one a line with the same settings.
    A formatter given defaults, static fields, a timestamp, the renamed fields kept when
    missing or another serializer is python-json-logger's own (tests/ops/test_logs.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain = not (
            self.defaults or self.static_fields or self.timestamp or self.rename_fields_keep_missing
        )
        self._required = [(self._get_rename(field), field) for field in self._required_fields]
        #: the renamed fields a record's own attribute can be (the others are skipped)
        self._renamed_attributes = self.rename_fields.keys() - self._skip_fields
        self._encoder = (
            self.json_encoder(  # as json.dumps makes it
                skipkeys=False,
                ensure_ascii=self.json_ensure_ascii,
                check_circular=True,
                allow_nan=True,
                indent=self.json_indent,
                separators=None,
                default=self.json_default,
                sort_keys=False,
            )
            if self.json_serializer is json.dumps and self.json_encoder is not None
            else None
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        if not self._plain:
            return super().add_fields(log_data, record, message_dict)
        attributes, renamed = record.__dict__, self.rename_fields
        for name, field in self._required:
            # a call less than ``get``, on every field of every line
            log_data[name] = attributes[field] if field in attributes else None  # noqa: SIM401
        if message_dict:
            for key, value in message_dict.items():
                log_data[renamed.get(key, key)] = value
        skipped, renamed_attributes = self._skip_fields, self._renamed_attributes
        for key, value in attributes.items():
            if key in skipped:
                continue
            if type(key) is str:
                if key[:1] == "_":
                    continue
            elif hasattr(key, "startswith") and key.startswith("_"):
                continue
            log_data[renamed[key] if key in renamed_attributes else key] = value
        return None

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        if self._encoder is None:
            return super().jsonify_log_record(log_data)
        return self._encoder.encode(log_data)  # type: ignore[no-any-return]


def logging_config(level: str, json_lines: bool, requests: bool = True) -> dict[str, Any]:
    formatter = (
        {
            "()": "spona.ops.logs.JsonLines",
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
