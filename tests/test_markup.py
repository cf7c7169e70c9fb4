"""``escaped`` writes what Django's ``conditional_escape`` writes, for every kind of value the
tags and widgets pass it."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from spona.core.markup import escaped


@pytest.mark.parametrize(
    "value",
    [
        "Petrović & sinovi <d.o.o.> \"Sloga\" 'Novi Sad'",
        mark_safe("<b>already safe</b> &amp;"),
        gettext_lazy("Language"),
        42,
        None,
        "",
    ],
)
def test_escaped_is_conditional_escape_unwrapped(value: object) -> None:
    with override("sr"):
        assert escaped(value) == str(conditional_escape(value))
        assert isinstance(escaped(value), str)
