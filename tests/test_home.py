"""The home page is "my work": what waits for the user and their institution, most urgent
first, each section from the app that owns the work (``spona.core.work``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.cases.models import ConsentMethod, DataCategory, Referral
from spona.cases.services import case_open_for_presumed_victim, consent_record
from spona.conferences import services as conferences
from spona.core.phases import Phase, tools_for
from spona.core.templatetags import spona_work
from spona.core.urgency import Urgency
from spona.core.work import Item, Section
from spona.institutions.models import InstitutionType
from spona.screening import services as screening
from spona.screening.models import ProtocolStep
from spona.signals.models import ChildInvolved, Signal
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
PRESUMED_ADULT = ["DR01", "DR02", "EC01", "EC02", "CD01", "CD02"]


@pytest.fixture
def town(municipality, social_welfare):
    """A municipality's institutions and their people, and the national Centre; a teacher has
    raised two signals (one urgent, both waiting), the centre has opened a case (referred to
    the Centre, not answered yet)."""
    local = {
        kind: InstitutionFactory(type=InstitutionType(kind), municipality=municipality)
        for kind in ["police", "school", "local_government"]
    }
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    people = {
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=social_welfare),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=social_welfare),
        "duty_officer": UserFactory(role=Role.CASE_MANAGER, institution=local["police"]),
        "teacher": UserFactory(role=Role.FRONTLINE, institution=local["school"]),
        "officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "coordinator": UserFactory(role=Role.COORDINATOR, institution=local["local_government"]),
        "analyst": UserFactory(role=Role.ANALYST, institution=centre),
    }
    normal = signal_raise(
        user=people["teacher"], municipality=municipality, what_seen="Понуда за посао"
    )
    urgent = signal_raise(
        user=people["teacher"],
        municipality=municipality,
        what_seen="Дете ради ноћу",
        urgency=Urgency.URGENT,
        child_involved=ChildInvolved.YES,
    )
    person = PersonFactory(registered_by=people["manager"], given_name="Јована")
    case = case_open_for_presumed_victim(
        user=people["manager"], person=person, is_child=False, origin={}
    )
    return {
        **people,
        **local,
        "csr": social_welfare,
        "municipality": municipality,
        "centre": centre,
        "normal": normal,
        "urgent": urgent,
        "case": case,
        "person": person,
    }


def _presumed_victim_screened(town) -> None:
    """The case manager screens the town's person as a presumed adult victim: the
    first-contact protocol's steps start."""
    screening.catalogue_load_default()
    started = screening.screening_start(user=town["manager"], person=town["person"])
    screening.screening_complete(
        user=town["manager"],
        screening=started,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT},
    )


def _home(user) -> tuple[dict[str, Section], str]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    return {s.key: s for s in page.context["sections"]}, page.content.decode()


