"""Individual protection and integration plans (issue 15).

The case lead drafts a plan with the person, goals per domain with the institution the
mandate matrix suggests; a supervisor of the lead institution approves or refuses it; service
requests travel as referrals and their answers move the goals; reviews come every three months
or earlier on an event and remind when overdue; outcomes are recorded at closure; the plan and
a review print as PDF in the reader's language and script.
"""

import base64
import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ConsentMethod,
    DataCategory,
    ReferralStatus,
)
from spona.cases.services import case_open_for_presumed_victim, consent_record, referral_act
from spona.core.locking import StaleEditError
from spona.core.translit import to_latin
from spona.inbox.models import Notification
from spona.institutions.models import InstitutionType
from spona.plans import pdf, selectors, services
from spona.plans.access import PLAN_EDIT, PLAN_MOVE, PLAN_VIEW
from spona.plans.models import (
    Domain,
    Goal,
    GoalReferral,
    GoalStatus,
    OutcomeKind,
    Plan,
    PlanKind,
    PlanStatus,
)
from spona.plans.reminders import sweep_overdue_reviews
from spona.plans.workflow import TRANSITIONS, PlanMove
from spona.policy import can, visible
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory


@pytest.fixture
def place(municipality, social_welfare):
    """A social welfare centre leading an adult's case in protection, its case manager and two
    supervisors, the municipality's employment service and police, the national Centre, the
    local coordinator, and a supervisor elsewhere."""
    csr = social_welfare
    employment = InstitutionFactory(type=InstitutionType.EMPLOYMENT, municipality=municipality)
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    local_government = InstitutionFactory(
        type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
    )
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    people = {
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=csr, first_name="Ана"),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr),
        "other_supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr),
        "employment_officer": UserFactory(role=Role.CASE_MANAGER, institution=employment),
        "inspector": UserFactory(role=Role.CASE_MANAGER, institution=police),
        "officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "coordinator": UserFactory(role=Role.COORDINATOR, institution=local_government),
        "outsider": UserFactory(
            role=Role.SUPERVISOR, institution=InstitutionFactory(municipality=MunicipalityFactory())
        ),
    }
    person = PersonFactory(registered_by=people["manager"])
    case = case_open_for_presumed_victim(
        user=people["manager"], person=person, is_child=False, origin={}
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PROTECTION)
    case.refresh_from_db()
    return {
        "csr": csr,
        "employment": employment,
        "police": police,
        "centre": centre,
        "case": case,
        **people,
    }


def _plan(place, *, goals: int = 1, **kw) -> Plan:
    plan = services.plan_draft(
        user=place["manager"],
        case=place["case"],
        kind=kw.pop("kind", PlanKind.INTEGRATION),
        coordinator=place["coordinator"],
        summary="Жели да живи самостално у Пироту.",
        **kw,
    )
    for number in range(goals):
        services.goal_add(
            user=place["manager"],
            plan=plan,
            domain=Domain.EMPLOYMENT,
            text=f"Посао у струци, корак {number + 1}",
            own_words="Хоћу да радим као фризерка.",
            target_date=date(2027, 6, 1),
        )
    return plan


def _fresh(plan: Plan) -> Plan:
    return Plan.objects.get(pk=plan.pk)


def _approved(place, **kw) -> Plan:
    plan = _plan(place, **kw)
    services.plan_submit(user=place["manager"], plan=plan, expected_version=plan.version)
    services.plan_approve(user=place["supervisor"], plan=plan, expected_version=plan.version)
    return _fresh(plan)


# --- acceptance 1: the lifecycle ------------------------------------------------------


