from django.urls import include, path
from django.views.i18n import set_language

from spona.core.routing import ByFirstSegment
from spona.core.views import upload_too_large

# Django's patterns, each path trying only those that could match it (spona.core.routing)
urlpatterns = [
    ByFirstSegment(
        [
            path("", include("spona.workspace.urls")),
            path("accounts/", include("spona.accounts.urls")),
            path("directory/", include("spona.institutions.urls")),
            path("people/", include("spona.people.urls")),
            path("signals/", include("spona.signals.urls")),
            path("report/", include("spona.signals.public_urls")),
            path("screening/", include("spona.screening.urls")),
            path("cases/", include("spona.cases.urls")),
            path("coordination/", include("spona.coordination.urls")),
            path("jobs/", include("spona.jobs.urls")),
            path("inbox/", include("spona.inbox.urls")),
            path("conferences/", include("spona.conferences.urls")),
            path("plans/", include("spona.plans.urls")),
            path("prevention/", include("spona.prevention.urls")),
            path("surveys/", include("spona.surveys.urls")),
            path("planning/", include("spona.planning.urls")),
            path("providers/", include("spona.providers.urls")),
            path("statistics/", include("spona.statistics.urls")),
            path("manage/users/", include("spona.accounts.manage_urls")),
            path("manage/institutions/", include("spona.institutions.manage_urls")),
            path("i18n/setlang/", set_language, name="set_language"),
            path("api/", include("spona.api.urls")),
            path("health/", include("spona.ops.urls")),
            path("upload-too-large/", upload_too_large, name="upload_too_large"),
        ]
    )
]

handler400 = "spona.core.views.bad_request"
handler404 = "spona.core.views.not_found"
handler500 = "spona.core.views.server_error"
