"""The case page's panels of conferences, plans and services, written by their apps' tags, are
the markup their templates wrote, in the three languages, with names and texts to escape."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.template import Context, Template
from django.utils import translation

from spona.cases.models import Referral, ReferralStatus
from spona.conferences.models import Conference
from spona.institutions.models import Institution
from spona.plans.models import Plan, PlanKind, PlanStatus
from spona.providers.models import (
    Delivery,
    DeliveryStatus,
    Domain,
    Offer,
    OfferKind,
    Provider,
    Service,
    ServiceRequest,
    SupportType,
)

LANGUAGES = ["sr", "sr-latn", "en"]

#: the panels' rows as their templates wrote them, before the tags
OLD = """{% load i18n %}<ul>{% for c in conferences %}<li><a href="{% url 'conferences:conference_detail' c.code %}">{{ c.held_on|date:"SHORT_DATETIME_FORMAT" }} · {% if c.content_shared %}{{ c.topic }}{% else %}<span class="muted">{% translate "content withheld: outside the person's consent" %}</span>{% endif %}</a> · {{ c.get_status_display }}</li>{% endfor %}</ul>
<ul>{% for p in plans %}<li><a href="{% url 'plans:plan_detail' p.code %}"><code>{{ p.code }}</code> · {{ p.get_kind_display }}</a> · {{ p.get_status_display }}</li>{% endfor %}</ul>
<tbody>{% for r in requests %}<tr><td>{{ r.referral.to_institution }}</td><td>{% if r.service %}{{ r.service.name }}{% elif r.offer %}{{ r.offer.title }}{% endif %}</td><td>{{ r.get_domain_display }}</td><td>{{ r.referral.get_status_display }}</td></tr>{% endfor %}</tbody>
<tbody>{% for d in deliveries %}<tr><td><a href="{% url 'providers:delivery_edit' d.pk %}">{{ d.provider }}</a>{% if d.service %}<br><span class="muted">{{ d.service.name }}</span>{% endif %}</td><td>{{ d.get_domain_display }}</td><td>{{ d.get_support_type_display }}</td><td>{{ d.started_on }}{% if d.ended_on %} – {{ d.ended_on }}{% endif %}</td><td>{{ d.get_status_display }}</td><td class="num">{{ d.cost|money }}</td><td>{{ d.funder }}</td><td>{{ d.outcome }}</td></tr>
  {% empty %}<tr><td colspan="8">{% translate "No services recorded yet." %}</td></tr>{% endfor %}</tbody>
{% url 'providers:service_request' 'C-1' as service_request %}<ul>{% for o in offers %}<li>{{ o.get_kind_display }}: {{ o.title }} · {{ o.provider }} · {% blocktranslate count places=o.places %}{{ places }} place{% plural %}{{ places }} places{% endblocktranslate %}{% if o.apply_by %} · {% translate "apply by" %} {{ o.apply_by }}{% endif %} · <a href="{{ service_request }}?target=offer:{{ o.pk }}">{% translate "Send a referral to the employer" %}</a></li>{% endfor %}</ul>"""

NEW = """{% load conference_panel plan_panel service_panel %}<ul>{% conference_items conferences %}</ul>
<ul>{% plan_items plans %}</ul>
<tbody>{% request_rows requests %}</tbody>
<tbody>{% delivery_rows deliveries %}</tbody>
{% url 'providers:service_request' 'C-1' as service_request %}<ul>{% offer_items offers service_request %}</ul>"""


def _panels(times: int = 1) -> dict[str, list[object]]:
    """A case's panels with a name, a title and a text of each kind to escape, every status
    and kind shown, days with and without an end, a cost and none, one and many places."""
    shelter = Institution(name='Прихватилиште "Пирот" & <b>')
    provider = Provider(institution=shelter)
    service = Service(name="Смештај <i> & храна")
    held = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 7 December in Belgrade
    shared = Conference(code="K-1", held_on=held, topic="План <заштите>", status="held")
    shared.content_shared = True  # type: ignore[attr-defined]
    withheld = Conference(code="K-2", held_on=held, topic="тајно", status="planned")
    odd = Conference(code="K-3", held_on=held, topic="x", status="unknown <status>")
    referral = Referral(pk=4, to_institution=shelter, status=ReferralStatus.ACCEPTED)
    offer = Offer(pk=5, provider=provider, kind=OfferKind.JOB, title="Рад 'у' магацину", places=1)
    panels: dict[str, list[object]] = {
        "conferences": [shared, withheld, odd],
        "plans": [
            Plan(code=f"IP-{k}", kind=kind, status=status)
            for k, (kind, status) in enumerate(zip(PlanKind, PlanStatus, strict=False))
        ],
        "requests": [
            ServiceRequest(referral=referral, service=service, domain=Domain.values[0]),
            ServiceRequest(referral=referral, offer=offer, domain=Domain.values[-1]),
            ServiceRequest(referral=referral, domain="other <domain>"),
        ],
        "deliveries": [
            Delivery(
                pk=7,
                provider=provider,
                service=service,
                domain=Domain.values[1],
                support_type=SupportType.values[0],
                started_on=date(2026, 1, 15),
                ended_on=date(2026, 12, 31),
                status=DeliveryStatus.COMPLETED,
                cost=Decimal("1234567.5"),
                funder="Град & <општина>",
                outcome="Смештена <b>",
            ),
            Delivery(
                pk=1234,
                provider=provider,
                domain=Domain.values[2],
                support_type=SupportType.values[-1],
                started_on=date(2026, 3, 1),
                status=DeliveryStatus.ONGOING,
            ),
        ],
        "offers": [
            offer,
            Offer(pk=1001, provider=provider, kind=OfferKind.TRAINING, title="Обука", places=5),
            Offer(
                pk=6, provider=provider, kind="x", title="", places=1234, apply_by=date(2026, 2, 1)
            ),
        ],
    }
    return {key: rows * times for key, rows in panels.items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panels_rows_are_the_templates_markup(language: str) -> None:
    with translation.override(language):
        expected = Template(OLD).render(Context(_panels()))

        assert Template(NEW).render(Context(_panels())) == expected
    assert "&amp; &lt;b&gt;" in expected
    assert "Рад &#x27;у&#x27; магацину" in expected
    assert ("Pirot" in expected) is (language != "sr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_services_delivered_is_said_as_the_template_said_it(language: str) -> None:
    with translation.override(language):
        expected = Template(OLD).render(Context({**_panels(), "deliveries": []}))

        assert Template(NEW).render(Context({**_panels(), "deliveries": []})) == expected


def _languages_asked(write: Callable[[], object]) -> int:
    """How many times ``write`` asks the current language."""
    from django.utils.translation import _trans, trans_real

    with patch.object(_trans, "get_language", wraps=trans_real.get_language) as asked:
        write()
    return asked.call_count


@pytest.mark.parametrize("language", ["sr", "en"])
def test_the_panels_ask_the_language_once_a_tag_and_once_a_cost(language: str) -> None:
    """Labels, names and days in the language asked once a tag; a cost is written by
    ``spona.core.numbers`` (its separators ask it once a number, as ``|money`` did)."""
    with translation.override(language):
        Template(NEW).render(Context(_panels()))  # the reversals kept
        few = _languages_asked(lambda: Template(NEW).render(Context(_panels())))
        many = _languages_asked(lambda: Template(NEW).render(Context(_panels(10))))
    assert many == few + 9  # nine more costs
