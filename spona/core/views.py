from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Pages get the translated 404 page; API clients get JSON, as the schema says."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A translated error page that needs nothing from the database or the session."""
    return HttpResponse(loader.render_to_string("500.html"), status=500)
