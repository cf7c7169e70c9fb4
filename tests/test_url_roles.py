"""Every URL of the project, requested by an anonymous visitor and by a user of every role.

A new URL pattern without an entry in ``RULES`` fails ``test_every_url_has_a_rule``.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spona.accounts.models import Role
from spona.people.models import DuplicateSuspicion, Person
from spona.screening.models import Screening
from tests.conftest import World

ALL_ROLES = frozenset(Role)
PERSON_TEAM = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})  # same institution as the person
PERSON_ROLES = frozenset({Role.FRONTLINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
USER_ADMINS = frozenset({Role.INSTITUTION_ADMIN, Role.SYSTEM_ADMIN})
SIGNAL_ROLES = PERSON_ROLES | {Role.COORDINATOR}
TRIAGERS = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})  # of the social welfare centre
CASE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
COUNT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR})  # of a municipality
CONFERENCE_ROLES = CASE_ROLES | {Role.COORDINATOR}
COORDINATOR = frozenset({Role.COORDINATOR})
NATIONAL_PLAN_READERS = frozenset({Role.CENTRE_OFFICER, Role.ANALYST})
PLAN_VIEWERS = COORDINATOR | NATIONAL_PLAN_READERS
AGGREGATE_ROLES = SIGNAL_ROLES | {Role.ANALYST}  # not the administrators (issue 14, finding 16)
STATISTICS_ROLES = frozenset({Role.CENTRE_OFFICER, Role.ANALYST, Role.COORDINATOR})
INDIVIDUAL_PLAN_VIEWERS = PERSON_TEAM | {Role.CENTRE_OFFICER, Role.COORDINATOR}
INDIVIDUAL_PLAN_READERS_ONLY = {Role.CENTRE_OFFICER: 403, Role.COORDINATOR: 403}
DUPLICATE_REVIEWERS = frozenset({Role.CENTRE_OFFICER})  # of the national Centre


def _suggestion(world: World) -> dict[str, Any]:
    """A suggestion of the duplicate review queue: the world's person and the screened one."""
    suspicion = DuplicateSuspicion.objects.create(
        person=Person.objects.get(code=world.person_code),
        match=Screening.objects.get(pk=world.completed_pk).person,
        score=0.9,
    )
    return {"pk": suspicion.pk}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[Role]
    ok: int = 200
    denied: int = 403
    anonymous: int = 302  # to the sign-in page
    method: str = "get"
    args: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    #: a status for particular denied roles (e.g. 403 where the role sees the object but may
    #: not act on it, where others do not find it at all: 404)
    denied_as: dict[Role, int] = field(default_factory=dict)
    query: str = ""


