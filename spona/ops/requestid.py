"""A request id for every request: taken from the reverse proxy's ``X-Request-ID`` when it
looks like one, made up otherwise; returned in the response and put on every log line."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from spona.ops.logs import request_id

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
requests_log = logging.getLogger("spona.requests")


class RequestIdMiddleware:
    """Outermost middleware: it sees every request, and logs one line per request with the
    method, the path without its query string (searches may hold names), the status and the
    time taken; never a user, a parameter or a body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        this_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(this_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = this_id
            requests_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
