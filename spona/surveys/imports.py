"""Importing a wave's responses from a KoboToolbox/ODK export (CSV or XLSX): all or nothing."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from spona.core.tabular import Row, read_job_upload
from spona.core.uploads import UploadError
from spona.jobs.models import Job
from spona.jobs.services import JobFailedError
from spona.surveys import instruments
from spona.surveys.models import SurveyResponse, SurveyWave
from spona.surveys.services import wave_reweight

STANDARD = instruments.STANDARD_COLUMNS


def _allowed(question: dict[str, Any], raw: str) -> bool:
    if question["type"] == "number":
        try:
            float(raw)
        except ValueError:
            return False
        return True
    codes = {o["code"] for o in question.get("options", [])}
    given = raw.split() if question["type"] == "multiple" else [raw]
    return all(code in codes for code in given)


class ResponseChecker:
    def __init__(self, wave: SurveyWave) -> None:
        self.wave = wave
        self.instrument = wave.instrument.data
        self.questions = {q["code"]: q for q in self.instrument["questions"]}
        self.municipalities = {m.code: m for m in wave.municipalities.all()}
        self.errors: list[str] = []

    def _error(self, row: Row, message: str) -> None:
        self.errors.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})

    def check(self, row: Row) -> SurveyResponse | None:
        values, problems = row.values, []
        municipality = self.municipalities.get(values.get(STANDARD["municipality"], ""))
        if municipality is None:
            problems.append(_("the municipality is not one of this wave's."))
        sex = values.get(STANDARD["sex"], "")
        if sex not in instruments.SEX_CODES:
            problems.append(_("sex must be female or male."))
        age = values.get(STANDARD["age"], "")
        if not (age.isdigit() and 15 <= int(age) <= 110):
            problems.append(_("age must be a whole number from 15 to 110."))
        weight = _positive(values.get(STANDARD["weight"], "") or "1")
        if weight is None:
            problems.append(_("the weight must be a positive number."))
        answers = instruments.answers_from_kobo(self.instrument, [values])[0]
        problems += [
            _("“%(answer)s” is not an answer to %(question)s.") % {"answer": raw, "question": code}
            for code, raw in answers.items()
            if not _allowed(self.questions[code], raw)
        ]
        for problem in problems:
            self._error(row, problem)
        if problems or municipality is None or weight is None:
            return None
        return SurveyResponse(
            wave=self.wave,
            municipality=municipality,
            stratum=values.get(STANDARD["stratum"], ""),
            psu=values.get(STANDARD["psu"], ""),
            base_weight=weight,
            sex=sex,
            age=int(age),
            answers=answers,
        )


def _positive(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def run_import(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    with translation.override(job.payload.get("language", "sr")):
        return _import(job, progress)


def _import(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    wave = SurveyWave.objects.select_related("instrument").get(pk=job.payload["wave"])
    try:
        header, rows = read_job_upload(job.payload)
    except UploadError as error:
        raise JobFailedError(error.errors) from error
    needed = set(STANDARD.values()) | set(wave.instrument.data["kobo"].values())
    missing = sorted(needed - set(header))
    if missing:
        raise JobFailedError(
            [_("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    checker = ResponseChecker(wave)
    checked = []
    for i, row in enumerate(rows, start=1):
        checked.append(checker.check(row))
        if i % 500 == 0:
            progress(i, len(rows) + 1)
    if checker.errors:
        raise JobFailedError(checker.errors[:200])
    with transaction.atomic():
        SurveyResponse.objects.bulk_create([c for c in checked if c is not None], batch_size=2000)
        wave_reweight(wave)
    progress(len(rows) + 1, len(rows) + 1)
    return {"message": _("%(count)s responses imported.") % {"count": len(rows)}}
