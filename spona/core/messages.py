"""Django's messages stored as Django stores them (a signed cookie, the session after it),
the cookie's signer made only when a cookie is read or written.

``MESSAGE_STORAGE``: Django's ``CookieStorage`` makes its signer (the signing backend
imported, the secret key's derivation) on every request, about 25 Python calls, though most
requests carry no messages' cookie and set none: ``_decode`` of no cookie and ``_store`` of no
message never ask it. Here the signer is made, from the same settings with the same salt, the
first time the storage signs or checks a cookie."""

from typing import Any

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing
from django.http import HttpRequest
from django.utils.functional import cached_property


class _CookieStorage(CookieStorage):
    """Django's ``CookieStorage`` with its signer made when first used."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        BaseStorage.__init__(self, request, *args, **kwargs)  # not CookieStorage's: no signer

    @cached_property
    def signer(self) -> signing.Signer:
        return signing.get_cookie_signer(salt=self.key_salt)


class MessageStorage(FallbackStorage):
    """Django's ``FallbackStorage``: the cookie first (``_CookieStorage``), then the session."""

    storage_classes = (_CookieStorage, SessionStorage)