@pytest.mark.django_db
def test_a_plan_goes_from_draft_through_refusal_approval_and_review_to_closed(place) -> None:
    manager, supervisor = place["manager"], place["supervisor"]
    plan = _plan(place)
    assert plan.status == PlanStatus.DRAFT
    assert plan.lead_institution == place["csr"]

    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    assert plan.status == PlanStatus.SUBMITTED
    assert Notification.objects.filter(recipient=supervisor, kind="plan_submitted").exists()

    services.plan_refuse(
        user=supervisor, plan=plan, expected_version=plan.version, reason="Нема циља за смештај."
    )
    assert _fresh(plan).status == PlanStatus.DRAFT
    assert _fresh(plan).refusal_reason == "Нема циља за смештај."

    services.goal_add(user=manager, plan=plan, domain=Domain.ACCOMMODATION, text="Смештај")
    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)
    plan = _fresh(plan)
    assert (plan.status, plan.approved_by, plan.refusal_reason) == (
        PlanStatus.APPROVED,
        supervisor,
        "",
    )
    approval = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(plan.pk)).last()
    assert approval is not None
    assert approval.details["from"] == "submitted"
    assert approval.details["to"] == "approved"

    review = services.review_start(user=manager, plan=plan, expected_version=plan.version)
    assert plan.status == PlanStatus.UNDER_REVIEW
    goals = list(plan.goals.all())
    services.review_record(
        user=manager,
        review=review,
        expected_version=review.version,
        plan_version=plan.version,
        progress={
            goals[0]: services.Progress(GoalStatus.IN_PROGRESS, "Уписала курс."),
            goals[1]: services.Progress(GoalStatus.ACHIEVED, "Живи у стану."),
        },
        summary="Напредује.",
    )
    plan = _fresh(plan)
    assert plan.status == PlanStatus.APPROVED
    assert [g.status for g in plan.goals.all()] == [GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED]

    services.outcome_record(
        user=manager, plan=plan, domain=Domain.ACCOMMODATION, kind=OutcomeKind.HOUSED,
        on=date(2027, 3, 1),
    )  # fmt: skip
    services.plan_close(user=manager, plan=plan, expected_version=plan.version)
    plan = _fresh(plan)
    assert plan.status == PlanStatus.CLOSED
    assert plan.closed_at is not None
    assert not plan.reviews.filter(held_at__isnull=True).exists()  # nothing due any more
    steps = [
        e.details["step"]
        for e in CaseEvent.objects.filter(case=place["case"], kind=CaseEventKind.PLAN)
    ]
    assert steps == [
        "drafted", "submitted", "refused", "submitted", "approved", "review_started",
        "reviewed", "closed",
    ]  # fmt: skip


ALL_STATUSES = list(PlanStatus)


@pytest.mark.django_db
@pytest.mark.parametrize("source", ALL_STATUSES)
@pytest.mark.parametrize("target", ALL_STATUSES)
def test_every_move_outside_the_table_is_refused_to_everyone(place, source, target) -> None:
    plan = _plan(place)
    Plan.objects.filter(pk=plan.pk).update(status=source)
    plan = _fresh(plan)
    allowed = target in TRANSITIONS[source]
    movers = {
        name for name in place if name in {"manager", "supervisor", "other_supervisor",
        "officer", "coordinator", "outsider", "inspector"}
        and can(place[name], PLAN_MOVE, PlanMove(plan, target))
    }  # fmt: skip
    if not allowed:
        assert movers == set()
    elif source == PlanStatus.SUBMITTED:  # approval and refusal: four eyes
        assert movers == {"supervisor", "other_supervisor"}
    else:  # the case lead: the lead institution's case manager and supervisors
        assert movers == {"manager", "supervisor", "other_supervisor"}


