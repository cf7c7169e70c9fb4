"""Parts of the case page written out in Python (issue 18) must be the template's markup."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from unittest.mock import patch

import pytest
from django.template import Context, Template
from django.utils import translation

from spona.accounts.models import Role, User
from spona.cases.models import (
    CaseEvent,
    CaseEventKind,
    Consent,
    ConsentMethod,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.cases.referrals import ReferralStep
from spona.cases.selectors import TimelineEntry
from spona.cases.templatetags.case_page import consent_rows, referral_rows, timeline_items
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType

#: the timeline as a template, before ``{% timeline_items %}`` wrote it out in Python
TIMELINE_TEMPLATE = """{% load i18n %}{% for entry in timeline %}{% with e=entry.event %}<li{% if e.kind == "break_glass" %} class="alert"{% endif %}>{{ e.at|date:"SHORT_DATETIME_FORMAT" }} · {{ e.get_kind_display }}{% if entry.detail %}: {% if entry.link %}<a href="{{ entry.link }}"><code>{{ entry.detail }}</code></a>{% else %}{{ entry.detail }}{% endif %}{% endif %}<span class="who"> · {% if e.actor %}{% if e.actor.institution %}{{ e.actor.institution }}, {% endif %}{{ e.actor.get_role_display }}{% else %}{% translate "the system" %}{% endif %}</span></li>{% endwith %}{% endfor %}"""


def _events() -> list[dict[str, object]]:
    """Events as the old template read them (``entry.event``, ``detail``, ``link``)."""
    centre = Institution(name='Центар за социјални рад "Пирот" & <b>')
    manager = User(role=Role.CASE_MANAGER, institution=centre)
    alone = User(role=Role.COORDINATOR)
    at = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 7 December in Belgrade
    return [
        {"event": CaseEvent(kind=CaseEventKind.OPENED, at=at, actor=manager), "detail": ""},
        {
            "event": CaseEvent(kind=CaseEventKind.BREAK_GLASS, at=at, actor=alone),
            "detail": "Хитно <i>",
        },
        {
            "event": CaseEvent(kind=CaseEventKind.CONFERENCE, at=at),
            "detail": "K-123",
            "link": "/conferences/K-123/?a=1&b",
        },
        {
            "event": CaseEvent(kind="unknown <kind>", at=at, actor=manager),
            "detail": "Пирот → Ниш",
        },
    ]


def _entry(old: dict[str, object]) -> TimelineEntry:
    """The timeline's entry of an event, as ``timeline()`` reads it."""
    event = old["event"]
    assert isinstance(event, CaseEvent)
    actor = event.actor
    return TimelineEntry(
        event.at,
        event.kind,
        str(old["detail"]),
        str(old.get("link", "")),
        role=actor.role if actor else None,
        institution=actor.institution.name if actor and actor.institution else None,
    )


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_timeline_is_the_templates_markup(language: str) -> None:
    events = _events()
    with translation.override(language):
        expected = Template(TIMELINE_TEMPLATE).render(Context({"timeline": events}))

        assert timeline_items([_entry(event) for event in events]) == expected
    assert 'class="alert"' in expected
    assert "&lt;i&gt;" in expected
    assert "&amp;b" in expected
    assert "unknown &lt;kind&gt;" in expected


#: the consents' rows as a template, before ``{% consent_rows %}`` wrote them out in Python
CONSENT_TEMPLATE = """{% load i18n %}{% for c in consents %}<tr><td>{{ c.get_institution_type_display }}</td><td>{{ c.get_category_display }}</td><td>{{ c.get_method_display }}</td><td>{{ c.given_at|date:"SHORT_DATETIME_FORMAT" }}</td><td>{{ c.withdrawn_at|date:"SHORT_DATETIME_FORMAT"|default:"—" }}</td>
      <td>{% if not c.withdrawn_at %}<details class="confirm"><summary class="button danger">{% translate "Withdraw…" %}</summary><form method="post" action="{% url 'cases:consent_withdraw' c.pk %}">{% csrf_token %}<p>{% translate "Institutions of this type will no longer see these data of the person." %}</p><button type="submit" class="danger">{% translate "Withdraw the consent" %}</button></form></details>{% endif %}</td></tr>
    {% empty %}<tr><td colspan="6">{% translate "No consent recorded: only your institution sees the person." %}</td></tr>{% endfor %}"""


