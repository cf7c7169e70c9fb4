"""Jobs that ended before uploads were dropped at the end keep their file in the payload:
drop it now (issue 14, finding 6). A queued or running job keeps its file."""

from typing import Any

from django.db import migrations

ENDED = ["succeeded", "failed"]


def drop_uploads(apps: Any, schema_editor: Any) -> None:
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(status__in=ENDED, payload__has_key="content").iterator():
        job.payload = {key: value for key, value in job.payload.items() if key != "content"}
        job.save(update_fields=["payload"])


class Migration(migrations.Migration):
    dependencies = [("jobs", "0004_sweep_run")]

    operations = [migrations.RunPython(drop_uploads, migrations.RunPython.noop)]