def test_the_social_welfare_case_manager_sees_signals_to_triage_and_referrals_sent(town) -> None:
    Signal.objects.filter(pk=town["urgent"].pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    sections, html = _home(town["manager"])
    triage = sections["signals_to_triage"]
    assert (triage.count, triage.overdue_count) == (2, 1)
    assert [i.code for i in triage.items] == [town["urgent"].code, town["normal"].code]
    assert triage.items[0].overdue
    assert not triage.items[1].overdue
    sent = sections["referrals_unanswered"]
    assert (sent.count, sent.overdue_count, sent.items[0].code) == (1, 0, town["case"].code)
    assert (sections["referrals_to_answer"].count, sections["tasks"].count) == (0, 0)
    # the overdue section comes first; names never appear, codes do
    assert next(iter(sections)) == "signals_to_triage"
    assert town["case"].code in html
    assert "Јована" not in html
    assert "Signals to triage" in html
    assert "1 overdue" in html


def test_the_centre_officer_sees_the_national_referral_queue_and_urgent_signals(town) -> None:
    Referral.objects.filter(case=town["case"]).update(due_at=timezone.now() - timedelta(hours=1))
    sections, html = _home(town["officer"])
    queue = sections["referrals_to_answer"]
    assert str(queue.title) == "National referral queue"
    assert (queue.count, queue.overdue_count, queue.items[0].code) == (1, 1, town["case"].code)
    assert [i.code for i in sections["signals_to_triage"].items] == [town["urgent"].code]
    assert "National referral queue" in html
    # the sender sees its referral flagged overdue
    sent = _home(town["manager"])[0]["referrals_unanswered"]
    assert (sent.count, sent.overdue_count) == (1, 1)


def test_the_police_duty_officer_triages_and_sees_the_tasks_of_the_police(town) -> None:
    consent_record(  # tasks about a case go only where the person agreed to share its details
        user=town["manager"],
        case=town["case"],
        institution_type=InstitutionType.POLICE,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.WRITTEN,
    )
    conference = conferences.conference_convene(
        user=town["manager"],
        case=town["case"],
        topic="План заштите",
        phase="protection",
        held_on=timezone.now() + timedelta(days=1),
        participants=[town["csr"], town["police"]],
    )
    [decision] = conferences.conference_record(
        user=town["manager"],
        conference=conference,
        expected_version=conference.version,
        minutes="Записник",
        decisions=["Проценити безбедност"],
    )
    late, later = (
        conferences.task_create(
            user=town["manager"],
            decision=decision,
            title=title,
            owner_institution=town["police"],
            due_on=timezone.localdate() + timedelta(days=days),
        )
        for title, days in [("Процена безбедности", -2), ("Извештај", 5)]
    )
    sections, html = _home(town["duty_officer"])
    assert sections["signals_to_triage"].count == 2
    tasks = sections["tasks"]
    assert (tasks.count, tasks.overdue_count) == (2, 1)
    assert [i.code for i in tasks.items] == [late.code, later.code]
    assert "Процена безбедности" in html


def test_the_supervisor_sees_overdue_protocol_steps_by_person_code_and_the_read_is_audited(
    town,
) -> None:
    _presumed_victim_screened(town)
    ProtocolStep.objects.filter(code="notify_centre_24h").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    sections, html = _home(town["supervisor"])
    steps = sections["protocol_steps_overdue"]
    assert (steps.count, steps.overdue_count) == (1, 1)
    assert steps.items[0].code == town["person"].code
    assert town["person"].code in html
    assert "Јована" not in html
    read = AuditEvent.objects.filter(action=AuditAction.READ, actor=town["supervisor"]).last()
    assert read is not None
    assert read.details["persons"] == [town["person"].code]
    # the screener sees the steps of their own screenings
    assert _home(town["manager"])[0]["protocol_steps_overdue"].count == 1


def test_the_coordinator_sees_the_municipality_in_numbers_with_small_counts_hidden(town) -> None:
    sections, html = _home(town["coordinator"])
    assert "signals_to_triage" not in sections
    assert "referrals_to_answer" not in sections
    summary = {str(label): value for label, value in sections["municipality_summary"].figures}
    assert summary == {
        "Signals in the last 12 months": "<11",
        "Open cases": "<11",
        "Referrals overdue": "0",
        "Tasks overdue": "0",
    }
    assert "shown as &lt;11 to protect" in html
    assert town["case"].code not in html
    assert town["normal"].code not in html


def test_nothing_waiting_says_what_to_do_first(town) -> None:
    sections, html = _home(town["teacher"])
    assert all(section.count == 0 for section in sections.values())
    assert "Nothing waits for you now." in html
    assert reverse("signals:signal_create") in html
    sections, html = _home(town["analyst"])
    assert sections == {}
    assert "Start with one of the tools below." in html
    assert reverse("signals:signal_create") not in html
    # the phase navigation stays reachable
    assert reverse("workspace:phase", args=["statistics"]) in html


def test_the_home_page_makes_the_same_queries_for_two_signals_or_twenty(town) -> None:
    client = Client()
    client.force_login(town["manager"])
    client.get(reverse("workspace:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workspace:home"))
    for _ in range(18):
        signal_raise(user=town["teacher"], municipality=town["municipality"], what_seen="x")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("workspace:home"))
    assert page.context["sections"][0].count == 20
    # one query per section (plan reviews: issue 15; action plan activities overdue: issue 17)
    assert len(many) == len(few) <= 27


def test_a_section_counts_every_row_waiting_and_overdue_not_only_those_it_shows(town) -> None:
    for _ in range(6):
        signal_raise(user=town["teacher"], municipality=town["municipality"], what_seen="x")
    Signal.objects.update(created_at=timezone.now() - timedelta(days=8))  # all overdue
    sections, html = _home(town["manager"])
    triage = sections["signals_to_triage"]
    assert (triage.count, triage.overdue_count, len(triage.items)) == (8, 8, 5)
    assert "See all 8" in html


