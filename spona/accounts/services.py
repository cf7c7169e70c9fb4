"""Writes for sign-in, second factors, accounts and API tokens. All are audited."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts import two_factor
from spona.accounts.access import MANAGE_USERS, USE_API_TOKENS, manageable_roles
from spona.accounts.models import ApiToken, Role, TOTPDevice, User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.locking import save_versioned
from spona.institutions.models import Institution
from spona.policy import require

USER_EDITABLE_FIELDS = ["first_name", "last_name", "email", "language", "role", "is_active"]


class SignInError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


BAD_CREDENTIALS = _("The username or password is not correct.")
BAD_CODE = _("The code is not correct. Enter the current code from your authenticator app.")
LOCKED = _(
    "This account is locked after too many failed attempts. Try again later, "
    "or ask your institution's administrator."
)


def _register_failure(user: User | None, username: str, reason: str) -> None:
    """Count a failed attempt; lock the account once the limit is reached."""
    audit(AuditAction.SIGN_IN_FAILED, user, username=username, details={"reason": reason})
    if user is None:
        return
    User.objects.filter(pk=user.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
    user.refresh_from_db(fields=["failed_sign_ins"])
    if user.failed_sign_ins >= settings.LOGIN_FAILURE_LIMIT:
        until = timezone.now() + settings.LOGIN_LOCKOUT
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_sign_ins=0)
        audit(AuditAction.LOCKED_OUT, user, username=username)


def sign_in_check_password(request: HttpRequest, *, username: str, password: str) -> User:
    """First step of sign-in. Raises ``SignInError`` with a message for the user."""
    user = User.objects.filter(username=username).first()
    if user is not None and user.is_locked:
        audit(AuditAction.SIGN_IN_FAILED, user, username=username, details={"reason": "locked"})
        raise SignInError(LOCKED)
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        _register_failure(user, username, "password")
        raise SignInError(BAD_CREDENTIALS)
    assert isinstance(authenticated, User)  # noqa: S101 - the only user model
    return authenticated


def sign_in_check_code(user: User, code: str) -> None:
    """Second step: a TOTP code, or one of the recovery codes."""
    if user.is_locked:
        raise SignInError(LOCKED)
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None and two_factor.device_verify(device, code):
        return
    if two_factor.recovery_code_use(user, code):
        audit(AuditAction.UPDATE, user, user=user, details={"recovery_code": "used"})
        return
    _register_failure(user, user.username, "second_factor")
    raise SignInError(BAD_CODE)


@transaction.atomic
def two_factor_enrol(user: User, *, secret: str, code: str) -> list[str]:
    """Confirm a new authenticator with its first code; returns fresh recovery codes."""
    if two_factor.matching_step(secret, code) is None:
        raise SignInError(BAD_CODE)
    TOTPDevice.objects.filter(user=user).delete()
    step = two_factor.matching_step(secret, code) or 0
    TOTPDevice.objects.create(
        user=user, secret=secret, confirmed_at=timezone.now(), last_used_step=step
    )
    audit(AuditAction.UPDATE, user, user=user, details={"two_factor": "enrolled"})
    return two_factor.recovery_codes_issue(user)


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def sign_in_complete(request: HttpRequest, user: User) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    audit(AuditAction.SIGN_IN, user, user=user)


def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit(AuditAction.SIGN_OUT, request.user, user=request.user)
    logout(request)


def _temporary_password() -> str:
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class IssuedPassword:
    user: User
    password: str


@transaction.atomic
def user_create(*, user: User, **fields: Any) -> IssuedPassword:
    """A new account with a one-time password the user must change at first sign-in."""
    require(user, MANAGE_USERS, fields.get("institution"))
    if fields.get("role") not in manageable_roles(user):
        raise PermissionDenied
    user = User(must_change_password=True, **fields)
    password = _temporary_password()
    user.set_password(password)
    user.save()
    audit(AuditAction.CREATE, user, user=user, details={"role": user.role})
    return IssuedPassword(user, password)


@transaction.atomic
def user_update(*, user: User, target: User, expected_version: int, changed: list[str]) -> User:
    require(user, MANAGE_USERS, target)
    save_versioned(target, expected_version=expected_version, fields=USER_EDITABLE_FIELDS)
    audit(AuditAction.UPDATE, target, user=user, details={"fields": changed})
    return target


@transaction.atomic
def user_reset_password(*, user: User, target: User) -> IssuedPassword:
    require(user, MANAGE_USERS, target)
    password = _temporary_password()
    target.set_password(password)
    target.must_change_password = True
    target.locked_until = None
    target.failed_sign_ins = 0
    target.save(
        update_fields=["password", "must_change_password", "locked_until", "failed_sign_ins"]
    )
    audit(AuditAction.UPDATE, target, user=user, details={"password": "reset"})
    return IssuedPassword(target, password)


@transaction.atomic
def user_reset_two_factor(*, user: User, target: User) -> None:
    """Remove the authenticator and recovery codes: the user enrols again at next sign-in."""
    require(user, MANAGE_USERS, target)
    TOTPDevice.objects.filter(user=target).delete()
    target.recovery_codes.all().delete()
    audit(AuditAction.UPDATE, target, user=user, details={"two_factor": "reset"})


@transaction.atomic
def language_set(*, user: User, language: str) -> None:
    """The user's own language preference (their e-mails; the site at each sign-in)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        # a new version: an administrator's form opened before this does not undo it
        User.objects.filter(pk=user.pk).update(language=language, version=F("version") + 1)
        audit(AuditAction.UPDATE, user, user=user, details={"language": language})
        user.language = language


def password_changed(user: User) -> None:
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    audit(AuditAction.UPDATE, user, user=user, details={"password": "changed"})


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw key is returned once and never stored."""
    require(user, USE_API_TOKENS)
    raw = "spona_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[6:14],
        key_hash=_token_hash(raw),
        expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
    )
    audit(AuditAction.CREATE, token, user=user)
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        require(user, MANAGE_USERS, token.user)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit(AuditAction.UPDATE, token, user=user, details={"revoked": True})


@transaction.atomic
def system_admin_create(*, username: str, password: str) -> User:
    """Bootstrap: the first system administrator, created from the command line."""
    user = User(username=username, role=Role.SYSTEM_ADMIN)
    user.set_password(password)
    user.save()
    audit(AuditAction.CREATE, user, details={"role": user.role})
    return user


@transaction.atomic
def demo_user_ensure(
    *, username: str, role: Role, institution: Institution | None, password: str
) -> User:
    """Demo installations: the account exists, with the demo password and an enrolled
    authenticator (its key printed by ``spona totp``). Running it again changes nothing."""
    if not settings.DEMO:
        raise PermissionDenied
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, institution=institution)
        user.set_password(password)
        user.save()
        audit(AuditAction.CREATE, user, details={"role": role, "demo": True})
    if role != Role.ANALYST and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(
            user=user, secret=two_factor.new_secret(), confirmed_at=user.date_joined
        )
    return user
