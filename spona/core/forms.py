import copy
import dataclasses
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, pgettext_lazy

from spona.core.markup import escaped
from spona.core.translit import fold


class KeptWhenEmpty(forms.Form):
    """A form whose fields, unbound, show only the code's labels and reference data (statuses
    and kinds, names of institutions and municipalities, a record's version number), never a
    person's data: ``{% form_fields %}`` writes such a form's empty fields once per process for
    each different look (``spona.core.templatetags.spona_forms``). A form sent back, with what
    was typed and its errors, is written each time. Also a FilterSet's ``Meta.form``."""

    #: whether an unbound form's fields are the class's with ``field_settings`` set and
    #: nothing else per form (its ``__init__`` reads no user or record of its own): only
    #: then may a page pass it unmade (``EmptyForm``), its look known from its class
    known_unmade: ClassVar[bool] = False

    @classmethod
    def field_settings(cls, **options: Any) -> dict[str, dict[str, Any]]:
        """What the form's own keyword arguments (``options``) set on its fields, by field
        name and attribute: none here; a form that takes some says it once, for its
        ``__init__`` (``set_on_fields``) and for its look unmade (``EmptyForm``)."""
        return {}


def set_on_fields(fields: Mapping[str, forms.Field], settings: dict[str, dict[str, Any]]) -> None:
    """Set each of ``settings``' attributes on the field it names (``field_settings``)."""
    for name, values in settings.items():
        for attribute, value in values.items():
            setattr(fields[name], attribute, value)


@dataclasses.dataclass(frozen=True)
class EmptyForm:
    """An unbound ``KeptWhenEmpty`` form not made: what a page passes where it shows a form
    nobody has filled in. ``{% form_fields %}`` knows its look from its class, its ids'
    pattern, its initial values and its options (``field_settings``), and makes the form
    (``made``) only to write fields it has not written in that look before; making it on
    every view deep-copied every field (a few hundred Python calls a form)."""

    form_class: type[KeptWhenEmpty]
    auto_id: str = "id_%s"
    initial: dict[str, Any] = dataclasses.field(default_factory=dict)
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.form_class.known_unmade:
            raise TypeError(
                f"{self.form_class.__name__} does not say its unbound look is its class's "
                "(known_unmade): make the form"
            )

    def made(self) -> KeptWhenEmpty:
        return self.form_class(auto_id=self.auto_id, initial=self.initial, **self.options)


class VersionedForm(forms.ModelForm[Any]):  # any versioned model
    """Carries the version the edit began from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class _QuicklyCopied(dict[str, forms.Field]):
    """A form class's fields (``quickly_copied``), copied for each form as ``copy.deepcopy``
    copies them, without its generic machinery for each field and widget (``_copy_field``)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: _copy_field(field, memo) for name, field in self.items()}


def quickly_copied[F: type[forms.BaseForm]](form_class: F) -> F:
    """Decorate a form class whose forms are built on pages asked often: Django deep-copies a
    form's fields at every construction (``BaseForm.__init__``), about a hundred Python calls a
    field (``copy.copy`` of each field and widget by pickling's protocol); this makes the same
    copies for a few calls each. Not inherited: a subclass's fields are its own."""
    form_class.base_fields = _QuicklyCopied(form_class.base_fields)  # type: ignore[attr-defined]
    return form_class


@lru_cache(maxsize=128)
def _copier(kind: Any) -> Any:
    """The ``__deepcopy__`` of Django's own that ``kind`` uses, if ``copy.copy`` makes of its
    objects a new one of the class with the same attributes (no ``__copy__``, pickling or
    ``__new__`` of its own, no slots); ``None`` otherwise."""
    plain = (
        getattr(kind, "__copy__", None) is None
        and kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
        and kind.__getstate__ is object.__getstate__
        and not hasattr(kind, "__setstate__")
        and kind.__new__ is object.__new__
        and not any("__slots__" in vars(base) for base in kind.__mro__)
    )
    copier = getattr(kind, "__deepcopy__", None)
    return copier if plain and copier in _DJANGO_COPIERS else None


_DJANGO_COPIERS = frozenset(
    {
        forms.Field.__deepcopy__,
        forms.ChoiceField.__deepcopy__,
        forms.ModelChoiceField.__deepcopy__,
        forms.Widget.__deepcopy__,
        forms.widgets.ChoiceWidget.__deepcopy__,
    }
)


