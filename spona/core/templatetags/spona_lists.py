"""Links between the pages of a filtered list: the same query, another page."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """``?…`` with the request's query (filters kept) and ``param`` set to ``number``."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return "?" + query.urlencode()
