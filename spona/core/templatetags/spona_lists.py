"""Links between the pages of a filtered list: the same query, another page."""

from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """``?…`` with the request's query (filters kept) and ``param`` set to ``number``."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def pagination(
    context: template.Context, page: Page[Any] | None, param: str, label: str | None = None
) -> SafeString:
    """``{% include "includes/pagination.html" with page=page param=param label=label %}``
    (``label`` only where given): the links to a list's other pages. A list of one page, as
    most are, writes what the include writes then (its newline) without reading and rendering
    the include (about 130 Python calls); so does no list (``None``, a name not in the
    context: the include's lookups then fail quietly)."""
    paginator = getattr(page, "paginator", None)
    if paginator is None or paginator.num_pages <= 1:
        return SafeString("\n")
    given: dict[str, Any] = {"page": page, "param": param}
    if label is not None:
        given["label"] = label
    engine = context.template.engine if context.template else template.Engine.get_default()
    included = engine.get_template("includes/pagination.html")
    with context.push(**given):
        return included.render(context)
