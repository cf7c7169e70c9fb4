import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults

from spona.core.uploads import too_large
from spona.ops.faults import temporary_failure


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request too large (an upload over the limit, refused while it was received) gets a
    translated 413 that says so; any other bad request the translated 400 page."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    message = too_large()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


def upload_too_large(request: HttpRequest) -> HttpResponse:
    """The page the reverse proxy shows for a request body over its own limit
    (``error_page 413``, deploy/nginx/spona.conf): the same translated answer as Spona's."""
    return bad_request(request, RequestDataTooBig())


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Pages get the translated 404 page; API clients get JSON, as the schema says."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A translated error page that needs nothing from the database or the session; while
    the database cannot be reached or the upload disk is full, a "try again" page (JSON for
    the API) with its own status."""
    failure = temporary_failure(sys.exception())
    if failure is None:
        return HttpResponse(loader.render_to_string("500.html"), status=500)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": str(failure.message)}, status=failure.status
        )
    else:
        context = {"heading": failure.heading, "message": failure.message}
        response = HttpResponse(
            loader.render_to_string("unavailable.html", context), status=failure.status
        )
    response["Retry-After"] = "30"
    return response
