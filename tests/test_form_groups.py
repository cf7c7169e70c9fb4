"""Issue 20, point 9: radio and checkbox groups are fieldsets with a legend, and the
municipality (161 of them) can be typed into, in either script, without script."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from spona.core.forms import ManyOptionsSelect
from spona.core.roles import Role
from spona.signals.forms import SignalForm
from spona.signals.models import Signal
from tests.factories import MunicipalityFactory


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend(make_user) -> None:
    client = Client()
    client.force_login(make_user(Role.FRONTLINE))
    html = client.get(reverse("signals:signal_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fieldsets = re.findall(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", html, re.S)
    legends = dict(fieldsets)
    assert 'type="radio"' in legends["Urgency"]
    assert 'type="radio"' in legends["Is a child involved?"]
    assert not re.search(r"<label[^>]*>\s*Urgency:", html)  # no label for the whole group


def test_a_checkbox_group_is_a_fieldset_and_a_single_box_is_not() -> None:
    class Choices(forms.Form):
        signs = forms.MultipleChoiceField(
            label="Signs", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        agreed = forms.BooleanField(label="Agreed")

    html = render_to_string("includes/form.html", {"form": Choices()})
    [(legend, body)] = re.findall(
        r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", html, re.S
    )
    assert legend == "Signs"
    assert body.count('type="checkbox"') == 2
    assert "Agreed" not in body


def test_the_municipality_is_typed_into_with_the_choices_listed(make_user) -> None:
    client = Client()
    client.force_login(make_user(Role.FRONTLINE))
    html = client.get(reverse("signals:signal_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    box = re.search(r'<input type="text" name="municipality"[^>]*list="([^"]+)"', html)
    assert box is not None
    assert f'<datalist id="{box.group(1)}">' in html
    assert '<option value="Pirot">' in html
    assert "<select" not in html.split('name="municipality"')[0].rsplit("<div", 1)[-1]


def test_a_typed_municipality_is_found_in_either_script_and_without_diacritics(db) -> None:
    cacak = MunicipalityFactory(name_cyr="Чачак", name_lat="Čačak")
    for typed in ["Čačak", "Чачак", "cacak", " ČAČAK ", str(cacak.pk)]:
        form = SignalForm(
            {
                "what_seen": "…",
                "municipality": typed,
                "urgency": "normal",
                "child_involved": "unknown",
            }
        )
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["municipality"] == cacak
    form = SignalForm(
        {"what_seen": "…", "municipality": "Čača", "urgency": "normal", "child_involved": "unknown"}
    )
    assert not form.is_valid()
    assert "municipality" in form.errors


def test_a_signal_raised_with_a_typed_municipality(make_user) -> None:
    user = make_user(Role.FRONTLINE)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("signals:signal_create"),
        {
            "what_seen": "Дете проси",
            "municipality": "Пирот",
            "urgency": "normal",
            "child_involved": "unknown",
        },
    )
    assert response.status_code == 302
    assert Signal.objects.get().municipality == user.institution.municipality


def test_a_refused_form_shows_the_typed_name_again(make_user) -> None:
    client = Client()
    client.force_login(make_user(Role.FRONTLINE))
    response = client.post(
        reverse("signals:signal_create"),
        {
            "what_seen": "",
            "municipality": str(make_user().institution.municipality.pk),
            "urgency": "normal",
            "child_involved": "unknown",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'name="municipality" value="Pirot"' in response.content.decode()


def test_the_service_form_takes_a_typed_municipality_too(db) -> None:
    from spona.core.forms import TypeableModelChoiceField
    from spona.providers.forms import ServiceForm

    cacak = MunicipalityFactory(name_cyr="Чачак", name_lat="Čačak")
    field = ServiceForm().fields["municipality"]
    assert isinstance(field, TypeableModelChoiceField)
    assert field.clean("cacak") == cacak


def _tags(html: str) -> str:
    """``html`` without the line breaks and indentation between its tags."""
    return re.sub(r"\s*\n\s*", "", html)


@pytest.mark.parametrize("value", [None, "", "2", ["3", "2"], "nothing"])
def test_a_select_of_many_options_is_written_as_django_writes_it(value) -> None:
    """``ManyOptionsSelect`` keeps each list's options once per process (issue 18): its markup
    is Django's own select's (but the line breaks), chosen option and escaped labels included, however often the
    same options are written with other values."""
    choices = [("", "---------"), (1, "Пирот"), (2, 'Bor & "Zaječar" <Timok>'), (3, "Ниш")]
    for _again in range(2):
        many = ManyOptionsSelect(attrs={"id": "id_place"}, choices=choices)
        django = forms.Select(attrs={"id": "id_place"}, choices=choices)
        assert _tags(many.render("place", value)) == _tags(django.render("place", value))
