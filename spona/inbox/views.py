from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.inbox import selectors, services


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = list(selectors.inbox(user=request.user)[:200])
    return render(request, "inbox/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("id") if pk.isdigit()]
    services.mark_read(user=request.user, notification_ids=ids or None)
    return redirect("inbox:inbox")


@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read (only one's own; local links only)."""
    notification = get_object_or_404(selectors.inbox(user=request.user), pk=pk)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    local = url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None)
    return redirect(notification.link if notification.link and local else "inbox:inbox")
