"""A form's fields written out in Python: ``{% form_fields form %}`` is what
``includes/form.html`` renders for every form of every page. As a template it was a loop of
template nodes per field, a visible part of the pages asked most (the case page's four forms,
the lists' filters); the markup is the same, whitespace aside
(``tests/test_form_rendering.py``)."""

import dataclasses
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from spona.core.caching import forget_when_catalogues_change
from spona.core.forms import EmptyForm, KeptWhenEmpty, copied_field, set_on_fields

register = template.Library()


def _field(field: forms.BoundField) -> SafeString:
    """One visible field: its label (the legend of a group of choices), the widget, its help
    text and errors; a group's help and errors named by ``aria-describedby``."""
    auto_id, help_text, errors = field.auto_id, field.help_text, field.errors
    help_html = (
        format_html('<p class="help" id="{}_helptext">{}</p>', auto_id, help_text)
        if help_text
        else ""
    )
    errors_html = format_html_join(
        "", '<p class="error" id="{}_error" role="alert">{}</p>', ((auto_id, e) for e in errors)
    )
    has_error = " has-error" if errors else ""
    if field.use_fieldset:
        described = ""
        if help_text or errors:
            ids = (f"{auto_id}_helptext" if help_text else "") + (
                f" {auto_id}_error" if errors else ""
            )
            described = format_html(' aria-describedby="{}"', ids)
        return format_html(
            '<fieldset class="field group{}"{}>\n<legend>{}</legend>\n{}\n{}{}\n</fieldset>',
            has_error,
            described,
            field.label,
            field,
            help_html,
            errors_html,
        )
    return format_html(
        '<div class="field{}">\n{}\n{}\n{}{}\n</div>',
        has_error,
        field.label_tag(),
        field,
        help_html,
        errors_html,
    )


@register.simple_tag
def form_fields(form: Any) -> SafeString:
    """The form's errors, hidden fields and visible fields; those of an unbound
    ``KeptWhenEmpty`` form written once per process for each different look (``_kept``), and
    an ``EmptyForm`` made only to be written so."""
    if isinstance(form, EmptyForm):
        return _kept(_Empty(_empty_look(form), form.made))
    if isinstance(form, KeptWhenEmpty) and not form.is_bound:
        return _kept(_Empty(_look(form), lambda: form))
    return _written(form)


@register.simple_tag
def filter_fields(filters: Any) -> SafeString:
    """A list's filters' fields (``filters``, a ``spona.core.listing.ListFilters``) as
    ``form_fields`` writes its form's. Unbound (the list as the menu opens it), they are found
    by the look of the form class's own fields, the same as the form's (``_Unbound``): the form
    is made only if they are to be written, not on every view (Django deep-copies every field
    into each form it makes, about 800 Python calls a list's filters)."""
    form_class = filters.get_form_class()
    if filters.is_bound or not issubclass(form_class, KeptWhenEmpty):
        return form_fields(filters.form)
    return _kept(_Empty(_unbound_look(form_class, filters.form_prefix), lambda: filters.form))


def _empty_look(empty: EmptyForm) -> tuple[Any, ...]:
    """``_look`` of ``empty.made()``, without making it: the class's look unbound
    (``_unbound_look``) for its ids' pattern, but for the fields its initial values and
    options concern, looked at on every view as the form would hold them (a copy of the
    class's field with the options' settings, ``field_settings``)."""
    form_class, initial, language = empty.form_class, empty.initial, get_language()
    settings = form_class.field_settings(**empty.options)
    concerned = initial.keys() | settings.keys()
    look = _unbound_look(form_class, None, empty.auto_id, concerned, language)
    if not concerned:
        return look
    plan = _PLANS[form_class, None, empty.auto_id, language]
    unbound, looks = plan.unbound.given(initial), list(look[-1])
    for position, (name, field, *_parts) in enumerate(plan.fields):
        if name in settings:
            field = copied_field(field)
            set_on_fields({name: field}, {name: settings[name]})
        if name in concerned:
            looks[position] = _field_look(unbound, name, field)
    return (*look[:-1], tuple(looks))


