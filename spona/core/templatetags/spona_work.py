"""The home page's greeting, its count of what waits, its work sections, their items and its
tools, written in Python: a page lists up to five items in each of its sections and a dozen
tools, and the template's tags and lookups for each were about a fifth of the page's Python
work (docs/performance.md, h18scope); the greeting's and the count's ``{% blocktranslate %}``
were 400 calls more (h33home). The markup is the one the template wrote
(``tests/test_home.py``)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from spona.core.markup import escaped
from spona.core.moments import day_writer, writer
from spona.core.phases import Phase, Tool
from spona.core.templatetags.spona_layout import kept_per_language, link, whole_number
from spona.core.work import URGENCY_LABELS, Item, Section

register = template.Library()


def _number(value: int) -> str:
    """A count as ``{{ count }}`` writes it in the active language."""
    return escaped(whole_number(value))


@register.simple_tag
def greeting(user: Any) -> SafeString:
    """The page's heading and the line under it: the user's name (their full name, or their
    username), their institution and their role as the institution calls it."""
    welcome = gettext("Welcome, %(name)s") % {
        "name": escaped(user.get_full_name() or user.username)
    }
    institution = user.institution
    where = "" if institution is None else f"{escaped(institution)} · "
    return mark_safe(  # noqa: S308 - every value escaped
        f"<h1>{welcome}</h1>\n<p>{where}{escaped(user.role_title)}</p>"
    )


@register.simple_tag
def work_total(waiting: int, overdue: int) -> SafeString:
    """How many things wait in all, and how many of them are overdue (none: not said)."""
    total = ngettext(
        "%(counter)s thing waits for you or your institution.",
        "%(counter)s things wait for you or your institution.",
        waiting,
    ) % {"counter": _number(waiting)}
    if overdue:
        late = ngettext("%(counter)s is overdue.", "%(counter)s are overdue.", overdue)
        late %= {"counter": _number(overdue)}
        total += f' <span class="overdue">{late}</span>'
    return mark_safe(total)  # noqa: S308 - the counts are numbers


@register.simple_tag
def work_sections(sections: list[Section]) -> SafeString:
    """Every section, as ``{% for section in sections %}`` around an include of one section
    wrote them: the words their items write translated once a page, not once a section."""
    words = _item_words() if any(section.items for section in sections) else None
    return mark_safe(  # noqa: S308 - every value escaped (_written)
        "".join(f"\n  {_written(section, words)}\n" for section in sections)
    )


def _written(section: Section, words: "_ItemWords | None") -> str:
    """One section: its title, how many wait and how many are overdue, then its figures (the
    municipality's summary), its items (with ``words``) with a link to all of them, or what
    to do when empty."""
    key = escaped(section.key)
    heading = escaped(section.title)
    if not section.figures:
        heading += f' <span class="work-count">{_number(section.count)}</span>'
        if section.overdue_count:
            late = ngettext("%(counter)s overdue", "%(counter)s overdue", section.overdue_count)
            late %= {"counter": _number(section.overdue_count)}
            heading += f' <span class="overdue">{late}</span>'
    if section.figures:
        figures = "".join(
            f'<dt>{escaped(label)}</dt><dd class="num">{escaped(value)}</dd>'
            for label, value in section.figures
        )
        mark = gettext(
            "Counts from 1 to 10 are shown as %(mark)s to protect the people behind them."
        ) % {"mark": "&lt;11"}
        body = (
            f'\n      <dl class="figures">{figures}</dl>\n      <p class="muted">{mark}</p>\n    '
        )
    elif section.items and words is not None:
        items = "".join(f"\n        {work_item(item, words)}\n      " for item in section.items)
        more = ""
        if section.url and section.count > len(section.items):
            label = ngettext("See all %(counter)s", "See all %(counter)s", section.count)
            label %= {"counter": _number(section.count)}
            more = f'<p><a href="{escaped(section.url)}">{label}</a></p>'
        body = f"\n      <ul>{items}</ul>\n      {more}\n    "
    else:
        body = f'\n      <p class="muted">{escaped(section.empty)}</p>\n    '
    overdue = " has-overdue" if section.overdue_count else ""
    return (
        f'<section id="work-{key}" class="work-section{overdue}" '
        f'aria-labelledby="work-{key}-heading">\n'
        f'    <h3 id="work-{key}-heading">{heading}</h3>\n    {body}\n  </section>'
    )


@register.simple_tag
def phase_tools(phase: Phase, tools: list[Tool]) -> SafeString:
    """A phase's line in the home page's tools: the phase linked, then each of its tools."""
    links = " · ".join(
        f'<a href="{escaped(link(tool.url_name))}">{escaped(tool.title)}</a>' for tool in tools
    )
    phase_link = escaped(link("workspace:phase", phase.value))
    return mark_safe(  # noqa: S308 - every value escaped
        f'<li><a href="{phase_link}">{escaped(phase.label)}</a>: {links}</li>'
    )


@kept_per_language
def _tools_written(tools: tuple[tuple[Phase, tuple[Tool, ...]], ...]) -> str:
    lines = "".join(f"\n    {phase_tools(phase, list(shown))}\n  " for phase, shown in tools)
    return f"\n  {lines}\n"


@register.simple_tag
def tools_list(tools: tuple[tuple[Phase, tuple[Tool, ...]], ...]) -> SafeString:
    """The home page's tools, a line per phase (``tools_by_phase``): the same for every user
    allowed the same tools, so kept per language (``kept_per_language``)."""
    return mark_safe(_tools_written(tools))  # noqa: S308 - every value escaped (phase_tools)


def _due_writer() -> Callable[[date], str]:
    """What a section writes of its items' due times in the active language: a moment in
    local time in the short format with the time, a day in the short date format, each format
    read once a section (``spona.core.moments``), not once an item."""
    writers: dict[bool, Callable[[Any], str]] = {}

    def write(due: date) -> str:
        moment = isinstance(due, datetime)
        try:
            return writers[moment](due)
        except KeyError:
            made: Callable[[Any], str] = (
                writer("SHORT_DATETIME_FORMAT") if moment else day_writer("SHORT_DATE_FORMAT")
            )
            writers[moment] = made
            return made(due)

    return write


class _ItemWords(NamedTuple):
    """What every item of a page writes, translated once a page, not once an item."""

    due: str  # "due %(due)s", as translated
    overdue: str  # "overdue", translated and escaped
    urgencies: dict[str, str]  # each urgency's label, translated
    due_written: Callable[[date], str]  # ``_due_writer``


def _item_words() -> _ItemWords:
    return _ItemWords(
        gettext("due %(due)s"),
        escaped(gettext("overdue")),
        {value: str(label) for value, label in URGENCY_LABELS.items()},
        _due_writer(),
    )


def work_item(item: Item, words: _ItemWords) -> SafeString:
    """One item as a list entry: its code linked, its line, its urgency and when it is due
    (written with ``words``; overdue ones marked)."""
    overdue = item.overdue
    parts = [
        '<li class="overdue-item">' if overdue else "<li>",
        f'<a href="{escaped(item.url)}"><code>{escaped(item.code)}</code></a> ',
        escaped(item.text),
    ]
    if urgency := words.urgencies.get(item.urgency):
        parts.append(f" · {escaped(urgency)}")
    if item.due:
        # as {% blocktranslate %} writes it: the message as translated, the value escaped
        due = words.due % {"due": escaped(words.due_written(item.due))}
        late = f'<span class="overdue">{words.overdue}, {due}</span>'
        parts.append(f" · {late if overdue else due}")
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
