"""Drill: the disk that receives uploads is full. The upload is refused with a clear message
in the user's language (HTTP 507), no job is created, nothing of the file stays behind, and
once there is room again the same upload goes through. The "disk" is a tmpfs of 256 KiB
mounted for the test (root only: CI runs as root)."""

import gc
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROW = "70939,Пирот,girls-14-18,2025,12\n"


@pytest.fixture
def small_disk() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="spona-full-disk-"))
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)  # noqa: S603, S607
        folder.rmdir()


def test_an_upload_to_a_full_disk_is_refused_plainly_and_leaves_nothing(
    municipality, small_disk, settings
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(small_disk)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024  # larger uploads go to the disk
    supervisor = UserFactory(
        role=Role.SUPERVISOR,
        institution=InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality),
    )
    browser = Client(raise_request_exception=False)
    browser.force_login(supervisor)
    header = "municipality_code,settlement,group,period,count\n"
    too_big = (header + ROW * 20_000).encode()  # about 700 KiB
    assert len(too_big) > 256 * 1024

    for language, says in [
        ("en", "The server has no room to receive the file right now, so nothing was saved."),
        ("sr", "Сервер тренутно нема места да прими датотеку, па ништа није сачувано."),
    ]:
        refused = browser.post(
            reverse("prevention:count_import"),
            {"file": SimpleUploadedFile("counts.csv", too_big)},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert refused.status_code == 507
        assert says in refused.content.decode()
    gc.collect()
    assert Job.objects.count() == 0
    assert list(small_disk.iterdir()) == []  # no half-received file stays behind

    room_again = browser.post(
        reverse("prevention:count_import"),
        {"file": SimpleUploadedFile("counts.csv", (header + ROW * 2_000).encode())},
    )
    assert room_again.status_code == 302
    assert Job.objects.count() == 1
    assert os.statvfs(small_disk).f_bfree > 0