@pytest.mark.django_db
def test_refused_transitions_raise_in_the_services(place) -> None:
    manager, supervisor = place["manager"], place["supervisor"]
    plan = _plan(place)
    with pytest.raises(PermissionDenied):  # draft → approved skips the submission
        services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):  # a draft is not reviewed
        services.review_start(user=manager, plan=plan, expected_version=plan.version)
    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):  # the case manager does not approve
        services.plan_approve(user=manager, plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):  # a supervisor elsewhere does not either
        services.plan_approve(user=place["outsider"], plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):  # a submitted plan is not closed
        services.plan_close(user=manager, plan=plan, expected_version=plan.version)
    with pytest.raises(ValidationError):  # a refusal says why
        services.plan_refuse(user=supervisor, plan=plan, expected_version=plan.version, reason=" ")
    services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)
    services.plan_close(user=manager, plan=plan, expected_version=plan.version)
    for step in (services.plan_submit, services.review_start, services.plan_close):
        with pytest.raises(PermissionDenied):  # a closed plan stays closed
            step(user=manager, plan=plan, expected_version=plan.version)


@pytest.mark.django_db
def test_a_supervisor_does_not_approve_a_plan_they_drafted(place) -> None:
    supervisor = place["supervisor"]
    plan = services.plan_draft(user=supervisor, case=place["case"], kind=PlanKind.PROTECTION)
    services.goal_add(user=supervisor, plan=plan, domain=Domain.SAFETY, text="Безбедност")
    services.plan_submit(user=supervisor, plan=plan, expected_version=plan.version)
    with pytest.raises(PermissionDenied):
        services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)
    services.plan_approve(user=place["other_supervisor"], plan=plan, expected_version=plan.version)
    assert _fresh(plan).status == PlanStatus.APPROVED


@pytest.mark.django_db
def test_a_plan_needs_a_goal_and_a_childs_plan_the_guardianship_decision(place) -> None:
    plan = _plan(place, goals=0)
    with pytest.raises(ValidationError):
        services.plan_submit(user=place["manager"], plan=plan, expected_version=plan.version)
    Case.objects.filter(pk=place["case"].pk).update(is_child=True)
    place["case"].refresh_from_db()
    child_plan = _plan(place, kind=PlanKind.PROTECTION)
    with pytest.raises(ValidationError) as refused:
        services.plan_submit(
            user=place["manager"], plan=child_plan, expected_version=child_plan.version
        )
    assert "guardianship_decision" in refused.value.message_dict
    services.plan_edit(
        user=place["manager"],
        plan=child_plan,
        expected_version=child_plan.version,
        coordinator=None,
        summary="",
        guardianship_decision="ЦСР Пирот 551-12/2026",
        with_person=True,
    )
    services.plan_submit(
        user=place["manager"], plan=child_plan, expected_version=child_plan.version
    )
    assert _fresh(child_plan).status == PlanStatus.SUBMITTED


@pytest.mark.django_db
def test_one_open_plan_of_each_kind_per_case(place) -> None:
    _plan(place)
    with pytest.raises(ValidationError):
        _plan(place)
    assert _plan(place, kind=PlanKind.PROTECTION).kind == PlanKind.PROTECTION


@pytest.mark.django_db
def test_stale_edits_are_refused(place) -> None:
    manager = place["manager"]
    plan = _plan(place)
    stale = plan.version
    services.plan_edit(
        user=manager, plan=plan, expected_version=stale, coordinator=None,
        summary="Ново", guardianship_decision="", with_person=True,
    )  # fmt: skip
    with pytest.raises(StaleEditError):
        services.plan_edit(
            user=manager, plan=_fresh(plan), expected_version=stale, coordinator=None,
            summary="Старо", guardianship_decision="", with_person=True,
        )  # fmt: skip
    with pytest.raises(StaleEditError):
        services.plan_submit(user=manager, plan=_fresh(plan), expected_version=stale)
    assert _fresh(plan).summary == "Ново"
    goal = plan.goals.get()
    fields = {
        "domain": Domain.EMPLOYMENT, "own_words": "", "responsible_institution": None,
        "target_date": None, "status": GoalStatus.PLANNED,
    }  # fmt: skip
    services.goal_edit(user=manager, goal=goal, expected_version=1, text="Први", **fields)
    with pytest.raises(StaleEditError):
        services.goal_edit(user=manager, goal=goal, expected_version=1, text="Други", **fields)
    assert Goal.objects.get(pk=goal.pk).text == "Први"


