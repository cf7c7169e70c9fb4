from django import forms


class VersionedForm(forms.ModelForm):
    """Carries the version the edit began from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)
