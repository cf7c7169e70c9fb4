"""Running a write from a posted form and telling the user what came of it."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from spona.core.locking import StaleEditError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INCOMPLETE = _("Fill in the form completely.")
SAVED = _("Saved.")


def act_and_return(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    to: str,
    done: "StrOrPromise" = SAVED,
    incomplete: "StrOrPromise | None" = INCOMPLETE,
) -> HttpResponse:
    """Run ``action``; a stale edit or missing data becomes a message, never an error page.

    The service's ``ValidationError`` is told as ``incomplete``, or with ``incomplete=None``
    as the service's own reasons, one message each.
    """
    try:
        action()
    except StaleEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for reason in error.messages if incomplete is None else [incomplete]:
            messages.error(request, reason)
    else:
        messages.success(request, done)
    return redirect(to)


def incomplete_and_return(request: HttpRequest, *, to: str) -> HttpResponse:
    messages.error(request, INCOMPLETE)
    return redirect(to)


def submit_or_redisplay[T](
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    to: str | Callable[[T], str],
    done: "StrOrPromise | None" = SAVED,
) -> HttpResponse | None:
    """On a page of its own, run ``action`` on a valid posted ``form`` and go on to ``to``
    (a URL, or one made from what ``action`` returned).

    A stale edit or the service's ``ValidationError`` becomes the form's own error, shown
    beside what the user typed, so ``None`` comes back whenever the view should render the
    form again (not posted, invalid, or refused).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except StaleEditError as error:
        form.add_error(None, error.message)
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if done is not None:
        messages.success(request, done)
    return redirect(to(result) if callable(to) else to)


def submit_and_return(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], object],
    *,
    to: str,
    done: "StrOrPromise" = SAVED,
    incomplete: "StrOrPromise | None" = INCOMPLETE,
) -> HttpResponse:
    """Check the posted ``form``, then run ``action`` on its cleaned data and go back to ``to``.

    The small forms on a detail page post here and return there: an incomplete form and the
    service's refusals (``incomplete`` for its ``ValidationError``) become a message on that
    page, as in :func:`act_and_return`.
    """
    if not form.is_valid():
        return incomplete_and_return(request, to=to)
    return act_and_return(
        request, lambda: action(form.cleaned_data), to=to, done=done, incomplete=incomplete
    )