def _consents() -> list[Consent]:
    given = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    holds = Consent(
        pk=4,
        institution_type=InstitutionType.POLICE,
        category=DataCategory.IDENTITY,
        method=ConsentMethod.WRITTEN,
        given_at=given,
    )
    withdrawn = Consent(
        pk=5,
        institution_type=InstitutionType.SCHOOL,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.GUARDIAN,
        given_at=given,
        withdrawn_at=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
    )
    return [holds, withdrawn]


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
@pytest.mark.parametrize("consents", [_consents(), []], ids=["two", "none"])
def test_the_consents_are_the_templates_markup(language: str, consents: list[Consent]) -> None:
    with translation.override(language):
        context = Context({"consents": consents, "csrf_token": "token-<1>"})
        expected = Template(CONSENT_TEMPLATE).render(context)

        assert consent_rows(context, consents) == expected
    assert expected.count("csrfmiddlewaretoken") == (1 if consents else 0)


@pytest.mark.parametrize("language", ["sr", "en"])
def test_a_timeline_detail_names_statuses_data_and_types_in_the_pages_language(
    language: str,
) -> None:
    from spona.cases.models import CaseStatus
    from spona.cases.selectors import _detail

    changed = {"from": "identified", "to": ["x"]}
    consent = {"category": "identity", "type": "police"}
    with translation.override(language):
        assert _detail(CaseEventKind.STATUS_CHANGED, changed, {}) == (
            f"{CaseStatus.IDENTIFIED.label} → ",
            "",
        )
        assert _detail(CaseEventKind.CONSENT_GIVEN, consent, {}) == (
            f"{DataCategory.IDENTITY.label} · {InstitutionType.POLICE.label}",
            "",
        )


#: the referrals' rows as a template, before ``{% referral_rows %}`` wrote them out in Python
REFERRAL_TEMPLATE = """{% load i18n %}{% for r, actions in referrals %}<tr><td>{{ r.from_institution }}</td><td>{{ r.to_institution }}</td><td>{{ r.reason_text }} · {{ r.get_urgency_display }}</td><td>{{ r.sent_at|date:"SHORT_DATETIME_FORMAT" }}</td><td>{{ r.due_at|date:"SHORT_DATETIME_FORMAT" }}</td><td>{{ r.get_status_display }}{% if r.decline_reason %}: {{ r.decline_reason }}{% endif %}</td>
    <td class="actions">{% for action in actions %}
      {% if action == "decline" %}<details class="confirm"><summary class="button danger">{% translate "Decline…" %}</summary>
        <form method="post" action="{% url 'cases:referral_act' r.pk action %}">{% csrf_token %}<input type="hidden" name="version" value="{{ r.version }}">
        <label for="reason-{{ r.pk }}">{% translate "Reason for declining" %}</label> <input id="reason-{{ r.pk }}" name="reason" required> <button type="submit" class="danger">{% translate "Decline the referral" %}</button></form></details>
      {% elif action == "revoke" %}<details class="confirm"><summary class="button danger">{% translate "Revoke…" %}</summary>
        <form method="post" action="{% url 'cases:referral_act' r.pk action %}">{% csrf_token %}<input type="hidden" name="version" value="{{ r.version }}">
        <p>{% translate "The institution will no longer be asked to act on this referral." %}</p> <button type="submit" class="danger">{% translate "Revoke the referral" %}</button></form></details>
      {% else %}<form method="post" action="{% url 'cases:referral_act' r.pk action %}" class="inline">{% csrf_token %}<input type="hidden" name="version" value="{{ r.version }}">
        {% if action == "accept" %}<button type="submit">{% translate "Accept" %}</button>{% else %}<button type="submit">{% translate "Mark completed" %}</button>{% endif %}</form>
      {% endif %}{% endfor %}</td></tr>{% endfor %}"""


