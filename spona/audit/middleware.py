from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from spona.audit.context import AuditContext, acting
from spona.ops.clients import client_address


class AuditContextMiddleware:
    """Makes the signed-in user and the client address available to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        channel = "api" if request.path.startswith("/api/") else "web"
        address = client_address(request) or None
        with acting(AuditContext(user=user, client_address=address, channel=channel)):
            return self.get_response(request)