#: A home page's section as its template wrote it before ``{% work_sections %}`` (h18scope);
#: an item's urgency label as ``_Item`` gave it.
_SECTION_TEMPLATE = (
    "{% load i18n %}"
    '<section id="work-{{ section.key }}" class="work-section{% if section.overdue_count %} '
    'has-overdue{% endif %}" aria-labelledby="work-{{ section.key }}-heading">\n'
    '    <h3 id="work-{{ section.key }}-heading">{{ section.title }}{% if not section.figures %} '
    '<span class="work-count">{{ section.count }}</span>{% if section.overdue_count %} '
    '<span class="overdue">{% blocktranslate count counter=section.overdue_count %}{{ counter }} '
    "overdue{% plural %}{{ counter }} overdue{% endblocktranslate %}</span>{% endif %}{% endif %}"
    "</h3>\n"
    "    {% if section.figures %}\n"
    '      <dl class="figures">{% for label, value in section.figures %}<dt>{{ label }}</dt>'
    '<dd class="num">{{ value }}</dd>{% endfor %}</dl>\n'
    '      <p class="muted">{% blocktranslate with mark="&lt;11" %}Counts from 1 to 10 are shown '
    "as {{ mark }} to protect the people behind them.{% endblocktranslate %}</p>\n"
    "    {% elif section.items %}\n"
    "      <ul>{% for item in section.items %}\n"
    '        <li{% if item.overdue %} class="overdue-item"{% endif %}><a href="{{ item.url }}">'
    "<code>{{ item.code }}</code></a> {{ item.text }}{% if item.urgency_label %} · "
    "{{ item.urgency_label }}{% endif %}{% if item.due %} · {% if item.overdue %}"
    '<span class="overdue">{% translate "overdue" %}, {% endif %}{% if item.due_at == item.due %}'
    '{% blocktranslate with due=item.due|date:"SHORT_DATETIME_FORMAT" %}due {{ due }}'
    '{% endblocktranslate %}{% else %}{% blocktranslate with due=item.due|date:"SHORT_DATE_FORMAT" %}'
    "due {{ due }}{% endblocktranslate %}{% endif %}{% if item.overdue %}</span>"
    "{% endif %}{% endif %}</li>\n"
    "      {% endfor %}</ul>\n"
    "      {% if section.url and section.count > section.items|length %}<p><a "
    'href="{{ section.url }}">{% blocktranslate count counter=section.count %}See all '
    "{{ counter }}{% plural %}See all {{ counter }}{% endblocktranslate %}</a></p>{% endif %}\n"
    "    {% else %}\n"
    '      <p class="muted">{{ section.empty }}</p>\n'
    "    {% endif %}\n"
    "  </section>"
)


class _Item(Item):
    """An item as the section's old template read it: with its urgency's label."""

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label) if self.urgency in Urgency.values else ""


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_a_work_section_is_written_as_the_template_wrote_it(language) -> None:
    now = timezone.now()
    items = [
        _Item("S-1", "Пирот <&>", "/signals/S-1/", now - timedelta(hours=2), Urgency.URGENT),
        _Item("T-2", 'a "title"', "/tasks/T-2/", timezone.localdate() + timedelta(days=3)),
        _Item("C-3", "Центар", "/cases/C-3/?a=1&b=2", now + timedelta(hours=5), Urgency.NORMAL),
        _Item("P-4", "no due", "/x/", None, "not an urgency"),
        _Item("P-5", mark_safe("<b>marked safe</b>"), "/y/", timezone.localdate()),
    ]
    sections = [
        Section("many", "Сигнали <за> тријажу", 1234, items, "/signals/?a=1&b=2", 2),
        Section("few", "Tasks", 5, items, "/tasks/", 0, "nothing"),
        Section("unlinked", "Steps", 21, items[:1], "", 1),
        Section("empty", "Referrals", 0, [], "/cases/", 0, "Nothing <waits>."),
        Section("summary", "Pirot", 0, [], figures=[("Open cases", "<11"), ("Signals", "42")]),
    ]
    old = Template(_SECTION_TEMPLATE)
    old_page = Template(
        "{% for section in sections %}\n  {% include section_template %}\n{% endfor %}"
    )
    new_page = Template("{% load spona_work %}{% work_sections sections %}")
    with translation.override(language):
        # each alone, with items, without, none
        for shown in (*([section] for section in sections), sections, sections[3:], []):
            context = Context({"sections": shown, "section_template": old})
            assert new_page.render(context) == old_page.render(context)


