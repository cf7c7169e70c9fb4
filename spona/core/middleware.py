from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from spona.policy import SAFE_METHODS

#: Browsers set to these languages read Latin script; they get Serbian Latin, not Cyrillic.
LATIN_SCRIPT_LANGUAGES = ("sr-latn", "hr", "bs", "sh", "cnr", "sl")


class SerbianLocaleMiddleware(LocaleMiddleware):
    """Django's locale selection, except that Croatian, Bosnian, Montenegrin (and
    ``sr-Latn-*``) browsers get Serbian Latin instead of the Cyrillic default."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get("django_language")
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").lower()
        first = accept.split(",")[0].split(";")[0].strip()
        if not chosen and first.startswith(LATIN_SCRIPT_LANGUAGES):
            translation.activate("sr-latn")
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class ReadOnlyRequestsMiddleware:
    """GET and HEAD requests run their view outside a transaction; every other request runs it in
    one (``ATOMIC_REQUESTS``), so that nothing is half-written.

    A read needs no transaction: PostgreSQL's READ COMMITTED gives each statement a snapshot of
    its own inside a transaction or not (and a ``TemplateResponse`` was rendered after the
    commit anyway). Without one, a read-only page saves the BEGIN and COMMIT round trips; an
    audited read appends its event in a short transaction of its own
    (``spona.audit.services.audit``), so the chain's lock is still held for the append and its
    commit alone. A GET that writes more than one row must do it in a service that opens its own
    transaction (``@transaction.atomic``), as the services do.

    It must be the last middleware with a ``process_view`` (tests/test_read_only_requests.py):
    returning the response skips the ones after it, and the exception middleware (there is none).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        return None  # Django runs the view in the request's transaction
