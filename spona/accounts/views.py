"""Sign-in (password, then a second factor), enrolment, password change, API tokens."""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts import services, two_factor
from spona.accounts.access import requires_two_factor
from spona.accounts.forms import ApiTokenForm, CodeForm, EnrolForm, LanguageForm, SignInForm
from spona.accounts.http import AuthenticatedHttpRequest
from spona.accounts.models import ApiToken, User

PENDING = "spona.pending_sign_in"
ENROL_SECRET = "spona.enrol_secret"  # noqa: S105 - a session key name, not a secret
PENDING_SECONDS = 300


def language_at_sign_in(request: HttpRequest, user: User) -> str | None:
    """The language the site takes when ``user`` signs in: their preference, unless this
    browser has already chosen one with the language switcher (the latest explicit choice
    wins, such as English picked on the sign-in page). Activated for this response; returns
    the language to remember in the browser, or None to keep the browser's."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in dict(settings.LANGUAGES):
        return None
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    return user.language


def remember_language(response: HttpResponse, language: str | None) -> HttpResponse:
    """Keep ``language`` in the browser: the cookie the language switcher sets."""
    if language is None:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step in the last five minutes, if any."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workspace:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check_password(request, **form.cleaned_data)
        except services.SignInError as error:
            form.add_error(None, error.message)
        else:
            if services.has_two_factor(user):
                request.session[PENDING] = {"user": user.pk, "at": time.time()}
                return redirect("accounts:verify")
            if requires_two_factor(user):
                request.session[PENDING] = {"user": user.pk, "at": time.time()}
                return redirect("accounts:enrol")
            services.sign_in_complete(request, user)
            language = language_at_sign_in(request, user)
            return remember_language(redirect("workspace:home"), language)
    return render(request, "accounts/sign_in.html", {"form": form})


def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None or not services.has_two_factor(user):
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_check_code(request, user, form.cleaned_data["code"])
        except services.SignInError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(PENDING, None)
            services.sign_in_complete(request, user)
            language = language_at_sign_in(request, user)
            return remember_language(redirect("workspace:home"), language)
    return render(request, "accounts/verify.html", {"form": form})


def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a role that needs a second factor: set up the authenticator."""
    user = _pending_user(request)
    if user is None or services.has_two_factor(user):
        return redirect("accounts:login")
    secret = request.session.get(ENROL_SECRET) or two_factor.new_secret()
    request.session[ENROL_SECRET] = secret
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enrol(user, secret=secret, code=form.cleaned_data["code"])
        except services.SignInError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(PENDING, None)
            request.session.pop(ENROL_SECRET, None)
            services.sign_in_complete(request, user)
            language = language_at_sign_in(request, user)
            shown = render(request, "accounts/recovery_codes.html", {"codes": codes})
            return remember_language(shown, language)
    uri = two_factor.provisioning_uri(user, secret)
    context: dict[str, Any] = {"form": form, "secret": secret, "qr_svg": two_factor.qr_svg(uri)}
    return render(request, "accounts/enrol.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    return redirect("accounts:login")


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own account: their language, and the way to their password and tokens."""
    user: User = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        services.language_set(user=user, language=form.cleaned_data["language"])
        translation.activate(user.language)
        messages.success(request, _("Your language has been saved."))
        return remember_language(redirect("accounts:account"), user.language)
    return render(request, "accounts/account.html", {"form": form})


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user)
        messages.success(request, _("Your password has been changed."))
        return redirect("workspace:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def recovery_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); shown once."""
    if request.method == "POST":
        codes = two_factor.recovery_codes_issue(request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes_confirm.html")


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    form = ApiTokenForm(request.POST or None)
    raw_key = None
    if request.method == "POST" and form.is_valid():
        _token, raw_key = services.api_token_create(user=user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user)
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "raw_key": raw_key}
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")
