"""The person list's rows written out in Python: a row of four cells per person, a link,
a name, a label and a municipality's name, were most of the list's own work as template
nodes (about 140 Python calls a row). The markup is the template's
(``tests/test_lists.py``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.people.models import Person

register = template.Library()

#: ``get_sex_display()``, called with the page's language asked once for all the rows
_SEX = label_of(Person, "sex")


@register.simple_tag
def person_rows(people: Iterable[Person]) -> SafeString:
    """``<tr>`` per person, each on a line of its own indented as the template's loop wrote
    it: the code linking to the person, the name (``—`` when there is none), the sex and the
    municipality; a row saying there are none when there are none."""
    language = get_language()
    rows = [
        f'\n    <tr><td><a href="{escaped(reversed_url("people:person_detail", [p.code]))}">'
        f"{escaped(p.code)}</a></td><td>{escaped(p.full_name or '—')}</td>"
        f"<td>{escaped(_SEX(p.sex, language=language))}</td>"
        f"<td>{escaped(_municipality(p, language))}</td></tr>\n  "
        for p in people
    ]
    if not rows:
        none = escaped(gettext("No persons."))
        rows = [f'\n    <tr><td colspan="4">{none}</td></tr>\n  ']
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped


def _municipality(person: Person, language: str) -> str:
    """``{{ person.municipality|default:"" }}``: its name in the page's script."""
    place = person.municipality
    if place is None:
        return ""
    return place.name_cyr if language == "sr" else place.name_lat
