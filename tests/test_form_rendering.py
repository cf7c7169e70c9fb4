"""The form renderer writes labels, inputs and text areas out in Python (issue 18: they were
most of the case page's and the lists' form rendering); the markup must stay Django's own,
and so must every select written out by ``ManyOptionsSelect``."""

import re
from unittest.mock import patch

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, pgettext_lazy, trans_real

from spona.core.forms import EmptyForm, FormRenderer, KeptWhenEmpty, ManyOptionsSelect
from spona.core.templatetags.spona_forms import (
    _kept,
    _look,
    _written,
    filter_fields,
    form_fields,
)


class Everything(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name <b>", help_text="As written & signed", max_length=20)
    optional = forms.CharField(label="Optional?", required=False)
    when = forms.DateField(label="When", widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label="How many", min_value=0)
    email = forms.EmailField(label="E-mail", required=False)
    story = forms.CharField(label="Story", widget=forms.Textarea(attrs={"rows": 3}))
    agreed = forms.BooleanField(label="Agreed", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A & B"), ("b", "<b>")])
    signs = forms.MultipleChoiceField(
        label="Signs", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )


def _both(form_class: type[forms.Form], **kwargs: object) -> tuple[str, str]:
    """The form rendered by Django's renderer and by Spona's."""
    rendered = []
    for renderer in (DjangoTemplates(), FormRenderer()):
        form = form_class(renderer=renderer, **kwargs)
        form.is_bound and form.is_valid()
        rendered.append("".join(f"{field.label_tag()}{field}{field.errors}" for field in form))
    return rendered[0], rendered[1]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "version": "3",
            "name": 'O\'Brien "Ђорђе" <i>',
            "story": "Line 1\n<script>",
            "count": "-1",
        },
        {"name": "x" * 30, "when": "not a date", "kind": "b", "signs": ["x"], "agreed": "on"},
    ],
)
def test_labels_inputs_and_text_areas_are_djangos_markup(data: dict[str, object] | None) -> None:
    django_html, spona_html = _both(Everything, data=data)

    assert spona_html == django_html


def test_a_label_without_an_id_and_a_safe_label_are_djangos_markup() -> None:
    class Plain(forms.Form):
        name = forms.CharField(label=mark_safe("<abbr>ID</abbr> number"))

    django_html, spona_html = _both(Plain, auto_id=False)

    assert spona_html == django_html
    assert "<abbr>" in spona_html


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_many_options_select_is_djangos_select() -> None:
    choices = [("", "---------"), ("1", "Ниш & Пирот"), ("2", '"quoted" <b>'), ("3", "Čačak")]
    for value in [None, "2", "9"]:
        django_select = forms.Select(choices=choices).render("place", value, {"id": "id_place"})
        spona_select = ManyOptionsSelect(choices=choices).render("place", value, {"id": "id_place"})

        assert _normalised(spona_select) == _normalised(django_select)


def test_a_safe_label_never_lends_its_markup_to_an_equal_plain_one() -> None:
    """The options are kept per process by their text: a label marked safe, asked first,
    must not make a later plain label of the same text come out unescaped."""
    from spona.core.forms import DatalistInput

    text = "<b>Bold</b>"
    ManyOptionsSelect(choices=[("1", mark_safe(text))]).render("place", None)  # noqa: S308
    plain = ManyOptionsSelect(choices=[("1", text)]).render("place", None)
    assert "<b>" not in plain
    assert "&lt;b&gt;Bold" in plain

    first = DatalistInput()
    first.options = [mark_safe(text)]  # noqa: S308
    first.render("place", None)
    second = DatalistInput()
    second.options = [text]
    assert "<b>" not in second.render("place", None)


