from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
