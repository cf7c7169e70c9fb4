"""Long work runs in a real worker: Django's task framework with the database queue and the
``db_worker`` command that ``spona worker`` starts."""

import io

import pytest
from django.conf import settings as conf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.jobs.services import RUNNERS, TITLES, UNNAMED
from spona.prevention.models import AggregateCount, Settlement
from spona.prevention.services import default_groups
from spona.surveys.services import REPORT_JOB
from tests.factories import InstitutionFactory, UserFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_worker_then_completes(municipality, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    Settlement.objects.create(municipality=municipality, name="Пирот")
    default_groups(municipality)
    user = UserFactory(
        role=Role.SUPERVISOR,
        institution=InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality),
    )
    client = Client()
    client.force_login(user)
    content = b"municipality_code,settlement,group,period,count\n70939,\xd0\x9f\xd0\xb8\xd1\x80\xd0\xbe\xd1\x82,girls-14-18,2025,12\n"
    response = client.post(
        reverse("prevention:count_import"), {"file": SimpleUploadedFile("c.csv", content)}
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED
    waiting = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<meta http-equiv="refresh"' in waiting

    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 2, 2)
    assert AggregateCount.objects.get().count == 12
    done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<meta http-equiv="refresh"' not in done


@pytest.mark.django_db
def test_a_crashing_job_ends_failed_with_a_plain_message(municipality) -> None:
    from spona.jobs import services

    def broken(job, progress):
        raise RuntimeError("a bug")

    services.RUNNERS["test.broken"] = broken
    try:
        owner = UserFactory(
            role=Role.SUPERVISOR, institution=InstitutionFactory(municipality=municipality)
        )
        job = services.job_start(kind="test.broken", owner=owner, payload={"language": "en"})
    finally:
        del services.RUNNERS["test.broken"]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        "Something went wrong, and nothing was saved. The error has been recorded; try again later."
    ]


def test_every_kind_of_job_has_a_title() -> None:
    assert RUNNERS, "no job registered"
    assert set(RUNNERS) <= set(TITLES), set(RUNNERS) - set(TITLES)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["sr", "sr-latn", "en"])
def test_the_job_page_says_which_job_it_is(lang: str) -> None:
    user = UserFactory(role=Role.ANALYST)
    job = Job.objects.create(kind=REPORT_JOB, owner=user, payload={})
    client = Client()
    client.force_login(user)
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = lang
    page = client.get(reverse("jobs:job_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    with translation.override(lang):
        title = str(TITLES[REPORT_JOB])
    assert f"<h1>{title}</h1>" in page.content.decode()
    assert title != str(UNNAMED)
