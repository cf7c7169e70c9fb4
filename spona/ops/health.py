"""Health checks for the load balancer and the service manager.

Liveness says the process answers (it touches nothing). Readiness checks what a request
needs, the database and the cache, and whether the job queue is being worked (its oldest
ready task is not older than ``READY_QUEUE_MAX_AGE_SECONDS``). A late queue makes the server
"degraded", not unready: the load balancer would otherwise take every app server out because
the worker stopped. Anonymous callers learn only which check failed: no error text, no
version, no personal data.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def cache_ok() -> bool:
    key, value = f"spona.health.{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, timeout=10)
        answered = bool(cache.get(key) == value)
        cache.delete(key)
        return answered
    except Exception:  # any cache backend's own error means "not ready"
        return False


def oldest_waiting_task() -> timedelta | None:
    """How long the oldest task that could run now has waited (None: nothing waits)."""
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values("enqueued_at").first()
    return timezone.now() - oldest["enqueued_at"] if oldest else None


def queue_ok() -> bool:
    try:
        waited = oldest_waiting_task()
    except DatabaseError:
        return False
    return waited is None or waited.total_seconds() <= settings.READY_QUEUE_MAX_AGE_SECONDS


#: checks whose failure makes the server unready (the others make it degraded)
REQUIRED = ("database", "cache")


def readiness() -> dict[str, bool]:
    return {"database": database_ok(), "cache": cache_ok(), "queue": queue_ok()}
