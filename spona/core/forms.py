import html
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from spona.core.translit import fold


class VersionedForm(forms.ModelForm[Any]):  # any versioned model
    """Carries the version the edit began from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in the form's model choice field ``name``."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


def _escaped(value: Any) -> str:
    """``conditional_escape`` without its wrappers: a safe string as it is, anything else
    escaped (called once per option of a select)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


class ManyOptionsSelect(forms.Select):
    """Django's select written out in Python, one string per option instead of one template
    per option: for hundreds of options (institutions, municipalities: most of a list page's
    rendering) and for the selects of a page asked often (the case page's forms); the same
    markup, without option groups."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        wanted = set(self.format_value(value))
        options = []
        for key, label in self.choices:
            text = str(key)
            selected = text in wanted
            if selected:
                wanted = set()  # one option selected, as Django's select
            options.append(
                f'<option value="{_escaped(text)}"{" selected" if selected else ""}>'
                f"{_escaped(label)}</option>"
            )
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(final),
            mark_safe("\n".join(options)),  # noqa: S308 - each value and label escaped above
        )


class DatalistInput(forms.TextInput):
    """A text box offering the choices as a ``<datalist>``: type a few letters, pick one. No
    script: the browser filters the list."""

    template_name = "core/datalist_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.options: list[str] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-choices"
        widget["attrs"]["list"] = widget["list_id"]
        widget["options"] = self.options
        return context


class TypeableModelChoiceField(forms.ModelChoiceField[Any]):
    """A choice among many (the 161 municipalities) that can be typed into: the name in either
    script, any case and without diacritics ("cacak" is Čačak, Чачак); a choice's id (what
    a select sent) is still accepted. ``labels`` ((key, label) in the order offered; by
    default read from the queryset) name the choices; the queryset decides what is accepted."""

    widget = DatalistInput

    def __init__(self, *args: Any, labels: list[tuple[Any, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._labels = labels

    def labels(self) -> list[tuple[Any, str]]:
        if self._labels is None:
            assert self.queryset is not None  # noqa: S101 - given at construction
            self._labels = [(obj.pk, str(obj)) for obj in self.queryset]
        return self._labels

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return str(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return dict(self.labels()).get(int(value), value)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isdigit():
            key = {fold(label): key for key, label in self.labels()}.get(fold(text))
            if key is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            text = str(key)
        return super().to_python(text)


def typeable(form: forms.BaseForm, name: str, labels: list[tuple[Any, str]] | None = None) -> None:
    """Make the form's model choice field ``name`` one that can be typed into, keeping its
    choices (in their order, or named and ordered by ``labels``), label, help text and whether
    it is required."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    queryset = field.queryset
    assert queryset is not None  # noqa: S101
    typed = TypeableModelChoiceField(
        queryset,
        labels=labels,
        label=field.label,
        help_text=field.help_text,
        required=field.required,
        initial=field.initial,
    )
    assert isinstance(typed.widget, DatalistInput)  # noqa: S101
    typed.widget.options = [label for _key, label in typed.labels()]
    form.fields[name] = typed
