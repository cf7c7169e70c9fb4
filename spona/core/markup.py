"""Escaping for markup written in Python (form widgets, the template tags that write a page's
repeated parts), without the wrappers of Django's ``conditional_escape``."""

from typing import Any

#: what ``html.escape`` (and so Django's ``escape``) replaces, in one ``str.translate``
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(value: Any) -> str:
    """What ``conditional_escape`` makes of ``value``, unwrapped: a safe string as
    it is, anything else escaped (a lazy translation as its text). Its lazy-string wrapper
    costs about a dozen Python calls a value, and the callers escape hundreds of values a
    page (a select's options, the home page's items)."""
    if type(value) is str:
        return value.translate(_ESCAPES)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return str(value).translate(_ESCAPES)