#: ``includes/form.html`` as a template, before ``{% form_fields %}`` wrote it out in Python
FORM_TEMPLATE = """{% load i18n %}
{% if form.non_field_errors %}
  <div class="errors" role="alert">{% for error in form.non_field_errors %}<p>{{ error }}</p>{% endfor %}</div>
{% endif %}
{% for field in form.hidden_fields %}{{ field }}{% endfor %}
{% for field in form.visible_fields %}
  {% if field.use_fieldset %}
  <fieldset class="field group{% if field.errors %} has-error{% endif %}"{% if field.help_text or field.errors %} aria-describedby="{% if field.help_text %}{{ field.auto_id }}_helptext{% endif %}{% if field.errors %} {{ field.auto_id }}_error{% endif %}"{% endif %}>
    <legend>{{ field.label }}</legend>
    {{ field }}
    {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
    {% for error in field.errors %}<p class="error" id="{{ field.auto_id }}_error" role="alert">{{ error }}</p>{% endfor %}
  </fieldset>
  {% else %}
  <div class="field{% if field.errors %} has-error{% endif %}">
    {{ field.label_tag }}
    {{ field }}
    {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
    {% for error in field.errors %}<p class="error" id="{{ field.auto_id }}_error" role="alert">{{ error }}</p>{% endfor %}
  </div>
  {% endif %}
{% endfor %}
"""


class WithErrors(forms.Form):
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", help_text="As <signed>")
    signs = forms.MultipleChoiceField(
        label="Signs",
        choices=[("x", "X"), ("y", "Y")],
        widget=forms.CheckboxSelectMultiple,
        help_text="All that apply",
    )
    urgency = forms.ChoiceField(label="Urgency", choices=[("a", "A")], widget=forms.RadioSelect)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The whole form <is> wrong")


@pytest.mark.parametrize(
    "form",
    [
        Everything(),
        Everything(data={"name": "x" * 30}),
        WithErrors(data={"signs": ["z"]}),
        WithErrors(),
    ],
)
def test_the_form_fields_are_the_templates_markup(form: forms.Form) -> None:
    from django.template import Context, Template
    from django.template.loader import render_to_string

    form.is_bound and form.is_valid()
    expected = Template(FORM_TEMPLATE).render(Context({"form": form}))

    assert _normalised(render_to_string("includes/form.html", {"form": form})) == _normalised(
        expected
    )


class Kept(KeptWhenEmpty):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name", help_text="As <signed>", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A & B")], widget=ManyOptionsSelect)


def test_an_empty_kept_form_is_written_once_as_its_fields_are() -> None:
    _kept.cache_clear()
    first, again = Kept(initial={"version": 3}), Kept(initial={"version": 3})

    assert form_fields(first) == _written(first)
    assert form_fields(again) == _written(again)
    assert (_kept.cache_info().misses, _kept.cache_info().hits) == (1, 1)


def test_what_a_kept_form_shows_is_its_key() -> None:
    """A form that looks different in any way is written anew, never taken from another."""
    with translation.override("sr"):  # whatever an earlier test left active
        _kept.cache_clear()
        form_fields(Kept(initial={"version": 3}))

        another_version = Kept(initial={"version": 4})
        other_choices = Kept(initial={"version": 3})
        other_choices.fields["kind"].choices = [("a", "A & B"), ("b", "Ниш")]  # type: ignore[attr-defined]
        other_label = Kept(initial={"version": 3})
        other_label.fields["name"].label = "Full name"
        safe_choice = Kept(initial={"version": 3})
        safe_choice.fields["kind"].choices = [("a", mark_safe("A & B"))]  # type: ignore[attr-defined]
        other_ids = Kept(initial={"version": 3}, auto_id="kept_%s")
        for form in [another_version, other_choices, other_label, safe_choice, other_ids]:
            assert form_fields(form) == _written(form)
        with translation.override("en"):
            in_english = Kept(initial={"version": 3})
            assert form_fields(in_english) == _written(in_english)

        assert _kept.cache_info().hits == 0
        assert 'value="4"' in form_fields(another_version)
        assert "Ниш" in form_fields(other_choices)


def test_a_form_sent_back_is_written_each_time_and_never_kept() -> None:
    _kept.cache_clear()
    sent = Kept(data={"version": "3", "name": "Јована", "kind": "z"})
    sent.is_valid()

    html = form_fields(sent)

    assert "Јована" in html
    assert 'class="error"' in html
    assert _kept.cache_info().currsize == 0