#: The home page's greeting and count of what waits as its template wrote them before
#: ``{% greeting %}`` and ``{% work_total %}`` (h33home).
_GREETING_TEMPLATE = (
    "{% load i18n %}<h1>{% blocktranslate with name=user.get_full_name|default:user.username %}"
    "Welcome, {{ name }}{% endblocktranslate %}</h1>\n<p>{% if user.institution %}"
    "{{ user.institution }} · {% endif %}{{ user.role_title }}</p>"
)
_TOTAL_TEMPLATE = (
    "{% load i18n %}{% blocktranslate count counter=waiting %}{{ counter }} thing waits for you "
    "or your institution.{% plural %}{{ counter }} things wait for you or your institution."
    '{% endblocktranslate %}{% if overdue %} <span class="overdue">{% blocktranslate count '
    "counter=overdue %}{{ counter }} is overdue.{% plural %}{{ counter }} are overdue."
    "{% endblocktranslate %}</span>{% endif %}"
)


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_greeting_is_written_as_the_template_wrote_it(language, make_user) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, name='Полиција <&> "Пирот"')
    users = [
        make_user(Role.CASE_MANAGER, first_name="Ана", last_name="Петровић"),
        make_user(Role.SUPERVISOR, first_name="", last_name="", username="o'brien<&>"),
        make_user(Role.CASE_MANAGER, institution=police, first_name="<b>", last_name='"x"'),
        make_user(Role.SYSTEM_ADMIN, first_name="", last_name="Admin"),
    ]
    old = Template(_GREETING_TEMPLATE)
    new = Template("{% load spona_work %}{% greeting user %}")
    with translation.override(language):
        for user in users:
            context = Context({"user": user})
            assert new.render(context) == old.render(context)


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_count_of_what_waits_is_written_as_the_template_wrote_it(language) -> None:
    old = Template(_TOTAL_TEMPLATE)
    new = Template("{% load spona_work %}{% work_total waiting overdue %}")
    with translation.override(language):
        for waiting in [1, 2, 4, 5, 11, 21, 22, 25, 101, 1234]:
            for overdue in [0, 1, 2, 5, 21, 1234]:
                context = Context({"waiting": waiting, "overdue": min(overdue, waiting)})
                assert new.render(context) == old.render(context)


def test_the_sections_read_only_what_they_show(town) -> None:
    """The sections' queries leave out what their items do not show: no encrypted text of a
    signal or a person is read (nor decrypted) for the home page."""
    _presumed_victim_screened(town)
    ProtocolStep.objects.update(due_at=timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        sections, html = _home(town["manager"])
    assert sections["signals_to_triage"].count == 2
    assert sections["referrals_unanswered"].count == 1
    assert sections["protocol_steps_overdue"].items[0].code == town["person"].code
    assert str(town["centre"]) in html  # its name, in the page's script
    sql = "\n".join(query["sql"] for query in captured)
    for column in ['"what_seen"', '"given_name"', '"family_name"']:
        assert column not in sql


#: A phase's line of the home page's tools as the template wrote it before ``{% phase_tools %}``.
_TOOLS_TEMPLATE = (
    "{% load spona_layout %}<li><a href=\"{% link 'workspace:phase' phase.value %}\">"
    '{{ phase.label }}</a>: {% for tool in phase_tools %}<a href="{% link tool.url_name %}">'
    "{{ tool.title }}</a>{% if not forloop.last %} · {% endif %}{% endfor %}</li>"
)


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_a_phase_of_the_tools_is_written_as_the_template_wrote_it(language, make_user) -> None:
    old = Template(_TOOLS_TEMPLATE)
    new = Template("{% load spona_work %}{% phase_tools phase phase_tools %}")
    for role in [Role.CASE_MANAGER, Role.COORDINATOR]:
        user = make_user(role)
        with translation.override(language):
            for phase in Phase:
                tools = tools_for(user, phase)
                for shown in [tools, tools[:1]]:
                    context = Context({"phase": phase, "phase_tools": shown})
                    assert new.render(context) == old.render(context)


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_an_items_urgency_and_order_are_the_urgency_enums(language) -> None:
    """The items' words (``_item_words``) and ``Item.sort_key`` read the urgencies from dicts
    made once (h18floor): the same label and order as asking ``Urgency`` itself."""
    now = timezone.now()
    dues = [None, now - timedelta(hours=1), now + timedelta(hours=1), now.date()]
    items = [
        Item(code="X", text="", url="", due=due, urgency=urgency)
        for due in dues
        for urgency in [*Urgency.values, "", "unknown"]
    ]
    with translation.override(language):
        for item in items:
            known = item.urgency in Urgency.values
            label = spona_work._item_words().urgencies.get(item.urgency, "")
            assert label == (str(Urgency(item.urgency).label) if known else "")
            order = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}
            assert item.sort_key()[2] == (order[Urgency(item.urgency)] if known else 3)
    section = Section(key="k", title="t", count=len(items), items=items)
    assert section.sort_key() == (0, sorted(items, key=Item.sort_key)[0].sort_key()[1])


def test_an_item_is_overdue_as_of_the_first_ask(monkeypatch) -> None:
    """An item lives for one request and is sorted and written by whether it is overdue several
    times: the clock is read once an item (h32home), not once an ask."""
    asked: list[object] = []
    now = timezone.now()

    def clock():
        asked.append(1)
        return now

    monkeypatch.setattr(timezone, "now", clock)
    late = Item(code="X", text="", url="", due=now - timedelta(hours=1))
    soon = Item(code="Y", text="", url="", due=now + timedelta(hours=1))
    for _ in range(3):
        assert late.overdue
        assert late.sort_key()[0] == 0
        assert not soon.overdue
        assert soon.sort_key()[0] == 1
    assert len(asked) == 2
