"""A form's fields copied quickly (``spona.core.forms.quickly_copied``) are what Django's
``copy.deepcopy`` makes of them: the same attributes, each a new object exactly where Django's
copy has a new one (the widget, its attributes and choices, the error messages, the
validators, the choices, a model choice field's queryset), shared where it shares one."""

import copy
from typing import Any

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.forms import ManyOptionsSelect, _QuicklyCopied
from spona.institutions.models import Municipality
from spona.signals.forms import CitizenSignalForm, SignalForm


class _Everything(forms.Form):
    text = forms.CharField(label=_("Name"), widget=forms.Textarea(attrs={"rows": 2}))
    number = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=[("a", _("Yes")), ("b", "B")], widget=forms.RadioSelect)
    grouped = forms.ChoiceField(choices=[("Group", [("a", "A")]), ("b", "B")])
    typed = forms.TypedChoiceField(choices=[(1, "One")], coerce=int, widget=ManyOptionsSelect)
    many = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)
    place = forms.ModelChoiceField(queryset=Municipality.objects.all())
    when = forms.SplitDateTimeField()  # a field of fields: copied by Django's own deepcopy
    moment = forms.DateTimeField(widget=forms.SplitDateTimeWidget)


def _alike(ours: Any, django: Any, original: Any, path: str, seen: set[int]) -> None:
    """``ours`` is as ``django``'s copy of ``original``: new where it is new, shared where
    it is shared, equal in value (each object once: a choice iterator refers to its field)."""
    assert type(ours) is type(django), path
    if django is original:
        assert ours is original, path
        return
    assert ours is not original, path
    if id(django) in seen:
        return
    seen.add(id(django))
    if hasattr(django, "__dict__") and not isinstance(django, type):
        assert vars(ours).keys() == vars(django).keys(), path
        for name in vars(django):
            _alike(
                vars(ours)[name], vars(django)[name], vars(original)[name], f"{path}.{name}", seen
            )
    elif isinstance(django, list | tuple | dict):
        assert len(ours) == len(django), path
        if not isinstance(django, dict):
            for i, (a, b, c) in enumerate(zip(ours, django, original, strict=True)):
                _alike(a, b, c, f"{path}[{i}]", seen)
        else:
            assert ours == django, path
    elif hasattr(django, "query"):  # a queryset, cloned
        assert str(ours.query) == str(django.query), path
    else:
        assert ours == django, path


@pytest.mark.parametrize("form_class", [_Everything, SignalForm])
def test_quick_copies_are_djangos(db, form_class) -> None:
    fields = form_class.base_fields
    django = copy.deepcopy(dict(fields))
    ours = copy.deepcopy(_QuicklyCopied(fields))
    assert ours.keys() == django.keys()
    for name in fields:
        _alike(ours[name], django[name], fields[name], name, set())


def test_the_signal_form_copies_quickly_and_a_subclass_as_django_does(db) -> None:
    assert type(SignalForm.base_fields) is _QuicklyCopied
    assert type(CitizenSignalForm.base_fields) is dict
    first, second = SignalForm(), SignalForm()
    first.fields["what_seen"].widget.attrs["rows"] = 9
    first.fields["urgency"].choices = [("normal", "Normal")]
    assert second.fields["what_seen"].widget.attrs["rows"] == 4
    assert len(second.fields["urgency"].choices) == 3
    assert SignalForm.base_fields["what_seen"].widget.attrs["rows"] == 4