def _referrals() -> list[tuple[Referral, list[ReferralStep]]]:
    centre = Institution(name='Центар за социјални рад "Пирот" & <b>')
    police = Institution(name="ПУ Пирот")
    sent = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 7 December in Belgrade
    due = datetime(2026, 12, 13, 23, 30, tzinfo=UTC)
    waiting = Referral(
        pk=1234,
        version=7,
        from_institution=centre,
        to_institution=police,
        reason="смештај <хитно>",
        urgency=Urgency.URGENT,
        status=ReferralStatus.SENT,
        sent_at=sent,
        due_at=due,
    )
    declined = Referral(
        pk=5,
        version=2,
        from_institution=police,
        to_institution=centre,
        reason="school",
        urgency=Urgency.NORMAL,
        status=ReferralStatus.DECLINED,
        decline_reason="нема места & <b>",
        sent_at=sent,
        due_at=due,
    )
    return [(waiting, list(ReferralStep)), (declined, [])]


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
@pytest.mark.parametrize("steps", ["all", "none"])
def test_the_referrals_rows_are_the_templates_markup(language: str, steps: str) -> None:
    referrals = _referrals() if steps == "all" else [(_referrals()[1][0], [])]
    with translation.override(language):
        context = Context({"referrals": referrals, "csrf_token": "token-<1>"})
        expected = Template(REFERRAL_TEMPLATE).render(context)

        assert referral_rows(context, referrals) == expected
    assert expected.count("csrfmiddlewaretoken") == (4 if steps == "all" else 0)
    assert ("&lt;хитно&gt;" in expected) is (steps == "all")
    assert "нема места &amp; &lt;b&gt;" in expected


def _languages_asked(write: Callable[[], object]) -> int:
    """How many times ``write`` asks the current language."""
    from django.utils.translation import _trans, trans_real

    with patch.object(_trans, "get_language", wraps=trans_real.get_language) as asked:
        write()
    return asked.call_count


@pytest.mark.parametrize("language", ["sr", "en"])
def test_the_rows_ask_the_language_once_a_page_not_once_a_row(language: str) -> None:
    """The labels, institutions' names and moments of the timeline, the referrals and the
    consents are written in the language asked once for all of a tag's rows (the forms'
    addresses left out: a first reversal asks it of Django)."""
    context = Context({"csrf_token": "token"})
    with (
        translation.override(language),
        patch("spona.cases.templatetags.case_page.reversed_url", return_value="/to/"),
    ):
        for rows, write in (
            ([_entry(event) for event in _events()], timeline_items),
            (_referrals(), partial(referral_rows, context)),
            (_consents(), partial(consent_rows, context)),
        ):
            few = _languages_asked(lambda write=write, rows=rows: write(rows))
            many = _languages_asked(lambda write=write, rows=rows: write(rows * 10))
            assert many == few <= 5


#: the case team, the leads and the informed as the template wrote them, before
#: ``{% team_items %}``, ``{% institutions_named %}`` and ``{% day_shown %}``
NAMES_TEMPLATE = """{% load i18n %}<ul>{% for member in team %}<li>{{ member.institution }}: {{ member.role }}</li>{% endfor %}</ul>
{% for i in next_leads %}{{ i }}{% if i.duty_phone %} ({% translate "duty line" %} {{ i.duty_phone }}){% endif %}{% if not forloop.last %}; {% endif %}{% endfor %}
{% for i in informed %}{{ i }}{% if not forloop.last %}; {% endif %}{% endfor %}
{{ decided_on }}"""
NAMES_WRITTEN = """{% load case_page %}<ul>{% team_items team %}</ul>
{% institutions_named next_leads duty_lines=True %}
{% institutions_named informed %}
{% day_shown decided_on %}"""


def _named() -> dict[str, object]:
    from datetime import date

    from django.utils.translation import gettext_lazy

    from spona.cases.selectors import TeamMember

    centre = Institution(name='Центар за социјални рад "Пирот" & <b>', duty_phone="010 <1>")
    police = Institution(name="ПУ Пирот")
    return {
        "team": [TeamMember(centre, gettext_lazy("leads the case")), TeamMember(police, "<x>")],
        "next_leads": [centre, police, centre],
        "informed": [police, centre],
        "decided_on": date(2026, 12, 7),
    }


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_team_and_the_phases_institutions_are_the_templates_markup(language: str) -> None:
    """Names in the page's script, the language asked once for all of them (issue 18)."""
    with translation.override(language):
        expected = Template(NAMES_TEMPLATE).render(Context(_named()))

        assert Template(NAMES_WRITTEN).render(Context(_named())) == expected
        many = {key: value * 10 for key, value in _named().items() if key != "decided_on"}
        assert _languages_asked(
            lambda: Template(NAMES_WRITTEN).render(Context({**_named(), **many}))
        ) == _languages_asked(lambda: Template(NAMES_WRITTEN).render(Context(_named())))
    assert "&amp; &lt;b&gt;" in expected
    assert "010 &lt;1&gt;" in expected
    assert ("Pirot" in expected) is (language != "sr")
