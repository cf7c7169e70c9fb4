from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
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