@dataclasses.dataclass(frozen=True)
class _Empty:
    """An unbound form, known (hashed and compared) by how it looks, and how to make it."""

    look: tuple[Any, ...]
    form: Callable[[], forms.BaseForm] = dataclasses.field(compare=False)


@lru_cache(maxsize=64)
def _kept(empty: _Empty) -> SafeString:
    """An empty form's fields, written once per process for each different look: the case
    page's four forms and the lists' filters were a tenth to a fifth of those pages' work, and
    all that they show is in the key, so a kept one is never stale (a renamed institution, a
    case's next version, another language: another key)."""
    return _written(empty.form())


#: Django's forms' label suffix, translated as they translate it (a name, not a literal, which
#: the catalogues would take for a text of Spona's)
_LABEL_SUFFIX = ":"


class _Unbound:
    """What ``_look`` reads of ``form_class(prefix=prefix)``, read without making the form:
    an unbound form's fields are its class's (``base_fields``, deep-copied, in their order), its
    ids' pattern, initial values and label suffix Django's defaults."""

    get_initial_for_field = forms.BaseForm.get_initial_for_field

    initial: Mapping[str, Any] = {}

    def __init__(self, form_class: type[forms.BaseForm], prefix: str | None, auto_id: str) -> None:
        self.auto_id = auto_id
        self.prefix = form_class.prefix if prefix is None else prefix
        self.use_required_attribute = form_class.use_required_attribute
        self.label_suffix = gettext(_LABEL_SUFFIX)

    def given(self, initial: Mapping[str, Any]) -> "_Unbound":
        """The same form with ``initial`` values (its label suffix not translated again)."""
        given = object.__new__(_Unbound)
        given.__dict__.update(self.__dict__, initial=initial)
        return given


def _unbound_look(
    form_class: type[forms.Form],
    prefix: str | None,
    auto_id: str = "id_%s",
    left: AbstractSet[str] = frozenset(),
    language: str | None = None,
) -> tuple[Any, ...]:
    """``_look_of`` the class's own fields unbound (``_Unbound``), the same tuple, with what
    cannot change in a process read once for each class, prefix, ids' pattern and language
    (``_Plan``): the fields are the class's, made once per process and never changed (the
    filters hold only what the code declares, ``spona.core.listing.ListFilters``), so only a
    field's choices read from the database (an iterator: the municipalities and institutions
    offered) and an initial value made by a function are read on every view. The fields
    named in ``left`` are ``None``, for the caller to look at (``_empty_look``, which has
    asked the ``language``)."""
    language = language or get_language()
    plan = _PLANS.get((form_class, prefix, auto_id, language))
    if plan is None:
        plan = _PLANS[form_class, prefix, auto_id, language] = _Plan(form_class, prefix, auto_id)
    return (
        *plan.head,
        tuple(
            [
                None
                if name in left
                else look
                if look is not None
                else _field_look(plan.unbound, name, field)
                if before is None
                else (*before, _choices_look(field.choices), *after)
                for name, field, look, before, after in plan.fields
            ]
        ),
    )


class _Plan:
    """What ``_unbound_look`` reads once of a form class's fields, for one prefix and
    language: the look's head, and per field its whole look when nothing in it can change,
    else the parts around its choices when only those can (``before`` and ``after``), else
    ``None`` for all three (an initial value a function makes: looked at every time)."""

    def __init__(self, form_class: type[forms.Form], prefix: str | None, auto_id: str) -> None:
        self.unbound = _Unbound(form_class, prefix, auto_id)
        self.head = _look_of(form_class, self.unbound, {})[:-1]
        self.fields = [self._parts(name, field) for name, field in form_class.base_fields.items()]

    def _parts(self, name: str, field: forms.Field) -> tuple[Any, ...]:
        if callable(field.initial):
            return (name, field, None, None, None)
        look = _field_look(self.unbound, name, field)
        if isinstance(getattr(field, "choices", ()), list | tuple):
            return (name, field, look, None, None)
        return (name, field, None, look[:_CHOICES], look[_CHOICES + 1 :])