@pytest.mark.django_db
def test_the_lists_filters_are_kept_empty_and_written_with_what_was_typed() -> None:
    from spona.cases.filters import CaseFilter
    from spona.cases.models import Case

    _kept.cache_clear()
    for _request in range(2):
        form_fields(CaseFilter(None, queryset=Case.objects.none()).form)
    typed = CaseFilter({"q": "C-123"}, queryset=Case.objects.none()).form

    assert (_kept.cache_info().misses, _kept.cache_info().hits) == (1, 1)
    assert 'value="C-123"' in form_fields(typed)
    assert _kept.cache_info().currsize == 1


@pytest.mark.django_db
def test_a_lists_empty_filters_are_found_without_making_their_form(monkeypatch) -> None:
    """Unbound, a list's filters are known by their form class's fields (``filter_fields``):
    the same markup and the same kept entry as their form's, the form made only to be written;
    a renamed municipality (another option) is written anew, and filters sent are written with
    what was typed."""
    from spona.cases.filters import ReferralFilter
    from spona.cases.models import Referral
    from spona.core.listing import ListFilters
    from tests.factories import MunicipalityFactory

    def filters(data: dict[str, str] | None = None) -> ListFilters:
        return ReferralFilter(data, queryset=Referral.objects.none(), prefix="r")

    with translation.override("sr"):  # whatever an earlier test left active
        place = MunicipalityFactory(name_cyr="Пирот")
        _kept.cache_clear()
        written = form_fields(filters().form)
        made = []
        form = ListFilters.form
        monkeypatch.setattr(
            ListFilters, "form", property(lambda self: made.append(1) or form.fget(self))
        )

        assert (filter_fields(filters()), made) == (written, [])
        assert _kept.cache_info().hits == 1
        place.name_cyr = "Град Пирот"
        place.save()
        renamed = filter_fields(filters())
        assert ("Град Пирот" in renamed, made) == (True, [1])
        assert renamed == _written(filters().form)
        assert 'value="C-123"' in filter_fields(filters({"r-q": "C-123"}))


@pytest.mark.django_db
def test_a_lists_empty_filters_look_the_same_read_once_per_class(monkeypatch) -> None:
    """What a list's unbound filters show is read once per form class, prefix and language,
    but for the options read from the database: the look is the form's own in every
    language, a municipality added is in the next view's look, and the fixed fields are not
    looked at again."""
    from spona.cases.filters import CaseFilter, ReferralFilter
    from spona.conferences.filters import ConferenceFilter, TaskFilter
    from spona.core.templatetags import spona_forms
    from spona.people.filters import PersonFilter
    from spona.signals.filters import SignalFilter
    from tests.factories import MunicipalityFactory

    lists = [CaseFilter, ConferenceFilter, PersonFilter, SignalFilter, TaskFilter]
    made = [(filters(None), None) for filters in lists] + [(ReferralFilter(None, prefix="r"), "r")]
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            for filters, prefix in made:
                form_class = filters.get_form_class()
                look = spona_forms._unbound_look(form_class, prefix)
                assert look == _look(filters.form)

    looked = []
    field_look = spona_forms._field_look
    monkeypatch.setattr(
        spona_forms, "_field_look", lambda *args: looked.append(args[1]) or field_look(*args)
    )
    with translation.override("sr"):
        MunicipalityFactory(name_cyr="Нова Варош")
        added = spona_forms._unbound_look(PersonFilter(None).get_form_class(), None)
        assert (looked, "Нова Варош" in str(added)) == ([], True)
        assert added == _look(PersonFilter(None).form)


class Translated(KeptWhenEmpty):
    name = forms.CharField(label=gettext_lazy("Name"), help_text=gettext_lazy("Reason"))
    kind = forms.CharField(label=pgettext_lazy("person", "Name"), required=False)


