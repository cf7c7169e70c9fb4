"""The JSON log line: Spona's formatter (``JsonLines``) writes python-json-logger's line, field
for field and in order, for every kind of record and for every way the formatter can be set up;
the request line names the method, the path without its query string, the status and the time,
never a user or a parameter."""

import io
import json
import logging
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from spona.ops.logs import JsonLines, RequestIdFilter, logging_config

pytestmark = pytest.mark.django_db


def _production_options() -> dict[str, Any]:
    options = logging_config(level="INFO", json_lines=True)["formatters"]["spona"]
    assert options["()"] == "spona.ops.logs.JsonLines"
    return {key: value for key, value in options.items() if key != "()"}


def _record(msg: Any = "request", args: Any = (), **extra: Any) -> logging.LogRecord:
    record = logging.getLogger("spona.requests").makeRecord(
        "spona.requests", logging.INFO, __file__, 1, msg, args, None, extra=extra or None
    )
    record.request_id = "0c7273e4d6be4498bbce4df03eb41547"
    return record


def _failed() -> logging.LogRecord:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("spona").makeRecord(
            "spona", logging.ERROR, __file__, 2, "failed %s", ("x",), sys.exc_info()
        )
    record.request_id = ""
    return record


class Opaque:
    def __str__(self) -> str:
        return "opaque"


RECORDS = {
    "the request line": lambda: _record(method="GET", path="/prevention/", status=200, ms=3.2),
    "a path to escape": lambda: _record(method="POST", path='/x/"Ђ\n', status=403, ms=0.0),
    "a message with arguments": lambda: _record("read %d of %s", (3, "cases")),
    "a dict for a message": lambda: _record({"event": "sweep", "rows": 2}),
    "a dict naming a renamed field": lambda: _record({"levelname": "mine", "n": 1}),
    "extras of other types": lambda: _record(
        when=datetime(2026, 12, 8, 4, 0, tzinfo=UTC), day=date(2026, 12, 8), thing=Opaque()
    ),
    "an extra kept private": lambda: _record(_private=1, public=2),
    "an extra named as a reserved field's new name": lambda: _record(level="extra", time="x"),
    "Django's request on an error record": lambda: _record(request="GET /?name=Радмила"),
    "an exception": _failed,
}


@pytest.mark.parametrize("kind", RECORDS)
def test_the_production_line_is_python_json_loggers(kind: str) -> None:
    made = RECORDS[kind]
    ours, theirs = JsonLines(**_production_options()), JsonFormatter(**_production_options())
    record = made()
    assert ours.format(record) == theirs.format(record)
    assert ours.format(made()) == theirs.format(made())  # a record formatted once


def test_a_stack_is_written_as_python_json_logger_writes_it() -> None:
    record = _record()
    record.stack_info = "Stack (most recent call last):\n  here"
    assert JsonLines(**_production_options()).format(record) == JsonFormatter(
        **_production_options()
    ).format(record)


SETUPS: dict[str, dict[str, Any]] = {
    "defaults": {"defaults": {"service": "spona"}},
    "static fields": {"static_fields": {"host": "a"}},
    "a timestamp": {"timestamp": True},
    "renamed fields kept when missing": {
        "rename_fields": {"asctime": "time", "extra_field": "renamed"},
        "rename_fields_keep_missing": True,
    },
    "an extra renamed": {"rename_fields": {"path": "where"}},
    "indented, not ASCII": {"json_indent": 2, "json_ensure_ascii": False},
    "a default": {"json_default": str},
    "another serializer": {"json_serializer": lambda data, **kw: json.dumps(data, **kw) + "!"},
    "a prefix": {"prefix": "spona: "},
    "no format": {"fmt": None},
}


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("kind", RECORDS)
def test_every_setup_writes_python_json_loggers_line(setup: str, kind: str) -> None:
    options = {"fmt": "%(asctime)s %(levelname)s %(message)s", **SETUPS[setup]}
    if kind == "extras of other types" and setup != "a default":
        options.setdefault("json_default", repr)  # the standard encoder cannot write Opaque
    record = RECORDS[kind]()
    assert JsonLines(**options).format(record) == JsonFormatter(**options).format(record)


def test_the_request_line_holds_no_query_user_or_body(make_user) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines(**_production_options()))
    handler.addFilter(RequestIdFilter())
    requests_log = logging.getLogger("spona.requests")
    requests_log.addHandler(handler)
    user = make_user(username="radmila.smiljanic", email="radmila@example.org")
    client = Client()
    client.force_login(user)
    try:
        response = client.post(
            reverse("people:person_list") + "?name=Радмила+Smiljanić", {"given_name": "Радмила"}
        )
    finally:
        requests_log.removeHandler(handler)
    (line,) = out.getvalue().splitlines()
    logged = json.loads(line)
    assert list(logged) == [
        "time", "level", "logger", "message", "request_id", "method", "path", "status", "ms",
    ]  # fmt: skip
    assert logged["path"] == "/people/"
    assert logged["status"] == response.status_code
    assert logged["request_id"] == response["X-Request-ID"]
    for personal in ("Радмила", "Smiljani", "\\u0420", user.username, user.email):
        assert personal not in line