#: (form class, prefix, ids' pattern, language) -> what its unbound look reads once
#: (``_unbound_look``, ``_empty_look``)
_PLANS: dict[tuple[type[forms.Form], str | None, str, str], _Plan] = {}


def _look(form: forms.BaseForm) -> tuple[Any, ...]:
    """All that an unbound form's fields show: its class, the language, its ids' pattern and
    prefix, and per field in order its kind, label, help text, whether it is required or
    disabled, its widget's kind and settings, its choices and its initial value."""
    return _look_of(type(form), form, form.fields)


def _look_of(
    kind: type[forms.BaseForm], form: Any, fields: Mapping[str, forms.Field]
) -> tuple[Any, ...]:
    return (
        f"{kind.__module__}.{kind.__qualname__}",
        get_language(),
        form.auto_id,
        form.prefix,
        form.label_suffix,
        form.use_required_attribute,
        tuple(_field_look(form, name, field) for name, field in fields.items()),
    )


#: a widget's settings that ``_field_look`` reads from the field itself (the choices, in full)
_CHOICES_AND_ATTRS = frozenset({"attrs", "choices", "_choices"})


def _field_look(form: Any, name: str, field: forms.Field) -> tuple[Any, ...]:
    widget = field.widget
    settings = vars(widget)
    choices = getattr(field, "choices", ())
    initial = form.get_initial_for_field(field, name)
    return (
        name,
        type(field).__qualname__,
        _text(field.label),
        _text(field.help_text),
        field.required,
        field.disabled,
        field.localize,
        field.show_hidden_initial,
        field.label_suffix,
        f"{type(widget).__module__}.{type(widget).__qualname__}",
        tuple(sorted((key, _text(value)) for key, value in widget.attrs.items())),
        tuple(sorted((k, repr(v)) for k, v in settings.items() if k not in _CHOICES_AND_ATTRS)),
        _choices_look(choices),
        type(initial).__qualname__,
        _text(getattr(initial, "pk", initial)),
    )


#: where a field's choices are in its look (``_field_look``)
_CHOICES = 12


def _choices_look(choices: Any) -> tuple[Any, ...]:
    # hundreds of options: a call only for a value that is not already a plain one
    return tuple(
        [
            (k if type(k) in _PLAIN else _text(k), v if type(v) in _PLAIN else _text(v))
            for k, v in choices
        ]
    )


_PLAIN = frozenset({str, int})

#: the kinds of Django's lazy translations of a fixed text (``gettext_lazy``, ``pgettext_lazy``;
#: made of a name, not a literal, which the catalogues would take for a text to translate)
_NO_TEXT = ""
_TRANSLATED = frozenset({type(gettext_lazy(_NO_TEXT)), type(pgettext_lazy(_NO_TEXT, _NO_TEXT))})


def _text(value: Any) -> Any:
    """A key's part as it is shown: an exact ``str`` or ``int`` as it is; a lazy translation
    of a fixed text as its kind and what it translates (the look holds the language, and a
    translation changes only with the catalogues: ``_forget_kept``), not translated for every
    look, about fifteen Python calls a label or help text; anything else (a safe string, a
    choice value, another lazy text) as its plain text and its kind, so that a safe label is
    never taken for an equal plain one."""
    kind = type(value)
    if kind in _PLAIN or value is None:
        return value
    if kind in _TRANSLATED and not value._kw:
        return (kind, value._args)
    return (kind.__qualname__, str.__str__(str(value)))


forget_when_catalogues_change(_kept.cache_clear)
forget_when_catalogues_change(_PLANS.clear)


def _written(form: Any) -> SafeString:
    parts: list[str] = []
    if errors := form.non_field_errors():
        paragraphs = format_html_join("", "<p>{}</p>", ((error,) for error in errors))
        parts.append(format_html('<div class="errors" role="alert">{}</div>', paragraphs))
    parts.extend(str(field) for field in form.hidden_fields())
    parts.extend(_field(field) for field in form.visible_fields())
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped by format_html