def _shallow[T](obj: T) -> T:
    """What ``copy.copy`` makes of an object of a class ``_copier`` accepts."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def copied_field[F: forms.Field](field: F) -> F:
    """A form's own copy of a form class's ``field``, as Django makes it for each form."""
    return _copy_field(field, {})  # type: ignore[no-any-return]


def _copy_field(field: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(field, memo)``: what Django's ``__deepcopy__`` of fields makes (a
    shallow copy with its own widget, error messages and validators; a choice field's choices
    deep-copied; a model choice field's queryset cloned), written out for Django's own."""
    if id(field) in memo:
        return memo[id(field)]
    kind: Any = type(field)
    copier = _copier(kind)
    if copier is None or copier not in _FIELD_COPIERS:
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    result.widget = _copy_widget(field.widget, memo)
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if copier is forms.ChoiceField.__deepcopy__:
        result._choices = _copy_choices(field._choices, memo)
    elif copier is forms.ModelChoiceField.__deepcopy__ and field.queryset is not None:
        result.queryset = field.queryset.all()
    return result


def _copy_choices(choices: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(choices, memo)``: of a list of tuples of plain values and lazy
    translations, which deep-copy to themselves, a new list of the same tuples."""
    if id(choices) in memo:
        return memo[id(choices)]
    if (
        type(choices) is list
        and {type(pair) for pair in choices} <= {tuple}
        and {type(value) for pair in choices for value in pair} <= _ITSELF_COPIED
    ):
        memo[id(choices)] = copied = list(choices)
        return copied
    return copy.deepcopy(choices, memo)


#: what ``copy.deepcopy`` gives back as it is (Django's lazy translations of a fixed text too;
#: made of a name, not a literal, which the catalogues would take for a text to translate)
_NO_TEXT = ""
_ITSELF_COPIED = frozenset(
    {
        str,
        int,
        bool,
        type(None),
        type(gettext_lazy(_NO_TEXT)),
        type(pgettext_lazy(_NO_TEXT, _NO_TEXT)),
    }
)


_FIELD_COPIERS = frozenset(
    {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__, forms.ModelChoiceField.__deepcopy__}
)


def _copy_widget(widget: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(widget, memo)``, as Django's widgets' ``__deepcopy__`` make it."""
    if id(widget) in memo:
        return memo[id(widget)]
    kind: Any = type(widget)
    copier = _copier(kind)
    if copier is None or copier in _FIELD_COPIERS:
        return copy.deepcopy(widget, memo)
    obj = _shallow(widget)
    obj.attrs = widget.attrs.copy()
    if copier is forms.widgets.ChoiceWidget.__deepcopy__:
        obj.choices = copy.copy(widget.choices)
    memo[id(widget)] = obj
    return obj


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in the form's model choice field ``name``."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


class ManyOptionsSelect(forms.Select):
    """Django's select for hundreds of options (institutions, municipalities): written out in
    Python, each list of options once per process (``_options``) instead of one template per
    option on every page (most of a list page's rendering); the same markup, without option
    groups. The labels are plain text (names), escaped here."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # plain strings (a SafeString label is escaped too): the cache must not hand a safe
        # label's markup to an equal plain one
        choices = tuple((_plain(key), _plain(label)) for key, label in self.choices)
        keys, options = _options(choices)
        chosen = [keys.index(key) for key in self.format_value(value) if key in keys]
        if chosen:  # the first of them in the list, as Django's select marks it
            first = min(chosen)
            selected = format_html('<option value="{}" selected>{}</option>', *choices[first])
            options = (*options[:first], selected, *options[first + 1 :])
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(final),
            mark_safe("\n".join(options)),  # noqa: S308 - each option escaped by format_html
        )


def _plain(value: Any) -> str:
    """``value`` as an exact ``str``, never a ``SafeString`` (which ``str()`` keeps)."""
    return str.__str__(str(value))


@lru_cache(maxsize=64)
def _options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys and the ``<option>`` of each (key, label), none selected."""
    options = tuple(format_html('<option value="{}">{}</option>', k, v) for k, v in choices)
    return tuple(key for key, _label in choices), options


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: ` name="value"` each, ` name` for true, nothing for false."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


#: Django's widget templates that are its ``input.html`` and nothing else
_INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in [
        "date", "datetime", "email", "hidden", "input", "number", "password", "search", "tel",
        "text", "time", "url",
    ]
)  # fmt: skip


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with the label and the plain input and text area written out
    in Python, the same markup as Django's templates (which render everything else): on the
    forms of the pages asked most (the case page, the lists' filters) these few templates,
    rendered once per field, were most of the forms' cost."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == "django/forms/label.html":
            label = escaped(context["label"])
            if not context["use_tag"]:
                return label.strip()
            tag = escaped(context["tag"])
            return f"<{tag}{_attributes(context['attrs'])}>{label}</{tag}>".strip()
        widget = context.get("widget")
        if template_name in _INPUTS and widget is not None:
            value = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
            return (
                f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"'
                f"{value}{_attributes(widget['attrs'])}>"
            )
        if template_name == "django/forms/widgets/textarea.html" and widget is not None:
            text = escaped(widget["value"]) if widget["value"] else ""
            return (
                f'<textarea name="{escaped(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                f"{text}</textarea>"
            )
        return str(super().render(template_name, context, request))


class DatalistInput(forms.TextInput):
    """A text box offering the choices as a ``<datalist>``: type a few letters, pick one. No
    script: the browser filters the list. ``options`` are plain text."""

    template_name = "core/datalist_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.options: list[str] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-choices"
        widget["attrs"]["list"] = widget["list_id"]
        widget["options"] = _datalist_options(tuple(_plain(o) for o in self.options))
        return context


@lru_cache(maxsize=16)
def _datalist_options(options: tuple[str, ...]) -> SafeString:
    """The ``<option>``s of a datalist, written once per process for each list (the 161
    municipalities of every signal and provider form) instead of by a template loop."""
    return format_html_join("", '<option value="{}"></option>', ((o,) for o in options))


class TypeableModelChoiceField(forms.ModelChoiceField[Any]):
    """A choice among many (the 161 municipalities) that can be typed into: the name in either
    script, any case and without diacritics ("cacak" is Čačak, Чачак); a choice's id (what
    a select sent) is still accepted. ``labels`` ((key, label) in the order offered; by
    default read from the queryset) name the choices; the queryset decides what is accepted,
    read through the ORM or by ``read`` (the row of a key among the queryset's, ``None`` if
    none: a prepared query of the same rows, not a query compiled on every post)."""

    widget = DatalistInput

    def __init__(
        self,
        *args: Any,
        labels: list[tuple[Any, str]] | None = None,
        read: Callable[[int], Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._labels = labels
        self._read = read

    def labels(self) -> list[tuple[Any, str]]:
        if self._labels is None:
            assert self.queryset is not None  # noqa: S101 - given at construction
            self._labels = [(obj.pk, str(obj)) for obj in self.queryset]
        return self._labels

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return str(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdecimal()):
            return dict(self.labels()).get(int(value), value)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isdecimal():
            key = _folded_keys(tuple(self.labels())).get(fold(text))
            if key is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            text = str(key)
        if self._read is None:
            return super().to_python(text)
        return self._read_key(text, self._read)

    def _read_key(self, text: str, read: Callable[[int], Any]) -> Any:
        """The row of the key ``text`` (decimal digits) by ``read``, refused as the ORM's
        read refuses a key that is no row's (a number past the 64-bit keys too)."""
        key = int(text)
        found = read(key) if -(2**63) <= key < 2**63 else None
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text},
            )
        return found


@lru_cache(maxsize=16)
def _folded_keys(labels: tuple[tuple[Any, str], ...]) -> dict[str, Any]:
    """Each choice's key by its folded label, once per process for each list of choices
    (the 161 municipalities of every signal posted), not on every post."""
    return {fold(label): key for key, label in labels}


def typeable(
    form: forms.BaseForm,
    name: str,
    labels: list[tuple[Any, str]] | None = None,
    read: Callable[[int], Any] | None = None,
) -> None:
    """Make the form's model choice field ``name`` one that can be typed into, keeping its
    choices (in their order, or named and ordered by ``labels``), label, help text and whether
    it is required; ``read``: as ``TypeableModelChoiceField``'s."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    queryset = field.queryset
    assert queryset is not None  # noqa: S101
    typed = TypeableModelChoiceField(
        queryset,
        labels=labels,
        read=read,
        label=field.label,
        help_text=field.help_text,
        required=field.required,
        initial=field.initial,
    )
    assert isinstance(typed.widget, DatalistInput)  # noqa: S101
    typed.widget.options = [label for _key, label in typed.labels()]
    form.fields[name] = typed
