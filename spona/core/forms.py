from typing import Any

from django import forms


class VersionedForm(forms.ModelForm[Any]):  # any versioned model
    """Carries the version the edit began from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)
