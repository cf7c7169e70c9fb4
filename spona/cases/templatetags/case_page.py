"""Parts of the case page written out in Python: the timeline, one item per event of the
case (twenty and more on a case in protection), the consents, a row and a withdrawal form
each, and the referrals, a row and a form per step each, were a fifth of the page's work as
template nodes (dates, labels, a link, translated texts, per row). The markup is the
template's (``tests/test_case_page.py``)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial

from django import template
from django.db.models import Model
from django.template.defaulttags import CsrfTokenNode
from django.urls import URLResolver
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.accounts.models import User
from spona.cases.models import CaseEvent, CaseEventKind, Consent, Referral
from spona.cases.referrals import ReferralStep
from spona.cases.selectors import TeamMember, TimelineEntry
from spona.core.caching import forget_when_catalogues_change
from spona.core.display import label_of
from spona.core.links import reversal_place, reversed_url
from spona.core.markup import escaped
from spona.core.moments import day_writer, writer
from spona.core.templatetags.spona_i18n import rendered_language
from spona.institutions.models import Institution, name_shown

register = template.Library()


def _short_datetime() -> Callable[[datetime], str]:
    """``{{ moment|date:"SHORT_DATETIME_FORMAT" }}`` in local time, the page's format looked up
    once for all its rows (the filter looks it up for each, through the language)."""
    return writer("SHORT_DATETIME_FORMAT")


def _labels(
    model: type[Model], *names: str, language: str | None = None
) -> tuple[Callable[[str], str], ...]:
    """The labels of the model's choice fields ``names`` (``get_FOO_display()``) in the
    ``language`` a tag has asked, or the current one asked once for all the rows it writes,
    not for each label."""
    language = language or get_language()
    return tuple(partial(label_of(model, name), language=language) for name in names)


@register.simple_tag
def day_shown(day: date) -> SafeString:
    """``{{ day }}``: the day in the language's ``DATE_FORMAT``, without the template's way
    through ``localize`` and Django's ``dateformat`` (about sixty calls)."""
    return mark_safe(escaped(day_writer("DATE_FORMAT")(day)))  # noqa: S308 - escaped


@register.simple_tag
def team_items(team: Iterable[TeamMember]) -> SafeString:
    """The ``<li>`` of each institution on the case team: its name in the page's script (the
    language asked once, not once a name as ``{{ institution }}`` asks it) and its role."""
    name = partial(name_shown, language=get_language())
    return mark_safe(  # noqa: S308 - escaped
        "".join(f"<li>{escaped(name(m.institution.name))}: {escaped(m.role)}</li>" for m in team)
    )


@register.simple_tag
def institutions_named(institutions: Iterable[Institution], duty_lines: bool = False) -> SafeString:
    """The institutions' names in the page's script, ``; `` between them, each with its duty
    line where it has one and ``duty_lines`` asks for it."""
    name = partial(name_shown, language=get_language())
    duty_line = escaped(gettext("duty line"))
    return mark_safe(  # noqa: S308 - escaped
        "; ".join(
            escaped(name(i.name))
            + (f" ({duty_line} {escaped(i.duty_phone)})" if duty_lines and i.duty_phone else "")
            for i in institutions
        )
    )


@register.simple_tag
def timeline_items(timeline: list[TimelineEntry]) -> SafeString:
    """The ``<li>`` of each entry: when, what, its detail (a link to what it concerns), and
    who (the actor's institution and role, or the system). Every value is escaped as
    ``format_html`` escapes it (``escaped``), without its wrappers: a page has dozens."""
    (kind,), (role,) = _labels(CaseEvent, "kind"), _labels(User, "role")
    labels = _Labels(
        when=_short_datetime(),
        kind=kind,
        role=role,
        name=partial(name_shown, language=get_language()),
        system=escaped(gettext("the system")),
    )
    return mark_safe("".join(_item(entry, labels) for entry in timeline))  # noqa: S308 - escaped


@dataclass(frozen=True)
class _Labels:
    """How the timeline names a moment, a kind of event, a role and an institution (its name
    in the page's script), and the system."""

    when: Callable[[datetime], str]
    kind: Callable[[str], str]
    role: Callable[[str], str]
    name: Callable[[str], str]
    system: str


