import copy
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP, build_policy

from spona.policy import SAFE_METHODS

#: Browsers set to these languages read Latin script; they get Serbian Latin, not Cyrillic.
LATIN_SCRIPT_LANGUAGES = ("sr-latn", "hr", "bs", "sh", "cnr", "sl")


def _language_prefixes(request: HttpRequest) -> bool:
    """Whether the request's URLconf prefixes its URLs with the language (``i18n_patterns``;
    Spona's does not), as Django's ``LocaleMiddleware`` asks it."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    return bool(is_language_prefix_patterns_used(urlconf)[0])


class SerbianLocaleMiddleware(LocaleMiddleware):
    """Django's locale selection, except that Croatian, Bosnian, Montenegrin (and
    ``sr-Latn-*``) browsers get Serbian Latin instead of the Cyrillic default.

    Where the URLconf has no language prefix, Django's middleware still reads the language
    from the path twice a request (about thirty Python calls) for answers it uses only with a
    prefix; here that case is Django's steps without them: the language of the cookie or the
    browser activated, and ``Vary: Accept-Language`` and ``Content-Language`` on the response.
    With a prefix it is Django's middleware."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get("django_language")
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").lower()
        first = accept.split(",")[0].split(";")[0].strip()
        if not chosen and first.startswith(LATIN_SCRIPT_LANGUAGES):
            translation.activate("sr-latn")
            request.LANGUAGE_CODE = translation.get_language()
            return
        if _language_prefixes(request):
            super().process_request(request)
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if _language_prefixes(request):
            return super().process_response(request, response)
        language = translation.get_language()
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


#: a nonce ``build_policy`` is given to find where the request's nonce goes: no directive's
#: value can hold it (a header holds no control character)
_NONCE_MARK = "\x00"


class _KeptPolicy:
    """One configuration's header, without a nonce and cut where the nonce goes."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.snapshot = copy.deepcopy(config)
        self.without_nonce = build_policy(config, None)
        self.around_nonce = build_policy(config, _NONCE_MARK).split(_NONCE_MARK)


class KeptPolicyCSPMiddleware(ContentSecurityPolicyMiddleware):
    """Django's ``ContentSecurityPolicyMiddleware``, each configuration's header written once
    per process: ``build_policy`` walks every directive of the configuration on every response
    (about forty-five Python calls), though the header depends on nothing but the configuration
    and the request's nonce, when the page used one. A kept header is used only for the very
    configuration (the same object, still equal to what it was), so a changed setting or a
    view's own configuration (``@csp_override``) is written anew; the nonce goes where
    ``build_policy`` puts it."""

    #: the kept headers by the configuration's identity (a kept one holds its configuration,
    #: so no other takes its identity); a few: the setting's and the views' own
    _kept: dict[int, _KeptPolicy] = {}
    KEPT = 32

    def _policy(self, config: Any, nonce: Any) -> str:
        kept = self._kept.get(id(config))
        if kept is None or kept.config is not config or kept.snapshot != config:
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            kept = self._kept[id(config)] = _KeptPolicy(config)
        if nonce:
            return str(nonce).join(kept.around_nonce)
        return kept.without_nonce

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Django's, with ``build_policy`` kept (``_policy``)."""
        nonce = get_nonce(request)
        sentinel = object()
        if (csp_config := getattr(response, "_csp_config", sentinel)) is sentinel:
            csp_config = settings.SECURE_CSP
        if (csp_ro_config := getattr(response, "_csp_ro_config", sentinel)) is sentinel:
            csp_ro_config = settings.SECURE_CSP_REPORT_ONLY
        for header, config in [
            (CSP.HEADER_ENFORCE, csp_config),
            (CSP.HEADER_REPORT_ONLY, csp_ro_config),
        ]:
            if config and header not in response:
                response.headers[str(header)] = self._policy(config, nonce)
        return response


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
