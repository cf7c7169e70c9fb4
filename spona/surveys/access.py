"""Survey results are aggregates, protected (n < 11 hidden) for everyone who may see them: every
role that works with data, not the administrators.
Coordinators run the waves of their municipality; the municipality's professionals enter
interviews."""

from typing import Any

from django.db.models import QuerySet

from spona.accounts.models import User
from spona.core.prepared import Prepared
from spona.core.roles import AGGREGATE_ROLES, SIGNAL_ROLES, Role
from spona.institutions.access import home_municipality
from spona.policy import Permission
from spona.surveys.models import SurveyWave

SURVEY_VIEW = Permission[SurveyWave]("survey_view")
SURVEY_MANAGE = Permission[SurveyWave]("survey_manage")
SURVEY_ENTER = Permission[SurveyWave]("survey_enter")


def _wave_in(wave: int, municipality: int) -> QuerySet[Any]:
    places = SurveyWave.municipalities.through.objects
    return places.filter(surveywave=wave, municipality=municipality).values_list("pk")[:1]


#: asked on every view of a wave by a role that may enter or manage one: compiled once
_WAVE_IN = Prepared(_wave_in, 0, 10)


def _wave_is_local(user: User, wave: SurveyWave | None) -> bool:
    home = home_municipality(user)
    if home is None:
        return False
    return wave is None or bool(_WAVE_IN(wave.pk, home))


@SURVEY_VIEW.rule
def _may_view(user: User, wave: SurveyWave | None) -> bool:
    return user.role in AGGREGATE_ROLES


@SURVEY_MANAGE.rule
def _manages_wave(user: User, wave: SurveyWave | None) -> bool:
    return user.role == Role.COORDINATOR and _wave_is_local(user, wave)


@SURVEY_ENTER.rule
def _may_enter(user: User, wave: SurveyWave | None) -> bool:
    return _manages_wave(user, wave) or (user.role in SIGNAL_ROLES and _wave_is_local(user, wave))