def _item(entry: TimelineEntry, labels: _Labels) -> str:
    detail = ""
    if entry.detail and entry.link:
        detail = f': <a href="{escaped(entry.link)}"><code>{escaped(entry.detail)}</code></a>'
    elif entry.detail:
        detail = f": {escaped(entry.detail)}"
    if entry.role is None:
        who = labels.system
    elif entry.institution is not None:
        who = f"{escaped(labels.name(entry.institution))}, {escaped(labels.role(entry.role))}"
    else:
        who = escaped(labels.role(entry.role))
    alert = ' class="alert"' if entry.kind == CaseEventKind.BREAK_GLASS else ""
    return (
        f"<li{alert}>{escaped(labels.when(entry.at))} · {escaped(labels.kind(entry.kind))}"
        f'{detail}<span class="who"> · {who}</span></li>'
    )


@register.simple_tag(takes_context=True)
def consent_rows(context: template.Context, consents: Iterable[Consent]) -> SafeString:
    """A row per consent: with whom, what, how, given and withdrawn, and a form to withdraw
    it while it holds; a row that says there is none."""
    language = rendered_language(context)
    withdraw = _withdraw_texts(language)
    csrf = escaped(CsrfTokenNode().render(context))
    when = _short_datetime()
    labels = _labels(Consent, "institution_type", "category", "method", language=language)
    place = reversal_place()
    rows = [_consent_row(consent, withdraw, csrf, when, labels, place) for consent in consents]
    if not rows:
        none = gettext("No consent recorded: only your institution sees the person.")
        return format_html('<tr><td colspan="6">{}</td></tr>', none)
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


@lru_cache(maxsize=8)
def _withdraw_texts(language: str | None) -> tuple[str, str, str]:
    """The consent's withdrawal form's three texts, translated and escaped once per
    ``language`` (the current one) for the process."""
    return (
        escaped(gettext("Withdraw…")),
        escaped(gettext("Institutions of this type will no longer see these data of the person.")),
        escaped(gettext("Withdraw the consent")),
    )


forget_when_catalogues_change(_withdraw_texts.cache_clear)


def _consent_row(
    consent: Consent,
    withdraw: tuple[str, str, str],
    csrf: str,
    when: Callable[[datetime], str],
    labels: tuple[Callable[[str], str], ...],
    place: tuple[URLResolver, str],
) -> str:
    """One consent's row; ``withdraw`` (the form's three texts) and ``csrf`` escaped;
    ``labels``: of its institution type, category and method; ``place``: where its form's
    address is reversed (``reversal_place``, asked once for all the rows)."""
    form = ""
    if not consent.withdrawn_at:
        action = escaped(reversed_url("cases:consent_withdraw", [consent.pk], place=place))
        form = (
            f'<details class="confirm"><summary class="button danger">{withdraw[0]}</summary>'
            f'<form method="post" action="{action}">{csrf}<p>{withdraw[1]}</p>'
            f'<button type="submit" class="danger">{withdraw[2]}</button></form></details>'
        )
    withdrawn = escaped(when(consent.withdrawn_at)) if consent.withdrawn_at else "—"
    institution_type, category, method = labels
    return (
        f"<tr><td>{escaped(institution_type(consent.institution_type))}</td>"
        f"<td>{escaped(category(consent.category))}</td>"
        f"<td>{escaped(method(consent.method))}</td>"
        f"<td>{escaped(when(consent.given_at))}</td><td>{withdrawn}</td>\n"
        f"      <td>{form}</td></tr>\n    "
    )


@dataclass(frozen=True)
class _StepTexts:
    """The referral forms' texts, translated and escaped once per language
    (``_step_texts``)."""

    decline: str
    decline_reason: str
    decline_button: str
    revoke: str
    revoke_note: str
    revoke_button: str
    accept: str
    complete: str