@pytest.mark.django_db
def test_goals_and_plan_change_only_while_drafting_or_in_review(place) -> None:
    manager = place["manager"]
    plan = _plan(place)
    assert can(manager, PLAN_EDIT, plan)
    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    assert not can(manager, PLAN_EDIT, plan)
    with pytest.raises(PermissionDenied):
        services.goal_add(user=manager, plan=plan, domain=Domain.HEALTH, text="Лекар")
    services.plan_approve(user=place["supervisor"], plan=plan, expected_version=plan.version)
    assert not can(manager, PLAN_EDIT, plan)
    services.review_start(user=manager, plan=plan, expected_version=plan.version)
    assert can(manager, PLAN_EDIT, plan)  # the review adjusts the plan
    services.goal_add(user=manager, plan=plan, domain=Domain.HEALTH, text="Лекар")
    assert not can(place["officer"], PLAN_EDIT, plan)


# --- goals, the matrix's suggestion, who sees ------------------------------------------


@pytest.mark.django_db
def test_the_responsible_institution_is_suggested_from_the_mandate_matrix(place) -> None:
    plan = _plan(place)
    goal = plan.goals.get()
    assert goal.responsible_institution == place["employment"]
    safety = services.goal_add(
        user=place["manager"], plan=plan, domain=Domain.SAFETY, text="Безбедан смештај"
    )
    assert safety.responsible_institution == place["police"]
    chosen = services.goal_add(
        user=place["manager"], plan=plan, domain=Domain.SAFETY, text="Пратња на суд",
        responsible_institution=place["centre"],
    )  # fmt: skip
    assert chosen.responsible_institution == place["centre"]


@pytest.mark.django_db
def test_a_plan_is_seen_within_consent_and_by_its_coordinator(place) -> None:
    plan = _plan(place)
    officer = place["officer"]  # the Centre is on the team (identification referral)
    assert not visible(officer, Plan).exists()
    assert visible(place["coordinator"], Plan).get() == plan
    assert not can(place["outsider"], PLAN_VIEW, plan)
    consent_record(
        user=place["manager"],
        case=place["case"],
        institution_type=InstitutionType.NATIONAL_CENTRE,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.WRITTEN,
    )
    assert visible(officer, Plan).get() == plan
    assert visible(officer, Goal).count() == 1


@pytest.mark.django_db
def test_what_is_written_about_the_person_is_encrypted_at_rest(place) -> None:
    _plan(place)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, own_words FROM plans_goal")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT summary FROM plans_plan")
        raw += " ".join(str(row[0]) for row in cursor.fetchall())
    for plaintext in ("Посао у струци", "фризерка", "самостално"):
        assert plaintext not in raw


# --- service requests are referrals ----------------------------------------------------


@pytest.mark.django_db
def test_a_service_request_travels_as_a_referral_and_its_answer_moves_the_goal(place) -> None:
    plan = _approved(place, goals=2)
    first, second = plan.goals.all()
    link = services.goal_refer(
        user=place["manager"], goal=first, to=place["employment"], urgency="normal",
        reason="Курс за фризере",
    )  # fmt: skip
    referral = link.referral
    assert referral.case == place["case"]
    assert referral.status == ReferralStatus.SENT
    assert referral.reason.startswith(f"{plan.code}") or plan.code in referral.reason
    assert "Курс за фризере" in referral.reason
    assert Notification.objects.filter(
        recipient=place["employment_officer"], kind="referral_received"
    ).exists()

    officer = place["employment_officer"]
    referral_act(user=officer, referral=referral, expected_version=1, action="accept")
    assert Goal.objects.get(pk=first.pk).status == GoalStatus.IN_PROGRESS
    referral_act(user=officer, referral=referral, expected_version=2, action="complete")
    assert Goal.objects.get(pk=first.pk).status == GoalStatus.ACHIEVED
    link.refresh_from_db()
    assert link.last_status == ReferralStatus.COMPLETED

    declined = services.goal_refer(
        user=place["manager"], goal=second, to=place["police"], urgency="normal"
    ).referral
    referral_act(
        user=place["inspector"], referral=declined, expected_version=1, action="decline",
        reason="Није у нашој надлежности",
    )  # fmt: skip
    assert Goal.objects.get(pk=second.pk).status == GoalStatus.PLANNED  # another provider needed
    assert GoalReferral.objects.get(referral=declined).last_status == ReferralStatus.DECLINED


