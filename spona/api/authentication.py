"""API authentication: expiring per-user bearer tokens, or the signed-in browser session."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from spona.accounts.services import api_token_authenticate


class ExpiringTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer spona_…``; revoked or expired tokens are refused."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].decode().lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header."))
        token = api_token_authenticate(parts[1].decode(errors="replace"))
        if token is None:
            raise AuthenticationFailed(_("Invalid or expired token."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session of a user who completed sign-in (second factor included)."""


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "spona.api.authentication.ExpiringTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
