"""Health checks: liveness touches nothing; readiness checks the database, the cache and the
job queue's age, and tells an anonymous caller no more than which check failed."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spona.jobs.services import run_job
from spona.ops.logs import JsonLines, RequestIdFilter, logging_config

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def test_liveness_answers_without_the_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = Client().get(reverse("ops:live"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readiness_checks_database_cache_and_queue() -> None:
    response = Client().get(reverse("ops:ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_unreachable_cache_makes_the_server_unready(settings) -> None:
    settings.CACHES = UNREACHABLE_REDIS
    response = Client().get(reverse("ops:ready"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failed", "queue": "ok"}
    assert "redis" not in response.content.decode().lower()  # no error text, no versions


def test_a_queue_nobody_works_makes_the_server_degraded_not_unready(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_job.enqueue(0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=6))
    response = Client().get(reverse("ops:ready"))
    assert response.status_code == 200  # the load balancer keeps the server
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ok", "queue": "failed"},
    }


def test_a_fresh_queue_is_fine(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_job.enqueue(0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=4))
    assert Client().get(reverse("ops:ready")).json()["status"] == "ok"


def test_every_request_gets_an_id_that_its_log_lines_carry() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    options = logging_config(level="INFO", json_lines=True)["formatters"]["spona"]
    handler.setFormatter(JsonLines(**{k: v for k, v in options.items() if k != "()"}))
    handler.addFilter(RequestIdFilter())
    requests_log = logging.getLogger("spona.requests")
    requests_log.addHandler(handler)
    try:
        made_up = Client().get(reverse("ops:live"))
        Client().get(reverse("ops:live"), HTTP_X_REQUEST_ID="proxy-1234abcd")
        hostile = Client().get(reverse("ops:live"), HTTP_X_REQUEST_ID='x"\n{"forged": 1}')
    finally:
        requests_log.removeHandler(handler)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == [
        made_up["X-Request-ID"],
        "proxy-1234abcd",
        hostile["X-Request-ID"],
    ]
    assert len(made_up["X-Request-ID"]) == 32
    assert hostile["X-Request-ID"] != 'x"\n{"forged": 1}'  # replaced, not passed on
    assert lines[0] | {"time": "", "ms": 0, "request_id": ""} == {
        "time": "",
        "level": "INFO",
        "logger": "spona.requests",
        "message": "request",
        "request_id": "",
        "method": "GET",
        "path": "/health/live",
        "status": 200,
        "ms": 0,
    }