@pytest.mark.django_db
def test_services_are_requested_only_for_an_active_plan_by_the_lead(place) -> None:
    plan = _plan(place)
    goal = plan.goals.get()
    with pytest.raises(PermissionDenied):  # a draft requests nothing yet
        services.goal_refer(
            user=place["manager"], goal=goal, to=place["employment"], urgency="normal"
        )
    plan = _approved(place, kind=PlanKind.PROTECTION)
    with pytest.raises(PermissionDenied):
        services.goal_refer(
            user=place["coordinator"], goal=plan.goals.get(), to=place["employment"],
            urgency="normal",
        )  # fmt: skip


# --- reviews ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_schedules_a_review_in_three_months_and_events_bring_it_forward(place) -> None:
    plan = _approved(place)
    review = plan.reviews.get()
    today = timezone.localdate()
    assert 89 <= (review.due_on - today).days <= 92
    court = today + timedelta(days=10)
    moved = services.review_request(
        user=place["manager"], plan=plan, due_on=court, reason="court_date"
    )
    assert moved.pk == review.pk
    assert moved.due_on == court
    assert moved.reason == "court_date"
    later = services.review_request(
        user=place["manager"], plan=plan, due_on=today + timedelta(days=30), reason="move"
    )
    assert later.due_on == court  # the sooner review stands
    assert [d.review for d in selectors.reviews_due(place["manager"])] == [review]
    assert [d.review for d in selectors.reviews_due(place["coordinator"])] == [review]
    assert selectors.reviews_due(place["inspector"]) == []


@pytest.mark.django_db
def test_an_overdue_review_reminds_once_and_shows_as_overdue(place) -> None:
    plan = _approved(place)
    review = plan.reviews.get()
    type(review).objects.filter(pk=review.pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    [due] = selectors.reviews_due(place["manager"])
    assert due.overdue
    assert sweep_overdue_reviews() == 1
    assert sweep_overdue_reviews() == 0  # once per due date
    reminded = Notification.objects.filter(kind="plan_review_overdue")
    assert {n.recipient for n in reminded} == {
        place["manager"],
        place["coordinator"],
        place["supervisor"],
        place["other_supervisor"],
    }
    assert plan.code in reminded.first().subject


@pytest.mark.django_db
def test_the_reminders_command_sweeps_plan_reviews(place) -> None:
    from django.core.management import call_command

    plan = _approved(place)
    plan.reviews.update(due_on=timezone.localdate() - timedelta(days=1))
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "plan review reminders sent: 1" in out.getvalue()


# --- acceptance 5: the PDF -------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_pdf_says_exactly_what_the_plan_says(place, language) -> None:
    plan = _approved(place, goals=2)
    services.goal_refer(
        user=place["manager"], goal=plan.goals.first(), to=place["employment"], urgency="normal"
    )
    lines = pdf.plan_document(plan, language)
    expected = pdf.document_text(lines)
    assert _pdf_text(pdf.render_pdf(lines, language, plan.code)) == expected
    goal = plan.goals.first()
    written = goal.text if language == "sr" else to_latin(goal.text)
    assert written in expected
    if language != "sr":
        assert not re.search("[\u0400-\u04ff]", expected)  # no Cyrillic on a Latin copy


@pytest.mark.django_db
def test_a_plan_written_in_latin_prints_as_written(place) -> None:
    plan = services.plan_draft(
        user=place["manager"], case=place["case"], kind=PlanKind.PROTECTION,
        summary="Želi da završi školu; brat živi u Nišu.",
    )  # fmt: skip
    services.goal_add(
        user=place["manager"], plan=plan, domain=Domain.EDUCATION,
        text="Upis u srednju školu (vanredno)", own_words="Hoću diplomu – što pre.",
    )  # fmt: skip
    for language in ("sr-latn", "en"):
        lines = pdf.plan_document(plan, language)
        text = _pdf_text(pdf.render_pdf(lines, language, plan.code))
        assert text == pdf.document_text(lines)
        assert "Upis u srednju školu (vanredno)" in text
        assert "Hoću diplomu – što pre." in text


@pytest.mark.django_db
def test_a_review_prints_and_the_download_is_audited(place) -> None:
    manager = place["manager"]
    plan = _approved(place)
    review = services.review_start(user=manager, plan=plan, expected_version=plan.version)
    services.review_record(
        user=manager, review=review, expected_version=review.version, plan_version=plan.version,
        progress={plan.goals.get(): services.Progress(GoalStatus.IN_PROGRESS, "Почела праксу.")},
        summary="Добро напредује.",
    )  # fmt: skip
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("plans:review_pdf", args=[review.pk]) + "?lang=sr")
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Почела праксу." in text
    assert "Добро напредује." in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(plan.pk)).exists()
    latin = client.get(reverse("plans:plan_pdf", args=[plan.code]) + "?lang=sr-latn")
    assert "Posao u struci" in _pdf_text(latin.content)


