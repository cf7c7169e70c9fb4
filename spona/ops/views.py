from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from spona.ops.health import REQUIRED, readiness


@require_GET
@never_cache
@transaction.non_atomic_requests
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is checked (a database outage must not get every
    app server restarted)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
@transaction.non_atomic_requests
def ready(request: HttpRequest) -> JsonResponse:
    """Whether this server can serve requests now: 503 when the database or the cache fails,
    200 otherwise ("degraded" while the job queue is late)."""
    checks = readiness()
    ready = all(checks[name] for name in REQUIRED)
    status = "ok" if all(checks.values()) else "degraded" if ready else "unavailable"
    return JsonResponse(
        {
            "status": status,
            "checks": {name: "ok" if passed else "failed" for name, passed in checks.items()},
        },
        status=200 if ready else 503,
    )
