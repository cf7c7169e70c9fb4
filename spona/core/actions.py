"""Running a write from a small POST form and telling the user what came of it."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
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
    incomplete: "StrOrPromise" = INCOMPLETE,
) -> HttpResponse:
    """Run ``action``; a stale edit or missing data becomes a message, never an error page."""
    try:
        action()
    except StaleEditError as error:
        messages.error(request, error.message)
    except ValidationError:
        messages.error(request, incomplete)
    else:
        messages.success(request, done)
    return redirect(to)


def incomplete_and_return(request: HttpRequest, *, to: str) -> HttpResponse:
    messages.error(request, INCOMPLETE)
    return redirect(to)
