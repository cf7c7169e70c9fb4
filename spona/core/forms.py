from typing import Any

from django import forms
from django.db.models import QuerySet

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
    a select sent) is still accepted."""

    widget = DatalistInput

    def _choices(self) -> QuerySet[Any]:
        assert self.queryset is not None  # noqa: S101 - given at construction
        return self.queryset

    def _names(self) -> dict[str, Any]:
        return {fold(str(obj)): obj for obj in self._choices()}

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return str(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = self._choices().filter(pk=value).first()
            return str(found) if found is not None else value
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit():
            return super().to_python(text)
        found = self._names().get(fold(text))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found


def typeable(form: forms.BaseForm, name: str) -> None:
    """Make the form's model choice field ``name`` one that can be typed into, keeping its
    choices (in their order), label, help text and whether it is required."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    queryset = field.queryset
    assert queryset is not None  # noqa: S101
    typed = TypeableModelChoiceField(
        queryset,
        label=field.label,
        help_text=field.help_text,
        required=field.required,
        initial=field.initial,
    )
    assert isinstance(typed.widget, DatalistInput)  # noqa: S101
    typed.widget.options = [str(obj) for obj in queryset]
    form.fields[name] = typed
