"""Account management: institution admins for their own institution, system admins for admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts import services
from spona.accounts.access import (
    MANAGE_USERS,
    grantable_roles,
    institutions_for_user_management,
    manageable_roles,
)
from spona.accounts.forms import UserCreateForm, UserEditForm
from spona.accounts.http import AuthenticatedHttpRequest
from spona.accounts.models import Role, User
from spona.core.locking import StaleEditError
from spona.policy import require, visible


def _target(request: HttpRequest, pk: int) -> User:
    user = get_object_or_404(visible(request.user, User), pk=pk)
    require(request.user, MANAGE_USERS, user)
    return user


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, MANAGE_USERS)
    users = list(visible(request.user, User).select_related("institution"))
    failing = [u for u in users if u.repeated_sign_in_failures]
    return render(request, "accounts/manage/user_list.html", {"users": users, "failing": failing})


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, MANAGE_USERS)
    me: User = request.user
    form = UserCreateForm(
        request.POST or None,
        roles=manageable_roles(me),
        institutions=institutions_for_user_management(me),
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.user_create(user=me, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "accounts/manage/password_issued.html", {"issued": issued})
    return render(request, "accounts/manage/user_form.html", {"form": form})


def _role_choices(me: User, target: User) -> list[Role]:
    """The roles this admin may give here, and the account's own (an account made before the
    roles followed the institution's type keeps its role until someone changes it)."""
    roles = grantable_roles(me, target.institution)
    return roles if target.role in roles else [Role(target.role), *roles]


@login_required
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    me: User = request.user
    form = UserEditForm(
        request.POST or None,
        instance=target,
        initial={"version": target.version},
        roles=_role_choices(me, target),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                user=me,
                target=form.instance,
                expected_version=form.cleaned_data["version"],
                changed=form.changed_data,
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("accounts_manage:user_list")
    return render(request, "accounts/manage/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_reset_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issued = services.user_reset_password(user=request.user, target=_target(request, pk))
    return render(request, "accounts/manage/password_issued.html", {"issued": issued})


@login_required
@require_POST
def user_reset_two_factor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    services.user_reset_two_factor(user=request.user, target=_target(request, pk))
    messages.success(
        request,
        _("Two-factor authentication was reset; the user sets it up again at the next sign-in."),
    )
    return redirect("accounts_manage:user_edit", pk=pk)
