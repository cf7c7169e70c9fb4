"""The case page's panel of services written out in Python: its requests, deliveries and
employers' offers, a row or an item each with names, labels, days, a cost and a link, were
about 1,900 Python calls as template nodes for one of each (``{{ }}`` localizes every value,
and each institution's name and label asked the language). The markup is the template's
(``tests/test_case_panels.py``)."""

from collections.abc import Callable, Iterable
from functools import partial

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from spona.cases.models import Referral
from spona.core import numbers
from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.core.moments import day_writer
from spona.core.templatetags.spona_numbers import NONE
from spona.institutions.models import name_shown
from spona.providers.models import Delivery, Offer, ServiceRequest

register = template.Library()


def _labels(model: type, *names: str) -> tuple[Callable[[str], str], ...]:
    """The labels of the model's choice fields ``names`` in the current language, asked once."""
    language = get_language()
    return tuple(partial(label_of(model, name), language=language) for name in names)


@register.simple_tag
def request_rows(requests: Iterable[ServiceRequest]) -> SafeString:
    """A row per request for a service: to whom, the service or offer, its domain and the
    referral's status."""
    name = partial(name_shown, language=get_language())
    (domain,), (status,) = _labels(ServiceRequest, "domain"), _labels(Referral, "status")
    rows = []
    for request in requests:
        asked = ""
        if request.service:
            asked = escaped(request.service.name)
        elif request.offer:
            asked = escaped(request.offer.title)
        rows.append(
            f"<tr><td>{escaped(name(request.referral.to_institution.name))}</td>"
            f"<td>{asked}</td><td>{escaped(domain(request.domain))}</td>"
            f"<td>{escaped(status(request.referral.status))}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


@register.simple_tag
def delivery_rows(deliveries: Iterable[Delivery]) -> SafeString:
    """A row per service delivered: the provider (linked to the record) and the service, its
    domain, support type, days, status, cost, funder and outcome; a row that says there is
    none."""
    name = partial(name_shown, language=get_language())
    domain, support_type, status = _labels(Delivery, "domain", "support_type", "status")
    day = day_writer("DATE_FORMAT")
    rows = []
    for d in deliveries:
        link = escaped(reversed_url("providers:delivery_edit", [d.pk]))
        service = f'<br><span class="muted">{escaped(d.service.name)}</span>' if d.service else ""
        days = escaped(day(d.started_on)) + (f" – {escaped(day(d.ended_on))}" if d.ended_on else "")
        cost = NONE if d.cost is None else escaped(numbers.money(d.cost))
        rows.append(
            f'<tr><td><a href="{link}">{escaped(name(d.provider.institution.name))}</a>{service}'
            f"</td><td>{escaped(domain(d.domain))}</td>"
            f"<td>{escaped(support_type(d.support_type))}</td><td>{days}</td>"
            f'<td>{escaped(status(d.status))}</td><td class="num">{cost}</td>'
            f"<td>{escaped(d.funder)}</td><td>{escaped(d.outcome)}</td></tr>\n  "
        )
    if not rows:
        none = gettext("No services recorded yet.")  # unescaped, as ``{% translate %}``
        return mark_safe(f'<tr><td colspan="8">{none}</td></tr>')  # noqa: S308 - a fixed text
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


@register.simple_tag
def offer_items(offers: Iterable[Offer], service_request: str) -> SafeString:
    """The ``<li>`` of each employer's offer suggested: its kind, title, employer, places and
    last day to apply, and a link that sends a referral for it (``service_request``: the
    address of the request's form)."""
    name = partial(name_shown, language=get_language())
    (kind,) = _labels(Offer, "kind")
    day = day_writer("DATE_FORMAT")
    # fixed texts, unescaped as ``{% translate %}`` and ``{% blocktranslate %}`` write them
    apply_by, send = gettext("apply by"), gettext("Send a referral to the employer")
    address = escaped(service_request)
    items = []
    for offer in offers:
        places = ngettext("%(places)s place", "%(places)s places", offer.places) % {
            "places": offer.places
        }
        last_day = f" · {apply_by} {escaped(day(offer.apply_by))}" if offer.apply_by else ""
        items.append(
            f"<li>{escaped(kind(offer.kind))}: {escaped(offer.title)} · "
            f"{escaped(name(offer.provider.institution.name))} · {places}{last_day}"
            f' · <a href="{address}?target=offer:{offer.pk}">{send}</a></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - every value escaped, fixed texts as they are