# --- the pages -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_manager_drafts_and_the_supervisor_approves_on_the_pages(place) -> None:
    manager, supervisor = Client(), Client()
    manager.force_login(place["manager"])
    supervisor.force_login(place["supervisor"])
    case = place["case"]
    page = manager.get(reverse("cases:case_detail", args=[case.code]))
    assert reverse("plans:plan_create", args=[case.code]) in page.content.decode()
    response = manager.post(
        reverse("plans:plan_create", args=[case.code]),
        {"kind": "integration", "coordinator": place["coordinator"].pk, "with_person": "on",
         "summary": "Са особом", "guardianship_decision": ""},
    )  # fmt: skip
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert plan.coordinator == place["coordinator"]
    manager.post(
        reverse("plans:goal_add", args=[plan.code]),
        {"domain": "employment", "text": "Посао", "own_words": "Хоћу да радим",
         "responsible_institution": "", "target_date": "2027-05-01"},
    )  # fmt: skip
    assert plan.goals.get().responsible_institution == place["employment"]
    manager.post(reverse("plans:plan_move", args=[plan.code, "submit"]), {"version": 1})
    denied = manager.post(reverse("plans:plan_move", args=[plan.code, "approve"]), {"version": 2})
    assert denied.status_code == 403
    detail = supervisor.get(reverse("plans:plan_detail", args=[plan.code])).content.decode()
    assert reverse("plans:plan_move", args=[plan.code, "approve"]) in detail
    supervisor.post(reverse("plans:plan_move", args=[plan.code, "approve"]), {"version": 2})
    assert _fresh(plan).status == PlanStatus.APPROVED
    listing = supervisor.get(reverse("plans:plan_list")).content.decode()
    assert plan.code in listing
    stale = manager.post(
        reverse("plans:plan_move", args=[plan.code, "close"]), {"version": 1}, follow=True
    )
    assert _fresh(plan).status == PlanStatus.APPROVED  # the stale click changed nothing
    assert stale.status_code == 200


