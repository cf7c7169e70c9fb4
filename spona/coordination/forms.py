from django import forms
from django.utils.translation import gettext_lazy as _

from spona.coordination.models import MandateRole
from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.models import InstitutionType


class MandateForm(forms.Form):
    institution_type = forms.ChoiceField(
        label=_("Institution type"), choices=InstitutionType.choices
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=RESPONSE_PHASE_CHOICES)
    role = forms.ChoiceField(label=_("Role"), choices=MandateRole.choices)
    note = forms.CharField(label=_("What this means here"), max_length=300, required=False)