def test_a_kept_forms_translated_texts_are_known_without_translating_them() -> None:
    """A form's look holds the language, so a lazy translation of a fixed text is known by
    what it translates: the look translates none of the labels and help texts, each language
    is written once, and a text of another kind or context is another look."""
    _kept.cache_clear()
    for language in ("sr", "en", "sr", "en"):
        with translation.override(language):
            form = Translated()
            with (
                patch.object(trans_real, "gettext", wraps=trans_real.gettext) as translated,
                patch.object(trans_real, "pgettext", wraps=trans_real.pgettext) as in_context,
            ):
                _look(form)
            assert (translated.call_count, in_context.call_count) == (0, 0)
            assert form_fields(form) == _written(form)
    assert (_kept.cache_info().misses, _kept.cache_info().hits) == (2, 2)

    other_context = Translated()
    other_context.fields["kind"].label = pgettext_lazy("place", "Name")
    plain_lazy = Translated()
    plain_lazy.fields["kind"].label = gettext_lazy("Name")
    other_lazy = Translated()
    other_lazy.fields["kind"].label = format_lazy("{}", gettext_lazy("Name"))
    for form in (other_context, plain_lazy, other_lazy):
        assert form_fields(form) == _written(form)
    assert _kept.cache_info().hits == 2


def test_kept_forms_are_dropped_when_the_catalogues_change() -> None:
    _kept.cache_clear()
    form_fields(Translated())
    assert _kept.cache_info().currsize == 1
    with override_settings(LOCALE_PATHS=[]):
        assert _kept.cache_info().currsize == 0


@pytest.mark.django_db
def test_the_case_pages_empty_forms_look_as_made_and_are_made_only_to_be_written(
    lead, make_user, social_welfare, monkeypatch
) -> None:
    """The case page passes its forms unmade (``EmptyForm``): the look of each, with its ids'
    pattern, its case's version and its options (the statuses offered, the sender left out
    of the institutions), is the made form's in sr, sr-latn and en, and so are its fields;
    a form of a look written before is not made again, and another version or sender is
    another look."""
    from spona.accounts.models import Role
    from spona.cases.forms import ConsentForm, ReferralForm, ReopenForm, TransitionForm
    from spona.core.templatetags import spona_forms
    from tests.factories import InstitutionFactory

    police = InstitutionFactory(municipality=social_welfare.municipality, name="Полиција <П>")
    make_user(Role.CASE_MANAGER, institution=police)
    targets = [("identified", gettext_lazy("Identified")), ("closed", "Затворен & сл.")]
    empties = [
        EmptyForm(ConsentForm, auto_id="consent_%s"),
        EmptyForm(ReferralForm, auto_id="referral_%s", options={"sender_id": lead.institution_id}),
        EmptyForm(ReferralForm, auto_id="referral_%s", options={"sender_id": police.pk}),
        EmptyForm(TransitionForm, initial={"version": 3}, options={"targets": targets}),
        EmptyForm(TransitionForm, initial={"version": 4}, options={"targets": targets[:1]}),
        EmptyForm(ReopenForm, initial={"version": 3}),
    ]
    _kept.cache_clear()
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            for empty in empties:
                assert spona_forms._empty_look(empty) == _look(empty.made())
                assert form_fields(empty) == _written(empty.made())
    assert _kept.cache_info().misses == 3 * len(empties)

    made = []
    monkeypatch.setattr(EmptyForm, "made", lambda self: made.append(self) or self.made())
    with translation.override("en"):
        assert [form_fields(empty) for empty in empties] == [
            _written(
                empty.form_class(auto_id=empty.auto_id, initial=empty.initial, **empty.options)
            )
            for empty in empties
        ]
    assert made == []


def test_a_form_may_be_passed_unmade_only_if_it_says_its_look_is_its_classs() -> None:
    """A form whose ``__init__`` might set its fields per user or record cannot have its
    look known from its class: ``EmptyForm`` refuses it unless it says ``known_unmade``."""

    class PerUserForm(KeptWhenEmpty):
        name = forms.CharField()

    with pytest.raises(TypeError, match="known_unmade"):
        EmptyForm(PerUserForm)

    class KnownForm(PerUserForm):
        known_unmade = True

    assert EmptyForm(KnownForm).made().fields.keys() == {"name"}
