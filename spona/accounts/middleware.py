from collections.abc import Callable

from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class SignedInUserMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``, the request's user read at once instead of
    behind a lazy object. Every request that gets this far asks for its user anyway (the audit
    context, next), and each attribute of a lazy user costs two or three Python calls: the
    policy's rules and the pages ask it hundreds of times a request (about a thousand calls on
    the home page). The user is the same: Django's own ``get_user`` of this request (the
    session's user with its hash checked, or an anonymous user)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = get_user(request)


class PasswordChangeRequiredMiddleware:
    """A user holding a one-time password may only change it (or sign out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                return redirect("accounts:password_change")
        return self.get_response(request)
