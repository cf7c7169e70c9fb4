"""Demo survey waves: one citizens' wave of 600 invented respondents per study municipality
(answers shaped like the 2014 study's figures) and one professionals' wave in Pirot."""

from datetime import date

from django.db import transaction

from spona.accounts.models import Role, User
from spona.core.tabular import Row
from spona.institutions.models import Municipality
from spona.surveys import demo_data
from spona.surveys.imports import ResponseChecker
from spona.surveys.models import SurveyInstrument, SurveyResponse, SurveyWave
from spona.surveys.services import instruments_load_default, wave_reweight

STUDY_CODES = ("70939", "71099", "80403")


def _wave(
    instrument: SurveyInstrument, municipality: Municipality, author: User, n: int, seed: int
) -> None:
    name = f"{instrument.data['title']['sr']} · {municipality.name_cyr} · 2026"
    if SurveyWave.objects.filter(name=name).exists():
        return
    wave = SurveyWave.objects.create(
        instrument=instrument,
        name=name,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 31),
        created_by=author,
    )
    wave.municipalities.set([municipality])
    rows = demo_data.generate_wave(
        instrument.data, municipality_code=municipality.code, n=n, seed=seed
    )
    checker = ResponseChecker(wave)
    responses = [
        checker.check(Row(i, {k.lower(): v for k, v in r.items()}))
        for i, r in enumerate(rows, start=2)
    ]
    if checker.errors:  # the generator and the checker disagree: a bug, never silently dropped rows
        raise ValueError("; ".join(checker.errors[:5]))
    SurveyResponse.objects.bulk_create([r for r in responses if r is not None])
    wave_reweight(wave)


@transaction.atomic
def surveys_demo_load() -> None:
    citizens, professionals = sorted(instruments_load_default(), key=lambda i: i.code != "citizens")
    for seed, code in enumerate(STUDY_CODES, start=1):
        municipality = Municipality.objects.get(code=code)
        author = User.objects.filter(
            role=Role.COORDINATOR, institution__municipality=municipality
        ).first()
        if author is None:
            continue
        _wave(citizens, municipality, author, 600, seed)
        if code == "70939":
            _wave(professionals, municipality, author, 41, 41)
