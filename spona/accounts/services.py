"""Writes for sign-in, second factors, accounts and API tokens. All are audited."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts import two_factor
from spona.accounts.access import (
    MANAGE_USERS,
    USE_API_TOKENS,
    grantable_roles,
    manageable_roles,
)
from spona.accounts.events import person_access_granted
from spona.accounts.models import ApiToken, Role, TOTPDevice, User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.locking import save_versioned
from spona.core.roles import PERSON_ROLES
from spona.institutions.models import Institution
from spona.ops.clients import client_address
from spona.policy import require

#: how long a client address's failures are remembered after its last one
ADDRESS_MEMORY_SECONDS = 24 * 60 * 60
USER_EDITABLE_FIELDS = ["first_name", "last_name", "email", "language", "role", "is_active"]


class SignInError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


#: One message for every failure of the password step: a wrong password, an unknown username,
#: an attempt made too soon after earlier failures. Nothing tells which usernames exist.
SIGN_IN_FAILED = _(
    "Sign-in failed. Check your username and password and try again. After several failed "
    "attempts, wait a minute before the next one."
)
#: The same for the second step (the user is known by then, the delay still applies).
CODE_FAILED = _(
    "The code was not accepted. Enter the current code from your authenticator app. After "
    "several wrong codes, wait a minute before the next one."
)
BAD_CODE = _("The code is not correct. Enter the current code from your authenticator app.")


def _backoff_seconds(failures: int, *, free: int, cap: float) -> float:
    """The wait after ``failures`` failures in a row: none for the first ``free`` ones, then
    doubling from ``LOGIN_DELAY_BASE_SECONDS`` up to ``cap`` (OWASP: exponential backoff)."""
    if failures < free:
        return 0.0
    return float(min(settings.LOGIN_DELAY_BASE_SECONDS * 2 ** min(failures - free, 30), cap))


def _address_key(address: str) -> str:
    digest = hashlib.sha256(f"sign-in:{address}".encode()).hexdigest()[:32]
    return f"spona.sign_in.address.{digest}"


def _address_failures(address: str) -> tuple[int, float]:
    """Failures from this client address since its last success, and when the last was (the
    address is only hashed into a cache key, never stored)."""
    state = cache.get(_address_key(address)) or {}
    return int(state.get("n", 0)), float(state.get("at", 0.0))


def sign_in_delayed(user: User | None, address: str) -> bool:
    """Is an attempt now too soon after this account's or this address's failures?"""
    now = timezone.now()
    if user is not None and user.last_failed_sign_in_at is not None:
        wait = _backoff_seconds(
            user.failed_sign_ins,
            free=settings.LOGIN_FREE_FAILURES,
            cap=settings.LOGIN_ACCOUNT_DELAY_CAP_SECONDS,
        )
        if now < user.last_failed_sign_in_at + timedelta(seconds=wait):
            return True
    failures, at = _address_failures(address)
    wait = _backoff_seconds(
        failures,
        free=settings.LOGIN_ADDRESS_FREE_FAILURES,
        cap=settings.LOGIN_ADDRESS_DELAY_CAP_SECONDS,
    )
    return now.timestamp() < at + wait


def _register_failure(user: User | None, username: str, reason: str, address: str) -> None:
    """Count a failed attempt against the account (if there is one) and the client address."""
    audit(AuditAction.SIGN_IN_FAILED, user, username=username, details={"reason": reason})
    failures, _at = _address_failures(address)
    cache.set(
        _address_key(address),
        {"n": failures + 1, "at": timezone.now().timestamp()},
        timeout=ADDRESS_MEMORY_SECONDS,
    )
    if user is not None:
        User.objects.filter(pk=user.pk).update(
            failed_sign_ins=F("failed_sign_ins") + 1, last_failed_sign_in_at=timezone.now()
        )


def _refuse_delayed(user: User | None, username: str, message: Any) -> SignInError:
    """An attempt inside a delay is not checked and not counted (so a stranger's attempts do
    not lengthen a colleague's wait); it is audited and answered like any failure."""
    audit(AuditAction.SIGN_IN_FAILED, user, username=username, details={"reason": "delayed"})
    return SignInError(message)


def sign_in_check_password(request: HttpRequest, *, username: str, password: str) -> User:
    """First step of sign-in. Raises ``SignInError`` with a message for the user."""
    address = client_address(request)
    user = User.objects.filter(username=username).first()
    delayed = sign_in_delayed(user, address)
    # The password is checked even inside a delay, and its answer thrown away: the time a
    # refusal takes tells nothing about the account either.
    authenticated = authenticate(request, username=username, password=password)
    if delayed:
        raise _refuse_delayed(user, username, SIGN_IN_FAILED)
    if authenticated is None:
        _register_failure(user, username, "password", address)
        raise SignInError(SIGN_IN_FAILED)
    assert isinstance(authenticated, User)  # noqa: S101 - the only user model
    return authenticated


def sign_in_check_code(request: HttpRequest, user: User, code: str) -> None:
    """Second step: a TOTP code, or one of the recovery codes."""
    address = client_address(request)
    if sign_in_delayed(user, address):
        raise _refuse_delayed(user, user.username, CODE_FAILED)
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None and two_factor.device_verify(device, code):
        return
    if two_factor.recovery_code_use(user, code):
        audit(AuditAction.UPDATE, user, user=user, details={"recovery_code": "used"})
        return
    _register_failure(user, user.username, "second_factor", address)
    raise SignInError(CODE_FAILED)


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
    login(request, user, backend="spona.accounts.backends.UserBackend")
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, last_failed_sign_in_at=None)
    cache.delete(_address_key(client_address(request)))
    audit(AuditAction.SIGN_IN, user, user=user)


