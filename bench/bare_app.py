"""The ceiling: a bare Django page (Django's default middleware, one template, no database)
served by the same Gunicorn settings as Spona, so that bench/load.py can say what share of
what the framework can do on this machine Spona achieves.

    gunicorn --config python:spona.ops.gunicorn_conf bench.bare_app:application
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></body></html>"""


def page(request: HttpRequest) -> HttpResponse:
    return render(request, "page.html", {"title": "Bare Django", "items": range(20)})


settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-django-bench-page-not-a-secret",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})]
            },
        }
    ],
    LOGGING_CONFIG=None,
)
django.setup()
urlpatterns = [path("", page)]
application = get_wsgi_application()