@register.simple_tag(takes_context=True)
def referral_rows(
    context: template.Context, referrals: Iterable[tuple[Referral, list[ReferralStep]]]
) -> SafeString:
    """A row per referral: from, to, why and how urgent, sent, due, its status, and a form
    for each step the user may take on it (``referrals``: each with those steps)."""
    language = rendered_language(context)
    texts = _step_texts(language)
    csrf = escaped(CsrfTokenNode().render(context))
    shown = _Shown(
        when=_short_datetime(),
        name=partial(name_shown, language=language),
        labels=_labels(Referral, "urgency", "status", language=language),
        place=reversal_place(),
    )
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(_referral_row(r, steps, texts, csrf, shown) for r, steps in referrals)
    )


@lru_cache(maxsize=8)
def _step_texts(language: str | None) -> _StepTexts:
    """The referral forms' texts in ``language`` (the current one), for the process."""
    return _StepTexts(
        decline=escaped(gettext("Decline…")),
        decline_reason=escaped(gettext("Reason for declining")),
        decline_button=escaped(gettext("Decline the referral")),
        revoke=escaped(gettext("Revoke…")),
        revoke_note=escaped(
            gettext("The institution will no longer be asked to act on this referral.")
        ),
        revoke_button=escaped(gettext("Revoke the referral")),
        accept=escaped(gettext("Accept")),
        complete=escaped(gettext("Mark completed")),
    )


forget_when_catalogues_change(_step_texts.cache_clear)


@dataclass(frozen=True)
class _Shown:
    """How a referral's row writes its moments, its institutions' names and the labels of
    its urgency and status, in the page's language asked once, and where its forms'
    addresses are reversed (``reversal_place``, asked once)."""

    when: Callable[[datetime], str]
    name: Callable[[str], str]
    labels: tuple[Callable[[str], str], ...]
    place: tuple[URLResolver, str]


def _referral_row(
    referral: Referral,
    steps: list[ReferralStep],
    texts: _StepTexts,
    csrf: str,
    shown: _Shown,
) -> str:
    """One referral's row; ``texts`` (the forms' translated texts) and ``csrf`` escaped."""
    declined = f": {escaped(referral.decline_reason)}" if referral.decline_reason else ""
    forms = "".join(_step_form(referral, step, texts, csrf, shown.place) for step in steps)
    when, (urgency, status) = shown.when, shown.labels
    return (
        f"<tr><td>{escaped(shown.name(referral.from_institution.name))}</td>"
        f"<td>{escaped(shown.name(referral.to_institution.name))}</td>"
        f"<td>{escaped(referral.reason_text)} · {escaped(urgency(referral.urgency))}</td>"
        f"<td>{escaped(when(referral.sent_at))}</td><td>{escaped(when(referral.due_at))}</td>"
        f"<td>{escaped(status(referral.status))}{declined}</td>\n"
        f'    <td class="actions">{forms}</td></tr>'
    )


def _step_form(
    referral: Referral,
    step: ReferralStep,
    texts: _StepTexts,
    csrf: str,
    place: tuple[URLResolver, str],
) -> str:
    """The form of one step on a referral, as the template wrote it (its whitespace too)."""
    action = escaped(reversed_url("cases:referral_act", [referral.pk, step.value], place=place))
    version = f'<input type="hidden" name="version" value="{referral.version}">'
    if step == ReferralStep.DECLINE:
        return (
            f'\n      <details class="confirm"><summary class="button danger">{texts.decline}'
            f'</summary>\n        <form method="post" action="{action}">{csrf}{version}\n'
            f'        <label for="reason-{referral.pk}">{texts.decline_reason}</label> '
            f'<input id="reason-{referral.pk}" name="reason" required> <button type="submit" '
            f'class="danger">{texts.decline_button}</button></form></details>\n      '
        )
    if step == ReferralStep.REVOKE:
        return (
            f'\n      <details class="confirm"><summary class="button danger">{texts.revoke}'
            f'</summary>\n        <form method="post" action="{action}">{csrf}{version}\n'
            f"        <p>{texts.revoke_note}"
            f'</p> <button type="submit" class="danger">{texts.revoke_button}</button>'
            "</form></details>\n      "
        )
    button = texts.accept if step == ReferralStep.ACCEPT else texts.complete
    return (
        f'\n      <form method="post" action="{action}" class="inline">{csrf}{version}\n'
        f'        <button type="submit">{button}</button></form>\n      '
    )