RULES: dict[str, Rule] = {
    "workspace:home": Rule(ALL_ROLES),
    "statistics:dashboard": Rule(STATISTICS_ROLES),
    # posted without fields: the user's own area, last year
    "statistics:annual_report": Rule(STATISTICS_ROLES, ok=302, method="post"),
    "statistics:open_data": Rule(frozenset({Role.CENTRE_OFFICER})),
    "statistics:htcds_export": Rule(frozenset({Role.CENTRE_OFFICER}), method="post"),
    # an empty form (no epsilon) is refused with the page and its message: the role got in
    "statistics:htcds_dp_export": Rule(frozenset({Role.CENTRE_OFFICER}), ok=400, method="post"),
    "workspace:phase": Rule(ALL_ROLES, args=lambda w: {"phase": "identification"}),
    "accounts:login": Rule(frozenset(), denied=302, anonymous=200),
    "accounts:verify": Rule(frozenset(), denied=302),
    "accounts:enrol": Rule(frozenset(), denied=302),
    "accounts:logout": Rule(ALL_ROLES, ok=302, method="post"),
    "accounts:account": Rule(ALL_ROLES),
    "accounts:password_change": Rule(ALL_ROLES),
    "accounts:recovery_codes": Rule(ALL_ROLES),
    "accounts:api_tokens": Rule(ALL_ROLES),
    # only the token's owner (the case manager) may revoke it; others do not find it
    "accounts:api_token_revoke": Rule(
        frozenset({Role.CASE_MANAGER}),
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"pk": w.token_pk},
    ),
    "institutions:directory": Rule(ALL_ROLES),
    "institutions:municipality_list": Rule(ALL_ROLES),
    "people:person_list": Rule(PERSON_ROLES),
    "people:person_create": Rule(PERSON_ROLES),
    "people:person_detail": Rule(PERSON_TEAM, denied=404, args=lambda w: {"code": w.person_code}),
    "people:person_edit": Rule(PERSON_TEAM, denied=404, args=lambda w: {"code": w.person_code}),
    # the world's person and the screened one: the Centre sees only the latter, so 404
    "people:person_duplicate": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {
            "code": w.person_code,
            "other": Screening.objects.get(pk=w.completed_pk).person.code,
        },
    ),
    # the Centre's review queue of the whole register
    "people:duplicate_review": Rule(DUPLICATE_REVIEWERS),
    "people:duplicate_suggestion": Rule(DUPLICATE_REVIEWERS, args=_suggestion),
    "api_duplicate_list": Rule(DUPLICATE_REVIEWERS, anonymous=401),
    "api_duplicate_scan": Rule(DUPLICATE_REVIEWERS, ok=202, method="post", anonymous=401),
    # an empty confirmation is malformed (400): the role got in; a rejection needs no body
    "api_duplicate_confirm": Rule(
        DUPLICATE_REVIEWERS, ok=400, method="post", anonymous=401, args=_suggestion
    ),
    "api_duplicate_reject": Rule(
        DUPLICATE_REVIEWERS, method="post", anonymous=401, args=_suggestion
    ),
    "accounts_manage:user_list": Rule(USER_ADMINS),
    "accounts_manage:user_create": Rule(USER_ADMINS),
    # the frontline user of the institution: only its institution admin manages them
    "accounts_manage:user_edit": Rule(
        frozenset({Role.INSTITUTION_ADMIN}), denied=404, args=lambda w: {"pk": w.managed_user_pk}
    ),
    "accounts_manage:user_reset_password": Rule(
        frozenset({Role.INSTITUTION_ADMIN}),
        denied=404,
        method="post",
        args=lambda w: {"pk": w.managed_user_pk},
    ),
    "accounts_manage:user_reset_two_factor": Rule(
        frozenset({Role.INSTITUTION_ADMIN}),
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"pk": w.managed_user_pk},
    ),
    "institutions_manage:institution_list": Rule(frozenset({Role.SYSTEM_ADMIN})),
    "institutions_manage:institution_create": Rule(frozenset({Role.SYSTEM_ADMIN})),
    "institutions_manage:institution_edit": Rule(
        frozenset({Role.SYSTEM_ADMIN}), args=lambda w: {"pk": w.institution_pk}
    ),
    "signals:signal_list": Rule(SIGNAL_ROLES),
    "signals:signal_create": Rule(SIGNAL_ROLES),
    # raised by the frontline user; triaged by the centre's case manager and supervisor
    "signals:signal_detail": Rule(
        frozenset({Role.FRONTLINE}) | TRIAGERS, denied=404, args=lambda w: {"code": w.signal_code}
    ),
    **{
        name: Rule(
            TRIAGERS,
            ok=302,
            denied=404,
            method="post",
            args=lambda w: {"code": w.signal_code},
            denied_as={Role.FRONTLINE: 403},
        )
        for name in ["signals:signal_assign", "signals:signal_dismiss", "signals:signal_merge"]
    },
    "report:citizen_report": Rule(ALL_ROLES, anonymous=200),
    "report:citizen_follow_up": Rule(ALL_ROLES, anonymous=200),
    "screening:screening_list": Rule(PERSON_ROLES),
    "screening:screening_start": Rule(PERSON_ROLES, ok=302, method="post"),
    "screening:overdue": Rule(frozenset({Role.SUPERVISOR})),
    "screening:catalogue": Rule(ALL_ROLES),
    "screening:screening_edit": Rule(PERSON_TEAM, denied=404, args=lambda w: {"pk": w.draft_pk}),
    # the completed screening made a case referred to the Centre: the Centre reads, never edits
    "screening:screening_result": Rule(
        PERSON_TEAM | {Role.CENTRE_OFFICER}, denied=404, args=lambda w: {"pk": w.completed_pk}
    ),
    "screening:screening_amend": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {"pk": w.completed_pk},
        denied_as={Role.CENTRE_OFFICER: 403},
    ),
    "screening:screening_rescreen": Rule(
        PERSON_TEAM | {Role.CENTRE_OFFICER}, denied=404, args=lambda w: {"pk": w.completed_pk}
    ),
    "screening:step_done": Rule(
        PERSON_TEAM,
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"pk": w.step_pk},
        denied_as={Role.CENTRE_OFFICER: 403},
    ),
    "cases:case_list": Rule(CASE_ROLES),
    # the adult's case: the Centre identifies, the opening centre's supervisor may close
    "cases:case_transition": Rule(
        frozenset({Role.CENTRE_OFFICER, Role.SUPERVISOR}),
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"code": w.case_code},
        denied_as={Role.CASE_MANAGER: 403},
    ),
    # the referral of that case to the Centre: the Centre answers; the sender sees, may not accept
    "cases:referral_act": Rule(
        frozenset({Role.CENTRE_OFFICER}),
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"pk": w.referral_pk, "action": "accept"},
        denied_as={Role.CASE_MANAGER: 403, Role.SUPERVISOR: 403},
    ),
    "cases:case_reopen": Rule(
        frozenset({Role.SUPERVISOR}),
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"code": w.case_code},
        denied_as={Role.CASE_MANAGER: 403, Role.CENTRE_OFFICER: 403},
    ),
    "cases:break_glass": Rule(CASE_ROLES),
    # supervisors review their institution's uses, the Centre every use
    "cases:break_glass_review": Rule(frozenset({Role.SUPERVISOR, Role.CENTRE_OFFICER})),
    "cases:referral_statistics": Rule(
        frozenset({Role.CENTRE_OFFICER, Role.COORDINATOR, Role.ANALYST})
    ),
    # the team refers the case on (an empty form comes back with a message)
    "cases:referral_send": Rule(
        CASE_ROLES, ok=302, denied=404, method="post", args=lambda w: {"code": w.case_code}
    ),
    # the lead (the social welfare centre that opened the case) records and withdraws consent
    **{
        name: Rule(
            PERSON_TEAM,
            ok=302,
            denied=404,
            method="post",
            args=args,
            denied_as={Role.CENTRE_OFFICER: 403},
        )
        for name, args in [
            ("cases:consent_record", lambda w: {"code": w.case_code}),
            ("cases:consent_withdraw", lambda w: {"pk": w.consent_pk}),
        ]
    },
    "inbox:inbox": Rule(ALL_ROLES),
    "inbox:mark_read": Rule(ALL_ROLES, ok=302, method="post"),
    # the Centre officer's notification of the world's referral: nobody else finds it
    "inbox:open": Rule(
        frozenset({Role.CENTRE_OFFICER}),
        ok=302,
        denied=404,
        args=lambda w: {"pk": w.notification_pk},
    ),
    # opened by the social welfare centre and referred to the Centre
    "cases:case_detail": Rule(
        PERSON_TEAM | {Role.CENTRE_OFFICER}, denied=404, args=lambda w: {"code": w.case_code}
    ),
    "jobs:job_detail": Rule(
        frozenset({Role.CASE_MANAGER}), denied=404, args=lambda w: {"pk": w.job_pk}
    ),
    "planning:readiness_list": Rule(PLAN_VIEWERS),
    "api_readiness_list": Rule(PLAN_VIEWERS, anonymous=401),
    "api_activity_list": Rule(PLAN_VIEWERS, anonymous=401),
    **{
        name: Rule(PLAN_VIEWERS, anonymous=401, denied=404, args=lambda w: {"pk": w.activity_pk})
        for name in ("api_activity_indicators", "api_activity_progress")
    },
    "api_plan_comparison": Rule(PLAN_VIEWERS, anonymous=401, query="municipality=70939"),
    "planning:assessment_detail": Rule(PLAN_VIEWERS, args=lambda w: {"pk": w.assessment_pk}),
    "planning:interview_add": Rule(
        COORDINATOR,
        ok=302,
        method="post",
        denied=404,
        denied_as=dict.fromkeys(NATIONAL_PLAN_READERS, 403),
        args=lambda w: {"pk": w.assessment_pk},
    ),
    "planning:score_record": Rule(
        COORDINATOR,
        ok=302,
        method="post",
        denied=404,
        denied_as=dict.fromkeys(NATIONAL_PLAN_READERS, 403),
        args=lambda w: {"pk": w.interview_pk},
    ),
    "planning:action_plan": Rule(PLAN_VIEWERS),
    "planning:plan_pdf": Rule(PLAN_VIEWERS, query="municipality=70939"),
    "planning:year_report": Rule(PLAN_VIEWERS, ok=302, method="post", query="municipality=70939"),
    "planning:activity_add": Rule(COORDINATOR, ok=302, method="post"),
    "planning:budget_set": Rule(COORDINATOR, ok=302, method="post"),
    "planning:prioritise": Rule(COORDINATOR, ok=302, method="post"),
    # the world's activity has no lead institution: the plan's readers find it, the
    # coordinator reports on it and adds indicators
    "planning:activity_detail": Rule(
        PLAN_VIEWERS, denied=404, args=lambda w: {"pk": w.activity_pk}
    ),
    **{
        name: Rule(
            COORDINATOR,
            ok=302,
            method="post",
            denied=404,
            denied_as=dict.fromkeys(NATIONAL_PLAN_READERS, 403),
            args=lambda w: {"pk": w.activity_pk},
        )
        for name in ("planning:progress_record", "planning:indicator_add")
    },
    "planning:activity_override": Rule(
        COORDINATOR,
        ok=302,
        method="post",
        denied=404,
        denied_as=dict.fromkeys(NATIONAL_PLAN_READERS, 403),
        args=lambda w: {"pk": w.activity_pk},
    ),
    "prevention:overview": Rule(AGGREGATE_ROLES),
    "prevention:municipality": Rule(AGGREGATE_ROLES, args=lambda w: {"code": "70939"}),
    "prevention:group_create": Rule(frozenset({Role.COORDINATOR})),
    "prevention:settlement_create": Rule(frozenset({Role.COORDINATOR})),
    "prevention:count_create": Rule(COUNT_ROLES),
    "prevention:count_import": Rule(COUNT_ROLES),
    "prevention:campaign_list": Rule(AGGREGATE_ROLES),
    "prevention:campaign_create": Rule(frozenset({Role.COORDINATOR})),
    "prevention:campaign_detail": Rule(AGGREGATE_ROLES, args=lambda w: {"pk": w.campaign_pk}),
    "prevention:outreach_create": Rule(
        frozenset({Role.COORDINATOR}), args=lambda w: {"pk": w.campaign_pk}
    ),
    # people at risk: those who screen and the coordinator see the list
    "prevention:follow_up_list": Rule(PERSON_ROLES | {Role.COORDINATOR}),
    # the case manager's at-risk screening: the coordinator of the municipality and the
    # screening institution close its follow-up; nobody else finds it
    "prevention:follow_up_done": Rule(
        PERSON_TEAM | {Role.COORDINATOR},
        ok=302,
        denied=404,
        method="post",
        args=lambda w: {"code": w.follow_up_code},
    ),
    "surveys:wave_list": Rule(AGGREGATE_ROLES),
    "surveys:wave_create": Rule(frozenset({Role.COORDINATOR})),
    "surveys:wave_detail": Rule(AGGREGATE_ROLES, args=lambda w: {"pk": w.wave_pk}),
    "surveys:wave_import": Rule(frozenset({Role.COORDINATOR}), args=lambda w: {"pk": w.wave_pk}),
    "surveys:wave_margins": Rule(frozenset({Role.COORDINATOR}), args=lambda w: {"pk": w.wave_pk}),
    # any role that raises signals in the wave's municipality interviews; the Centre is national
    "surveys:response_create": Rule(
        SIGNAL_ROLES - {Role.CENTRE_OFFICER}, args=lambda w: {"pk": w.wave_pk}
    ),
    "surveys:wave_report": Rule(
        AGGREGATE_ROLES, ok=302, method="post", args=lambda w: {"pk": w.wave_pk}
    ),
    "surveys:compare": Rule(AGGREGATE_ROLES, args=lambda w: {"pk": w.wave_pk, "other": w.wave_pk}),
    "jobs:artifact_download": Rule(
        frozenset({Role.CASE_MANAGER}),
        denied=404,
        args=lambda w: {"pk": w.job_pk, "artifact": w.artifact_pk},
    ),
    "api_signal_list": Rule(SIGNAL_ROLES, anonymous=401),
    "api_signal_detail": Rule(
        frozenset({Role.FRONTLINE}) | TRIAGERS,
        denied=404,
        anonymous=401,
        args=lambda w: {"code": w.signal_code},
    ),
    "api_screening_list": Rule(PERSON_ROLES, anonymous=401),
    # as the result page: the screening institution and the Centre it was referred to; a
    # frontline professional (a teacher who raised a signal) never reads a screening
    **{
        name: Rule(
            PERSON_TEAM | {Role.CENTRE_OFFICER},
            denied=404,
            anonymous=401,
            args=lambda w: {"pk": w.completed_pk},
        )
        for name in ["api_screening_detail", "api_screening_rescreen"]
    },
    "api_wave_list": Rule(AGGREGATE_ROLES, anonymous=401),
    "api_wave_estimates": Rule(AGGREGATE_ROLES, anonymous=401, args=lambda w: {"pk": w.wave_pk}),
    "api_risk_map": Rule(AGGREGATE_ROLES, anonymous=401, query="group=women-20-30&period=2025"),
    "api_statistics_dashboard": Rule(STATISTICS_ROLES, anonymous=401),
    "api_statistics_privacy_budget": Rule(frozenset({Role.CENTRE_OFFICER}), anonymous=401),
    # an empty body (no epsilon) is refused: the role got in
    "api_statistics_dp_release": Rule(
        frozenset({Role.CENTRE_OFFICER}), ok=400, method="post", anonymous=401
    ),
    "coordination:who_does_what": Rule(ALL_ROLES),
    "conferences:conference_list": Rule(CONFERENCE_ROLES),
    # a local topic: the institutions of the municipality (the Centre is national)
    "conferences:conference_convene": Rule(CONFERENCE_ROLES - {Role.CENTRE_OFFICER}),
    # the case manager's conference on the case, the Centre invited; the coordinator of the
    # convening institution sees it but not its minutes, so may not record them
    "conferences:conference_detail": Rule(
        CONFERENCE_ROLES, denied=404, args=lambda w: {"code": w.conference_code}
    ),
    **{
        name: Rule(
            PERSON_TEAM,
            ok=302,
            denied=404,
            method="post",
            args=lambda w: {"code": w.conference_code},
            denied_as={Role.CENTRE_OFFICER: 403, Role.COORDINATOR: 403},
        )
        for name in ["conferences:conference_record", "conferences:conference_cancel"]
    },
    "conferences:decision_task": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {"pk": w.decision_pk},
        denied_as={Role.CENTRE_OFFICER: 403, Role.COORDINATOR: 403},
    ),
    "conferences:task_list": Rule(CONFERENCE_ROLES | {Role.FRONTLINE}),
    # the social welfare centre's task: its people act on it, the invited Centre only reads
    "conferences:task_detail": Rule(
        CONFERENCE_ROLES, denied=404, args=lambda w: {"code": w.task_code}
    ),
    **{
        name: Rule(
            PERSON_TEAM | {Role.COORDINATOR},
            ok=302,
            denied=404,
            method="post",
            args=lambda w: {"code": w.task_code},
            denied_as={Role.CENTRE_OFFICER: 403},
        )
        for name in [
            "conferences:task_complete",
            "conferences:task_cancel",
            "conferences:task_reassign",
        ]
    },
    "coordination:mandate_edit": Rule(frozenset({Role.COORDINATOR})),
    # the directory: everyone reads; the coordinator keeps the municipality's NGO and offers
    "providers:directory": Rule(ALL_ROLES),
    "providers:export_hsds": Rule(ALL_ROLES),
    "providers:provider_detail": Rule(ALL_ROLES, args=lambda w: {"pk": w.provider_pk}),
    "providers:provider_add": Rule(frozenset({Role.COORDINATOR})),
    "providers:offer_add": Rule(frozenset({Role.COORDINATOR})),
    **{
        name: Rule(frozenset({Role.COORDINATOR}), args=lambda w: {"pk": w.provider_pk})
        for name in ["providers:provider_edit", "providers:service_add"]
    },
    "providers:service_edit": Rule(
        frozenset({Role.COORDINATOR}), args=lambda w: {"pk": w.service_pk}
    ),
    "providers:offer_close": Rule(
        frozenset({Role.COORDINATOR}), ok=302, method="post", args=lambda w: {"pk": w.offer_pk}
    ),
    "providers:import_hsds": Rule(frozenset({Role.SYSTEM_ADMIN})),
    "providers:needs": Rule(
        frozenset(
            {
                Role.COORDINATOR,
                Role.ANALYST,
                Role.CENTRE_OFFICER,
                Role.CASE_MANAGER,
                Role.SUPERVISOR,
            }
        )
    ),
    # the world's case: its lead (the social welfare centre) asks for services; the team that
    # sees its details (the Centre has consent) records services delivered; nobody else finds it
    "providers:service_request": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {"code": w.case_code},
        denied_as={Role.CENTRE_OFFICER: 403},
    ),
    "providers:delivery_add": Rule(CASE_ROLES, denied=404, args=lambda w: {"code": w.case_code}),
    "providers:delivery_edit": Rule(CASE_ROLES, denied=404, args=lambda w: {"pk": w.delivery_pk}),
    "api_provider_list": Rule(ALL_ROLES, anonymous=401),
    "api_provider_detail": Rule(ALL_ROLES, anonymous=401, args=lambda w: {"pk": w.provider_pk}),
    "api_offer_list": Rule(ALL_ROLES, anonymous=401),
    "api_plan_list": Rule(INDIVIDUAL_PLAN_VIEWERS, anonymous=401),
    **{
        name: Rule(
            INDIVIDUAL_PLAN_VIEWERS, denied=404, anonymous=401, args=lambda w: {"code": w.plan_code}
        )
        for name in ["api_plan_detail", "api_plan_goals", "api_plan_reviews"]
    },
    # an empty move is malformed (400) for whoever sees the plan; the policy decides the step
    "api_plan_move": Rule(
        INDIVIDUAL_PLAN_VIEWERS,
        ok=400,
        denied=404,
        anonymous=401,
        method="post",
        args=lambda w: {"code": w.plan_code},
    ),
    # the world's plan: drafted by the social welfare centre (the case lead), shared with the
    # Centre by consent, coordinated by the local coordinator, under review
    "plans:plan_list": Rule(INDIVIDUAL_PLAN_VIEWERS),
    "plans:plan_create": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {"case_code": w.case_code},
        denied_as={Role.CENTRE_OFFICER: 403},
    ),
    "plans:plan_detail": Rule(
        INDIVIDUAL_PLAN_VIEWERS, denied=404, args=lambda w: {"code": w.plan_code}
    ),
    "plans:plan_pdf": Rule(
        INDIVIDUAL_PLAN_VIEWERS, denied=404, args=lambda w: {"code": w.plan_code}
    ),
    "plans:review_pdf": Rule(
        INDIVIDUAL_PLAN_VIEWERS, denied=404, args=lambda w: {"pk": w.review_pk}
    ),
    "plans:attachment_download": Rule(
        INDIVIDUAL_PLAN_VIEWERS, denied=404, args=lambda w: {"pk": w.attachment_pk}
    ),
    "plans:review_record": Rule(
        PERSON_TEAM,
        denied=404,
        args=lambda w: {"pk": w.review_pk},
        denied_as=INDIVIDUAL_PLAN_READERS_ONLY,
    ),
    # the lead's writes; an empty form comes back with a message
    **{
        name: Rule(
            PERSON_TEAM,
            ok=302,
            denied=404,
            method="post",
            args=args,
            denied_as=INDIVIDUAL_PLAN_READERS_ONLY,
        )
        for name, args in [
            ("plans:plan_edit", lambda w: {"code": w.plan_code}),
            ("plans:plan_move", lambda w: {"code": w.plan_code, "step": "close"}),
            ("plans:goal_add", lambda w: {"code": w.plan_code}),
            ("plans:goal_edit", lambda w: {"pk": w.goal_pk}),
            ("plans:goal_refer", lambda w: {"pk": w.goal_pk}),
            ("plans:review_request", lambda w: {"code": w.plan_code}),
            ("plans:outcome_add", lambda w: {"code": w.plan_code}),
            ("plans:attachment_add", lambda w: {"code": w.plan_code}),
        ]
    },
    "set_language": Rule(ALL_ROLES, ok=302, denied=302, anonymous=302, method="post"),
    "ops:live": Rule(ALL_ROLES, anonymous=200),
    "upload_too_large": Rule(ALL_ROLES, ok=413, anonymous=413),
    "ops:ready": Rule(ALL_ROLES, anonymous=200),
    # the schema and its page only for those signed in (issue 14, finding 15)
    "api_schema": Rule(ALL_ROLES, anonymous=401),
    "api_docs": Rule(ALL_ROLES),
    "api_me": Rule(ALL_ROLES, anonymous=401),
    "api_municipality_list": Rule(ALL_ROLES, anonymous=401),
    "api_municipality_detail": Rule(ALL_ROLES, anonymous=401, args=lambda w: {"code": "70939"}),
    "api_institution_list": Rule(ALL_ROLES, anonymous=401),
    "api_institution_detail": Rule(
        ALL_ROLES, anonymous=401, args=lambda w: {"pk": w.institution_pk}
    ),
}


def _url_names(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_has_a_rule() -> None:
    names = set(_url_names(get_resolver().url_patterns))
    assert names - RULES.keys() == set(), "add these URLs to RULES with the roles that may use them"
    assert RULES.keys() - names == set(), "these RULES name URLs that no longer exist"


def _request(client: Client, rule: Rule, url: str) -> int:
    if url.startswith("/api/") and rule.method != "get":  # the API reads JSON bodies only
        return getattr(client, rule.method)(url, content_type="application/json").status_code
    return getattr(client, rule.method)(url).status_code


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r or "anonymous")
def test_url_answers_each_role_as_the_policy_says(
    world: World, name: str, role: Role | None
) -> None:
    rule = RULES[name]
    url = reverse(name, kwargs=rule.args(world)) + (f"?{rule.query}" if rule.query else "")
    client = Client()
    if role is None:
        expected = rule.anonymous
    else:
        client.force_login(world.users[role])
        expected = rule.ok if role in rule.allowed else rule.denied_as.get(role, rule.denied)
    assert _request(client, rule, url) == expected, f"{role} {rule.method.upper()} {url}"
