"""Writes for surveys: instruments, waves, responses (entered or imported), weights."""

import uuid
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import translation

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.uploads import CheckedUpload
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.surveys import instruments, weighting
from spona.surveys.access import SURVEY_ENTER, SURVEY_MANAGE, SURVEY_VIEW
from spona.surveys.models import SurveyInstrument, SurveyResponse, SurveyWave, Weighting

IMPORT_JOB, REPORT_JOB, EXPORT_JOB = "surveys.import", "surveys.report", "surveys.export"


def instruments_load_default() -> list[SurveyInstrument]:
    """The two shipped instruments (citizens, professionals), loaded once per version."""
    loaded = []
    for code in instruments.DEFAULT_INSTRUMENTS:
        document = instruments.load_default(code)
        instrument, _created = SurveyInstrument.objects.get_or_create(
            code=document["code"], version=document["version"], defaults={"data": document}
        )
        loaded.append(instrument)
    return loaded


@transaction.atomic
def wave_create(*, user: User, municipalities: Any, **fields: Any) -> SurveyWave:
    wave = SurveyWave.objects.create(created_by=user, **fields)
    wave.municipalities.set(municipalities)
    require(user, SURVEY_MANAGE, wave)  # inside the transaction: refused means not created
    audit(AuditAction.CREATE, wave, user=user)
    return wave


@transaction.atomic
def response_enter(*, user: User, wave: SurveyWave, **fields: Any) -> SurveyResponse:
    """One interview entered in the field (weights are recomputed for the wave)."""
    require(user, SURVEY_ENTER, wave)
    response = SurveyResponse.objects.create(wave=wave, entered_by=user, **fields)
    wave_reweight(wave)
    audit(AuditAction.CREATE, response, user=user)
    return response


@transaction.atomic
def wave_margins_set(*, user: User, wave: SurveyWave, margins: dict[str, Any]) -> SurveyWave:
    """New population margins; the wave is raked to them and its weights recomputed."""
    require(user, SURVEY_MANAGE, wave)
    wave.margins, wave.weighting = margins, Weighting.RAKED
    wave.save(update_fields=["margins", "weighting"])
    wave_reweight(wave)
    audit(AuditAction.UPDATE, wave, user=user, details={"margins": sorted(margins)})
    return wave


def import_start(*, user: User, wave: SurveyWave, upload: CheckedUpload) -> Job:
    """Queue the import of a file checked at the edge (``spona.core.uploads``)."""
    require(user, SURVEY_MANAGE, wave)
    payload = {
        **upload.payload(),
        "wave": wave.pk,
        "language": translation.get_language(),
    }
    return job_start(kind=IMPORT_JOB, owner=user, payload=payload)


def report_start(*, user: User, wave: SurveyWave, kind: str) -> Job:
    """A PDF report or an XLSX of all estimates, made by the worker."""
    require(user, SURVEY_VIEW, wave)
    payload = {"wave": wave.pk, "language": translation.get_language()}
    return job_start(kind=kind, owner=user, payload=payload)


def _final_weights(wave: SurveyWave, rows: list[SurveyResponse]) -> np.ndarray:
    base = np.array([r.base_weight for r in rows], dtype=float)
    margins = wave.margins.get(rows[0].municipality.code, {}) if rows else {}
    if wave.weighting == Weighting.POST_STRATIFIED and "sex_age" in margins:
        cells = [f"{r.sex}|{instruments.age_band(r.age or 0)}" for r in rows]
        base = weighting.poststratify(base, cells, margins["sex_age"])
    elif wave.weighting == Weighting.RAKED and {"sex", "age_band"} <= set(margins):
        sexes = [r.sex for r in rows]
        bands = [instruments.age_band(r.age or 0) for r in rows]
        raked = weighting.rake(
            base, {"sex": (sexes, margins["sex"]), "age_band": (bands, margins["age_band"])}
        )
        base = raked.weights
    if wave.trim_at:
        base = weighting.trim(base, wave.trim_at)
    return base


@transaction.atomic
def wave_reweight(wave: SurveyWave) -> None:
    """Final weights per municipality: the design weights, post-stratified or raked to the
    wave's population margins, then trimmed if the wave says so. Every write of a wave's
    responses or weights ends here, and so draws a new ``estimates_stamp`` (the results kept
    in the cache are keyed by it)."""
    responses = list(wave.responses.select_related("municipality").order_by("pk"))
    by_municipality: dict[int, list[SurveyResponse]] = {}
    for response in responses:
        by_municipality.setdefault(response.municipality_id, []).append(response)
    for rows in by_municipality.values():
        for response, weight in zip(rows, _final_weights(wave, rows), strict=True):
            response.weight = float(weight)
    SurveyResponse.objects.bulk_update(responses, ["weight"], batch_size=2000)
    wave.estimates_stamp = uuid.uuid4()
    SurveyWave.objects.filter(pk=wave.pk).update(estimates_stamp=wave.estimates_stamp)
