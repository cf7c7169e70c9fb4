"""The case page's and the signal form's reads that are the same query for everyone are
prepared once per process (issue 18, h18case3): the institutions that can receive, and the
active catalogue's warning signs. Each reads exactly the rows the ORM reads, on the demo's
data and again after a write, and the referral form offers every demo user who may refer
exactly the institutions its query accepts. The timeline of every case of the demo, read as
rows, says what its events read through the ORM say."""

from typing import Any

import pytest

from spona.accounts.models import Role, User
from spona.accounts.selectors import receiving_institutions, with_receivers
from spona.cases.access import REFERRAL_SEND
from spona.cases.forms import ReferralForm
from spona.cases.models import Case, CaseEvent, CaseEventKind
from spona.cases.selectors import TimelineEntry, _detail, case_referrals, timeline
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.institutions.models import Institution
from spona.policy import can, remembering
from spona.screening.models import IndicatorCatalogue
from spona.screening.selectors import warning_sign_texts, warning_signs
from tests.factories import UserFactory


def _receiving_by_the_orm() -> frozenset[int]:
    receivers = User.objects.filter(
        institution__isnull=False, is_active=True, role__in=INSTITUTION_WIDE_ROLES
    )
    return frozenset(receivers.values_list("institution", flat=True))


@pytest.mark.django_db
def test_the_receiving_institutions_are_the_orms_before_and_after_a_write(demo) -> None:
    before = _receiving_by_the_orm()
    with remembering():
        assert receiving_institutions() == before
    assert receiving_institutions() == before
    assert len(before) > 1

    gone = sorted(before)[0]
    User.objects.filter(institution=gone).update(is_active=False)

    with remembering():
        assert receiving_institutions() == _receiving_by_the_orm() == before - {gone}


@pytest.mark.django_db
def test_the_warning_signs_are_the_active_catalogues_before_and_after_a_write(demo) -> None:
    active = IndicatorCatalogue.objects.get(is_active=True)
    signs = active.data["warning_signs"]
    kinds = [*signs, "no such type"]

    def read() -> dict[str, list[str]]:
        return {kind: [code for code, _text in warning_signs(kind)] for kind in kinds}

    expected = {
        kind: [sign["code"] for sign in signs.get(kind) or signs["default"]] for kind in kinds
    }
    assert read() == expected
    assert any(expected.values())
    codes = [sign["code"] for sign in signs["default"]]
    assert warning_sign_texts([*codes, "gone"])[-1] == "gone"

    IndicatorCatalogue.objects.filter(pk=active.pk).update(is_active=False)

    assert read() == {kind: [] for kind in kinds}
    assert warning_sign_texts(codes) == codes


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_warning_signs_are_written_in_the_language_asked_once(demo, language: str) -> None:
    """Each sign's text is the catalogue's in the page's language (``localized``), the
    language asked once for the list, not once a sign."""
    from unittest.mock import patch

    from django.utils import translation
    from django.utils.translation import _trans, trans_real

    from spona.screening.catalogue import localized

    signs = IndicatorCatalogue.objects.get(is_active=True).data["warning_signs"]["default"]
    with translation.override(language):
        with patch.object(_trans, "get_language", wraps=trans_real.get_language) as asked:
            shown = warning_signs("default")
            texts = warning_sign_texts([sign["code"] for sign in signs])
        assert asked.call_count == 2
        assert shown == [(sign["code"], localized(sign["text"])) for sign in signs]
        assert texts == [text for _code, text in shown]
    assert len(signs) > 3


@pytest.mark.django_db
def test_the_referral_form_offers_what_it_accepts_to_every_user_who_may_refer(demo) -> None:
    cases = list(Case.objects.order_by("pk"))
    senders = [
        user
        for user in User.objects.filter(is_active=True).select_related("institution")
        if any(can(user, REFERRAL_SEND, case) for case in cases)
    ]
    assert len(senders) > 1
    for user in senders:
        accepted = with_receivers(Institution.objects.filter(is_active=True)).exclude(
            pk__in=[user.institution_id] if user.institution_id else []
        )
        with remembering():
            offered = ReferralForm(sender_id=user.institution_id).fields["to"].choices
        keys = [key for key, _label in offered if key != ""]
        assert len(keys) == len(set(keys))
        assert set(keys) == set(accepted.values_list("pk", flat=True))
        sent = ReferralForm(
            {"to": next(iter(accepted)).pk, "reason": "x", "urgency": "normal"},
            sender_id=user.institution_id,
        )
        assert sent.is_valid(), sent.errors


def _timeline_by_the_orm(case: Case) -> list[TimelineEntry]:
    referrals = {referral.pk: referral for referral in case.referrals.all()}
    events = CaseEvent.objects.filter(case=case).select_related("actor__institution")
    return [
        TimelineEntry(
            event.at,
            event.kind,
            *_detail(event.kind, event.details, referrals),
            role=event.actor.role if event.actor else None,
            institution=event.actor.institution.name
            if event.actor and event.actor.institution
            else None,
        )
        for event in events.order_by("at", "pk")
    ]


@pytest.mark.django_db
def test_every_cases_timeline_is_what_its_events_say(demo) -> None:
    cases = list(Case.objects.order_by("pk"))
    nowhere = UserFactory(role=Role.COORDINATOR, institution=None)
    CaseEvent.objects.create(case=cases[0], kind=CaseEventKind.STATUS_CHANGED, actor=None)
    CaseEvent.objects.create(case=cases[0], kind=CaseEventKind.OPENED, actor=nowhere)
    entries = [(case, timeline(case, case_referrals(case)).get()) for case in cases]

    for case, read in entries:
        assert read == _timeline_by_the_orm(case)
    everyone = [entry for _case, read in entries for entry in read]
    assert {entry.role is None for entry in everyone} == {True, False}
    assert {entry.institution is None for entry in everyone if entry.role} == {True, False}
    assert any(entry.link for entry in everyone)


def _case_shown(case: Case) -> tuple[Any, ...]:
    institution, municipality = case.opened_by_institution, case.municipality
    return (
        case.pk,
        case.code,
        case.status,
        case.version,
        case.person.code,
        institution.name,
        None if municipality is None else municipality.pk,
    )


def _shown_conferences(conferences: Any) -> list[tuple[Any, ...]]:
    return [(c.pk, c.held_on, c.topic, c.status, c.content_shared) for c in conferences]


@pytest.mark.django_db
def test_the_case_pages_prepared_reads_are_the_general_paths_for_every_role(demo) -> None:
    """For every demo user who sees cases and every case they see through the general path
    (``visible``, the scopes' subqueries), the case page's prepared reads in a read-only
    request (the team's keys, the consents of every category, the case's rows read by
    their kept SQL and converters) give what the general path gives outside one: the same
    answer to every category's consent, the same case, referrals, consents, timeline and
    conferences, content withheld where the person did not consent."""
    from spona.cases.access import cases_sharing, in_team, shares
    from spona.cases.models import Consent, DataCategory, Referral
    from spona.cases.selectors import _CODED, _coded, _events_of, _referrals_of, case_consents
    from spona.conferences.selectors import case_conferences, conference_list
    from spona.core.roles import PERSON_ROLES
    from spona.policy import holds, visible

    users = User.objects.filter(is_active=True, role__in=PERSON_ROLES).order_by("pk")
    withheld = roles = 0
    for user in users:
        cases = list(visible(user, Case).order_by("pk"))
        roles += bool(cases)
        for case in cases:
            with remembering():
                assert in_team(user, case)
                sharing = {category: shares(user, case, category) for category in DataCategory}
                panel = _shown_conferences(case_conferences(user=user, case=case).get())
                prepared = [
                    _CODED(case.code),
                    case_referrals(case).get(),
                    case_consents(case).get(),
                    timeline(case).get(),
                ]
            assert sharing == {
                category: holds(cases_sharing(user, category), case.pk) for category in DataCategory
            }
            withheld += not sharing[DataCategory.CASE_DETAILS]
            seen = conference_list(user=user).filter(case=case).order_by("held_on")
            assert panel == _shown_conferences(seen)
            read, referrals, consents, events = prepared
            assert [_case_shown(c) for c in read] == [_case_shown(c) for c in _coded(case.code)]
            assert [(r.pk, r.status, r.sent_at, str(r.to_institution)) for r in referrals] == [
                (r.pk, r.status, r.sent_at, str(r.to_institution)) for r in _referrals_of(case.pk)
            ]
            assert referrals == list(Referral.objects.filter(case=case))
            assert consents == list(Consent.objects.filter(case=case))
            assert [(e.at, e.kind) for e in events] == [
                (at, kind) for kind, at, *_rest in _events_of(case.pk)
            ]
    assert roles > 3
    assert withheld > 0  # a team member the person did not consent to share details with


@pytest.mark.django_db
def test_the_team_of_a_user_acting_for_no_institution_is_read_as_the_general_path(demo) -> None:
    """The team's keys are one query prepared per shape: a user who acts for an institution,
    and one who acts for none (a frontline professional, a case manager without an
    institution), whose team is their live break-glass grants alone. In a read-only request
    each answers whether a case is theirs, and by break-glass only, as the scope's subqueries
    do outside one; an expired grant gives nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from spona.cases.access import (
        _TEAM_KEYS,
        cases_sharing,
        in_own_team,
        in_team,
        shares,
        team_cases,
    )
    from spona.cases.models import BreakGlassGrant, DataCategory
    from spona.policy import holds

    live, expired, other = Case.objects.order_by("pk")[:3]
    school = Institution.objects.filter(type="school").first()
    users = [
        UserFactory(role=Role.FRONTLINE, institution=school),
        UserFactory(role=Role.CASE_MANAGER, institution=None),
        User.objects.filter(role=Role.CASE_MANAGER, institution__isnull=False).first(),
    ]
    now = timezone.now()
    for user in users:
        BreakGlassGrant.objects.create(
            case=live, user=user, reason="emergency", expires_at=now + timedelta(hours=1)
        )
        BreakGlassGrant.objects.create(
            case=expired, user=user, reason="emergency", expires_at=now - timedelta(hours=1)
        )
    for user in users:
        for case in (live, expired, other):
            with remembering():
                answers = (
                    in_team(user, case),
                    in_own_team(user, case),
                    [shares(user, case, category) for category in DataCategory],
                )
            assert answers == (
                holds(team_cases(user), case.pk),
                in_own_team(user, case),
                [holds(cases_sharing(user, category), case.pk) for category in DataCategory],
            )
        with remembering():
            assert in_team(user, live)
    with remembering():
        assert not in_team(users[0], expired)
        assert not in_team(users[1], other)
    assert len(_TEAM_KEYS) == 2  # one query per shape, not one per user
