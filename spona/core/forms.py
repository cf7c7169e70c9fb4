from typing import Any

from django import forms
from django.db.models import QuerySet


class VersionedForm(forms.ModelForm[Any]):  # any versioned model
    """Carries the version the edit began from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in the form's model choice field ``name``."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset
