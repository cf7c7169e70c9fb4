"""The demo's story (issue 13): a receiving user for every institution type of the mandate
matrix in each study municipality, persons named in one script with a given name of their sex,
signals from every kind of institution, screenings with every outcome, cases at every stage,
conferences with tasks, work overdue on the home pages; and running it again adds nothing.

The demo is loaded once for the module (it takes several seconds) and rolled back after it.
"""

import unicodedata

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.cases.models import Case, Referral, ReferralStatus
from spona.conferences.models import Conference, Task
from spona.coordination.defaults import DEFAULT_MATRIX
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.core.translit import to_latin
from spona.institutions.models import InstitutionType
from spona.people.models import Person, Sex
from spona.screening.models import Screening
from spona.signals.models import Signal
from spona.workspace.demo import DEMO_MUNICIPALITIES, demo_load
from spona.workspace.demo_names import FEMALE_GIVEN, MALE_GIVEN

pytestmark = pytest.mark.django_db


def _script(text: str) -> set[str]:
    """The scripts of a text's letters: "cyrillic", "latin"."""
    return {
        "cyrillic" if "CYRILLIC" in unicodedata.name(char) else "latin"
        for char in text
        if char.isalpha()
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the tests that read it (twice: the second run adds nothing)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        counted = [Signal, Screening, Case, Referral, Conference, Task, Person, User]
        counts = {model.__name__: model.objects.count() for model in counted}
        demo_load()
        yield counts, {model.__name__: model.objects.count() for model in counted}
        transaction.set_rollback(True)


def test_every_institution_type_of_the_matrix_has_a_receiving_user_everywhere(demo) -> None:
    receiving = User.objects.filter(role__in=INSTITUTION_WIDE_ROLES, is_active=True)
    for code in DEMO_MUNICIPALITIES:
        here = set(
            receiving.filter(institution__municipality__code=code).values_list(
                "institution__type", flat=True
            )
        )
        national = set(
            receiving.filter(institution__municipality=None).values_list(
                "institution__type", flat=True
            )
        )
        assert set(DEFAULT_MATRIX) <= here | national, code
        duty = User.objects.get(username=f"{DEMO_MUNICIPALITIES[code]}.dutyofficer")
        assert (duty.role, duty.institution.type) == (Role.CASE_MANAGER, InstitutionType.POLICE)


def test_demo_persons_have_one_script_and_a_given_name_of_their_sex(demo) -> None:
    female = set(FEMALE_GIVEN) | {to_latin(n) for n in FEMALE_GIVEN}
    male = set(MALE_GIVEN) | {to_latin(n) for n in MALE_GIVEN}
    named = [p for p in Person.objects.all() if p.given_name]
    assert len(named) >= 10
    scripts = set()
    for person in named:
        script = _script(person.given_name + person.family_name)
        assert len(script) == 1, (person.given_name, person.family_name)
        scripts |= script
        assert person.sex == (Sex.FEMALE if person.given_name in female else Sex.MALE)
        assert person.given_name in female | male
    assert scripts == {"cyrillic", "latin"}


def test_the_demo_tells_a_story_and_running_it_again_adds_nothing(demo) -> None:
    first, second = demo
    assert first == second
    sources = set(Signal.objects.values_list("raised_by_institution__type", flat=True))
    assert {InstitutionType.SCHOOL, InstitutionType.HEALTH, InstitutionType.POLICE} <= sources
    assert Signal.objects.count() >= 30
    assert len(sources) >= 10
    outcomes = list(Screening.objects.values_list("outcome", flat=True))
    assert len(outcomes) == 10
    assert len(set(outcomes)) == 5
    statuses = list(Case.objects.values_list("status", flat=True))
    assert len(statuses) == 6
    assert len(set(statuses)) >= 5
    referrals = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED} <= referrals
    assert Conference.objects.filter(decisions__isnull=False).distinct().count() == 2
    assert Task.objects.filter(due_on__lt=timezone.localdate()).exists()
    assert Referral.objects.filter(status="sent", due_at__lt=timezone.now()).exists()


def test_the_demo_home_pages_show_work_waiting_and_overdue(demo) -> None:
    client = Client()
    for username, key in [
        ("pirot.casemanager", "signals_to_triage"),
        ("pirot.dutyofficer", "tasks"),
        ("centre.officer", "referrals_to_answer"),
        ("pirot.supervisor", "protocol_steps_overdue"),
    ]:
        client.force_login(User.objects.get(username=username))
        sections = {s.key: s for s in client.get(reverse("workspace:home")).context["sections"]}
        assert sections[key].overdue_count > 0, username


def test_the_demo_plan_of_pirot_reproduces_its_readiness_and_fits_its_budget(demo) -> None:
    """Issue 17, acceptance 1: the readiness stages and the five evidence scores come from
    the demo data; the prioritised activities fit the total and every funder's budget."""
    from decimal import Decimal

    from django.utils import timezone

    from spona.planning.demo import INTERVIEWS
    from spona.planning.evidence import five_problems
    from spona.planning.models import Activity, ActivityStatus, Assessment, Budget, Problem
    from spona.planning.readiness import readiness
    from spona.planning.selectors import assessment_readiness, overdue

    year = timezone.localdate().year
    assessment = Assessment.objects.get(municipality__code="70939", year=year)
    expected = readiness(
        {d: int(v) for d, v in zip("ABCDEF", agreed, strict=True)}
        for _sector, _notes, (_first, _other, agreed) in INTERVIEWS
    )
    assert assessment_readiness(assessment) == expected
    assert expected.stage() == 3  # vague awareness: 3.43 overall, never rounded up
    problems = {e.problem: e for e in five_problems(assessment.municipality, year)}
    assert set(problems) == set(Problem)
    assert all(e.facts for e in problems.values())

    budget = Budget.objects.get(municipality=assessment.municipality, year=year)
    chosen = Activity.objects.filter(
        municipality=assessment.municipality,
        year=year,
        status__in=[ActivityStatus.CHOSEN, ActivityStatus.IN_PROGRESS],
    )
    assert sum(a.cost for a in chosen) <= budget.total
    for funder, limit in budget.by_funder.items():
        assert sum(a.cost for a in chosen if a.funder == funder) <= Decimal(limit)
    assert chosen.filter(mandatory=True).count() == 1
    left_out = Activity.objects.get(municipality=assessment.municipality, override="out")
    assert left_out.status == ActivityStatus.LEFT_OUT
    # the year under way: the workshops progress, the local team is overdue
    workshops = chosen.get(kind="school_programme")
    assert (workshops.status, workshops.progress) == (ActivityStatus.IN_PROGRESS, 40)
    assert workshops.indicators.exclude(metric="").count() == 2
    assert list(overdue().filter(municipality=assessment.municipality)) == [
        chosen.get(mandatory=True)
    ]