def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit(AuditAction.SIGN_OUT, request.user, user=request.user)
    logout(request)


def _temporary_password() -> str:
    return secrets.token_urlsafe(12)


def _check_role_grantable(user: User, role: object, institution: Institution | None) -> None:
    """Refuse a role the institution's type does not have or the granter may not give."""
    if role not in manageable_roles(user):
        raise PermissionDenied
    if role not in grantable_roles(user, institution):
        raise ValidationError({"role": _("An account in this institution cannot have this role.")})


@dataclass(frozen=True)
class IssuedPassword:
    user: User
    password: str


def person_access_announce(*, by: User, account: User, how: str) -> None:
    """An admin gave an account access to data about persons (finding 13): tell the apps
    above, whose receivers alert the institution's other admins and, where needed, the Centre.
    A system admin cannot give such a role, but can create an institution admin who does;
    the alert is what makes that second step seen."""
    if account.role not in PERSON_ROLES or not account.is_active:
        return
    new_since = timezone.now() - timedelta(days=settings.NEW_ADMIN_DAYS)
    new_admin = by.date_joined > new_since
    audit(
        AuditAction.UPDATE,
        account,
        user=by,
        details={"person_access": how, "role": account.role, "by_new_admin": new_admin},
    )
    person_access_granted.send(sender=User, by=by, account=account, how=how, new_admin=new_admin)


@transaction.atomic
def user_create(*, user: User, **fields: Any) -> IssuedPassword:
    """A new account with a one-time password the user must change at first sign-in."""
    require(user, MANAGE_USERS, fields.get("institution"))
    _check_role_grantable(user, fields.get("role"), fields.get("institution"))
    account = User(must_change_password=True, **fields)
    password = _temporary_password()
    account.set_password(password)
    account.save()
    audit(AuditAction.CREATE, account, user=user, details={"role": account.role})
    person_access_announce(by=user, account=account, how="created")
    return IssuedPassword(account, password)


@transaction.atomic
def user_update(*, user: User, target: User, expected_version: int, changed: list[str]) -> User:
    require(user, MANAGE_USERS, target)
    if "role" in changed:
        _check_role_grantable(user, target.role, target.institution)
    save_versioned(target, expected_version=expected_version, fields=USER_EDITABLE_FIELDS)
    audit(AuditAction.UPDATE, target, user=user, details={"fields": changed})
    if "role" in changed:
        person_access_announce(by=user, account=target, how="role_changed")
    elif "is_active" in changed:
        person_access_announce(by=user, account=target, how="reactivated")
    return target


def _credentials_revoked(target: User, *, user: User, why: str, end_sessions: bool = True) -> None:
    """After a password or second-factor reset (or a password change): every API token of the
    account is revoked and, unless the user changed their own password in this session, every
    session ends (at its next request: the session's auth hash no longer matches)."""
    revoked = ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if end_sessions:
        User.objects.filter(pk=target.pk).update(session_generation=F("session_generation") + 1)
        target.refresh_from_db(fields=["session_generation"])
    audit(
        AuditAction.UPDATE,
        target,
        user=user,
        details={"credentials_revoked": why, "tokens": revoked, "sessions_ended": end_sessions},
    )


@transaction.atomic
def user_reset_password(*, user: User, target: User) -> IssuedPassword:
    require(user, MANAGE_USERS, target)
    password = _temporary_password()
    target.set_password(password)
    target.must_change_password = True
    target.last_failed_sign_in_at = None
    target.failed_sign_ins = 0
    target.save(
        update_fields=[
            "password",
            "must_change_password",
            "last_failed_sign_in_at",
            "failed_sign_ins",
        ]
    )
    audit(AuditAction.UPDATE, target, user=user, details={"password": "reset"})
    _credentials_revoked(target, user=user, why="password_reset")
    return IssuedPassword(target, password)


@transaction.atomic
def user_reset_two_factor(*, user: User, target: User) -> None:
    """Remove the authenticator and recovery codes: the user enrols again at next sign-in."""
    require(user, MANAGE_USERS, target)
    TOTPDevice.objects.filter(user=target).delete()
    target.recovery_codes.all().delete()
    audit(AuditAction.UPDATE, target, user=user, details={"two_factor": "reset"})
    _credentials_revoked(target, user=user, why="two_factor_reset")


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
    """The user changed their own password: their API tokens are revoked; their other
    sessions end with the old password's hash (Django's session check), this one goes on."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    audit(AuditAction.UPDATE, user, user=user, details={"password": "changed"})
    _credentials_revoked(user, user=user, why="password_changed", end_sessions=False)


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