@pytest.mark.django_db
def test_the_protection_and_integration_phases_offer_plans_to_who_uses_them(place) -> None:
    for phase in ("protection", "integration"):
        for user, shown in [("manager", True), ("coordinator", True), ("inspector", True)]:
            client = Client()
            client.force_login(place[user])
            page = client.get(reverse("workspace:phase", args=[phase])).content.decode()
            assert (reverse("plans:plan_list") in page) is shown, (phase, user)
    analyst = Client()
    analyst.force_login(UserFactory(role=Role.ANALYST, institution=place["csr"]))
    page = analyst.get(reverse("workspace:phase", args=["integration"])).content.decode()
    assert reverse("plans:plan_list") not in page


# --- the API ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_reads_plans_and_adds_goals_through_the_same_rules(place) -> None:
    from spona.accounts.services import api_token_create

    plan = _plan(place)
    _token, raw = api_token_create(user=place["manager"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listing = api.get("/api/v1/plans/").json()
    assert [p["code"] for p in listing["results"]] == [plan.code]
    detail = api.get(f"/api/v1/plans/{plan.code}/").json()
    assert detail["goals"][0]["text"] == "Посао у струци, корак 1"
    assert detail["goals"][0]["responsible_institution"] == place["employment"].pk
    added = api.post(
        f"/api/v1/plans/{plan.code}/goals/",
        {"domain": "health", "text": "Стоматолог", "target_date": "2027-01-15"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["domain"] == "health"
    bad = api.post(
        f"/api/v1/plans/{plan.code}/goals/", {"domain": "moon", "text": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert "domain" in bad.json()
    services.plan_submit(user=place["manager"], plan=plan, expected_version=plan.version)
    frozen = api.post(
        f"/api/v1/plans/{plan.code}/goals/", {"domain": "health", "text": "Лекар"},
        content_type="application/json",
    )  # fmt: skip
    assert frozen.status_code == 403  # a submitted plan is not changed
    assert api.get(f"/api/v1/plans/{plan.code}/reviews/").json() == []
    move = f"/api/v1/plans/{plan.code}/move/"
    denied = api.post(move, {"step": "approve", "version": 2}, content_type="application/json")
    assert denied.status_code == 403  # the case manager does not approve
    _token, boss = api_token_create(user=place["supervisor"], name="t")
    supervisor = Client(HTTP_AUTHORIZATION=f"Bearer {boss}")
    stale = supervisor.post(
        move, {"step": "approve", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    approved = supervisor.post(
        move, {"step": "approve", "version": 2}, content_type="application/json"
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert len(api.get(f"/api/v1/plans/{plan.code}/reviews/").json()) == 1
    _token, other = api_token_create(user=place["inspector"], name="t")
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert outsider.get(f"/api/v1/plans/{plan.code}/").status_code == 404
    assert outsider.get("/api/v1/plans/").json()["results"] == []


@pytest.mark.django_db
def test_demo_plans_are_at_different_stages_and_load_once() -> None:
    from spona.plans.demo import plans_demo_load
    from spona.workspace.demo import demo_load

    demo_load()  # it loads the demo plans
    assert plans_demo_load() == []  # safe to run twice
    statuses = sorted(Plan.objects.values_list("status", flat=True))
    assert statuses == ["approved", "closed", "draft", "submitted"]
    active = Plan.objects.get(status=PlanStatus.APPROVED)
    assert active.goals.filter(referrals__isnull=False).exists()
    assert Plan.objects.get(status=PlanStatus.CLOSED).outcomes.exists()


@pytest.mark.django_db
def test_reviews_due_show_on_the_home_page_of_who_answers_for_them(place) -> None:
    plan = _approved(place)
    plan.reviews.update(due_on=timezone.localdate() - timedelta(days=1))
    for name, shown in [("manager", True), ("coordinator", True), ("inspector", False)]:
        client = Client()
        client.force_login(place[name])
        home = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert (plan.code in home) is shown, name
    client = Client()
    client.force_login(place["manager"])
    page = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Plan reviews due" in page.content.decode()
    reviews = {s.key: s for s in page.context["sections"]}["plan_reviews"]
    assert (reviews.count, reviews.overdue_count) == (plan.reviews.count(), plan.reviews.count())
    assert reviews.items[0].text.startswith(place["case"].code)


@pytest.mark.django_db
def test_an_employers_offer_is_matched_to_the_employment_goal_and_its_answer_moves_it(
    place,
) -> None:
    """Issue 15: the coordinator's offer appears beside the employment goal; the case lead refers
    the goal to the employer; the employer's acceptance moves the goal."""
    from spona.providers.models import OfferKind
    from spona.providers.services import offer_add

    plan = _approved(place)
    goal = plan.goals.get()
    offer = offer_add(
        user=place["coordinator"],
        municipality=place["case"].municipality,
        employer_name="Салон „Лепота“",
        kind=OfferKind.JOB,
        title="Помоћна фризерка",
        places=1,
    )
    employer = UserFactory(role=Role.CASE_MANAGER, institution=offer.provider.institution)
    client = Client()
    client.force_login(place["manager"])
    page = client.get(reverse("plans:plan_detail", args=[plan.code])).content.decode()
    assert "Помоћна фризерка" in page
    client.post(
        reverse("plans:goal_refer", args=[goal.pk]),
        {
            f"r{goal.pk}-to": offer.provider.institution_id,
            f"r{goal.pk}-urgency": "normal",
            f"r{goal.pk}-reason": offer.title,
        },
    )
    link = goal.referrals.get()
    assert link.referral.to_institution == offer.provider.institution
    referral_act(
        user=employer,
        referral=link.referral,
        expected_version=link.referral.version,
        action="accept",
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS


@pytest.mark.django_db
def test_a_goal_is_not_referred_where_nobody_answers_and_the_coordinator_hears_of_it(
    place,
) -> None:
    plan = _approved(place)
    goal = plan.goals.get()
    idle = InstitutionFactory(type=InstitutionType.NGO, municipality=place["case"].municipality)
    with pytest.raises(ValidationError):
        services.goal_refer(user=place["manager"], goal=goal, to=idle, urgency="normal")
    assert not goal.referrals.exists()
    assert place["coordinator"].notifications.filter(kind="cannot_receive").exists()


# --- acceptance 5: attachments -----------------------------------------------------------


SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Resenje o smestaju: Marija M.\n"


@pytest.mark.django_db
def test_an_attachment_is_encrypted_at_rest_and_every_download_is_audited(place) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = _approved(place)
    client = Client()
    client.force_login(place["manager"])
    client.post(
        reverse("plans:attachment_add", args=[plan.code]),
        {"file": SimpleUploadedFile("resenje.pdf", SCAN, content_type="application/pdf")},
    )
    attachment = plan.attachments.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, content FROM plans_attachment")
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "resenje" not in raw
    assert "Marija" not in raw
    assert base64.b64encode(SCAN).decode()[:20] not in raw  # nor its base64

    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client.get(reverse("plans:attachment_download", args=[attachment.pk]))
    assert response.content == SCAN
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1
    outsider = Client()
    outsider.force_login(place["outsider"])
    assert (
        outsider.get(reverse("plans:attachment_download", args=[attachment.pk])).status_code == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"<html><script>alert(1)</script></html>"),  # a page called .pdf
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
        ("empty.png", b""),
    ],
)
def test_a_file_of_a_forbidden_type_is_refused_with_a_clear_message(place, name, content) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = _approved(place)
    client = Client()
    client.force_login(place["manager"])
    response = client.post(
        reverse("plans:attachment_add", args=[plan.code]),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert not plan.attachments.exists()
    text = response.content.decode()
    assert "PDF document or a JPEG or PNG picture" in text or "empty" in text


@pytest.mark.django_db
def test_an_attachment_over_the_limit_is_refused_at_the_request(place, settings) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 1024
    plan = _approved(place)
    client = Client()
    client.force_login(place["manager"])
    client.post(
        reverse("plans:attachment_add", args=[plan.code]),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096)},
    )
    assert not plan.attachments.exists()
