"""Survey results are aggregates, protected (n < 11 hidden) for everyone who may see them: every
role that works with data, not the administrators.
Coordinators run the waves of their municipality; the municipality's professionals enter
interviews."""

from spona.accounts.models import User
from spona.core.roles import AGGREGATE_ROLES, SIGNAL_ROLES, Role
from spona.institutions.access import home_municipality
from spona.policy import Permission
from spona.surveys.models import SurveyWave

SURVEY_VIEW = Permission[SurveyWave]("survey_view")
SURVEY_MANAGE = Permission[SurveyWave]("survey_manage")
SURVEY_ENTER = Permission[SurveyWave]("survey_enter")


def _wave_is_local(user: User, wave: SurveyWave | None) -> bool:
    home = home_municipality(user)
    if home is None:
        return False
    return wave is None or wave.municipalities.filter(pk=home).exists()


@SURVEY_VIEW.rule
def _may_view(user: User, wave: SurveyWave | None) -> bool:
    return user.role in AGGREGATE_ROLES


@SURVEY_MANAGE.rule
def _manages_wave(user: User, wave: SurveyWave | None) -> bool:
    return user.role == Role.COORDINATOR and _wave_is_local(user, wave)


@SURVEY_ENTER.rule
def _may_enter(user: User, wave: SurveyWave | None) -> bool:
    return _manages_wave(user, wave) or (user.role in SIGNAL_ROLES and _wave_is_local(user, wave))
