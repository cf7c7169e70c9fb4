"""Need-to-know: who sees which persons and accounts."""

import pytest
from django.utils import timezone

from spona.accounts.access import MANAGE_USERS
from spona.accounts.models import Role, User
from spona.cases.models import Case
from spona.institutions.access import VIEW_DIRECTORY
from spona.institutions.models import InstitutionType
from spona.people.access import PERSON_VIEW
from spona.people.models import Person
from spona.policy import can, values_of, visible, visible_of
from spona.signals.models import Signal
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_case_manager_sees_only_persons_of_their_institution(make_user, social_welfare) -> None:
    mine = PersonFactory(registered_by=make_user(Role.FRONTLINE))
    other_institution = InstitutionFactory(
        type=InstitutionType.POLICE, municipality=social_welfare.municipality
    )
    PersonFactory(registered_by=UserFactory(institution=other_institution))
    manager = make_user(Role.CASE_MANAGER)
    assert list(visible(manager, Person)) == [mine]


def test_frontline_professional_sees_only_whom_they_registered(make_user) -> None:
    me, colleague = make_user(Role.FRONTLINE), make_user(Role.FRONTLINE)
    mine = PersonFactory(registered_by=me)
    PersonFactory(registered_by=colleague)
    assert list(visible(me, Person)) == [mine]


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.ANALYST, Role.INSTITUTION_ADMIN, Role.SYSTEM_ADMIN]
)
def test_roles_without_case_work_see_no_person(make_user, person, role) -> None:
    user = make_user(role)
    assert not visible(user, Person).exists()
    assert not can(user, PERSON_VIEW, person)


def test_institution_admin_manages_only_own_institution(make_user, social_welfare) -> None:
    admin = make_user(Role.INSTITUTION_ADMIN)
    colleague = make_user(Role.CASE_MANAGER)
    stranger = UserFactory(institution=InstitutionFactory())
    assert can(admin, MANAGE_USERS, colleague)
    assert not can(admin, MANAGE_USERS, stranger)
    assert stranger not in visible(admin, User)


def test_system_admin_manages_only_administrators(make_user) -> None:
    sysadmin = make_user(Role.SYSTEM_ADMIN)
    assert can(sysadmin, MANAGE_USERS, make_user(Role.INSTITUTION_ADMIN))
    assert not can(sysadmin, MANAGE_USERS, make_user(Role.CASE_MANAGER))


def test_inactive_and_anonymous_users_may_do_nothing(make_user, person) -> None:
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user(Role.CASE_MANAGER, is_active=False)
    for user in [AnonymousUser(), inactive, None]:
        assert not can(user, VIEW_DIRECTORY)
        assert not visible(user, Person).exists()


def test_a_persons_scope_asked_with_values_is_the_same_query_as_asked_of_the_user(
    make_user, monkeypatch
) -> None:
    """The person list builds ``visible``'s union once per shape of user (``visible_of``):
    for the same user at the same moment it is the same SQL with the same parameters."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for user in (make_user(Role.CASE_MANAGER), make_user(Role.FRONTLINE)):
        shape, values = values_of(user, Person)
        asked = visible_of(Person, shape, **values).query.sql_with_params()
        assert asked == visible(user, Person).query.sql_with_params()


def test_a_signals_scope_asked_with_values_is_the_same_query_as_asked_of_the_user(
    make_user, municipality
) -> None:
    """The API's signal list builds ``visible``'s union once per shape of user: for a triaging
    case manager (their institution's municipality and its routed signals), the Centre (the
    urgent signals and those about a child, and those routed to it) and a teacher (what they
    raised), the same SQL with the same parameters."""
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    users = [
        make_user(Role.CASE_MANAGER),
        make_user(Role.CENTRE_OFFICER, institution=centre),
        make_user(Role.FRONTLINE, institution=school),
    ]
    for user in users:
        shape, values = values_of(user, Signal)
        asked = visible_of(Signal, shape, **values).query.sql_with_params()
        assert asked == visible(user, Signal).query.sql_with_params(), user.role
    # three shapes: a value the user has not (``None``) is part of the shape
    shapes = {
        (shape, *(value is None for value in values.values()))
        for shape, values in (values_of(user, Signal) for user in users)
    }
    assert len(shapes) == 3


def test_only_a_model_whose_scopes_are_all_of_values_is_asked_with_values(make_user) -> None:
    manager = make_user(Role.CASE_MANAGER)
    with pytest.raises(LookupError, match="not a scope of values"):
        values_of(manager, Case)  # its scopes are of the user
    with pytest.raises(ValueError, match="inactive"):
        values_of(make_user(Role.CASE_MANAGER, is_active=False), Person)
