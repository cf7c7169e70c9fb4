from spona.core.forms import VersionedForm
from spona.institutions.models import Institution
from spona.institutions.services import INSTITUTION_FIELDS


class InstitutionForm(VersionedForm):
    class Meta:
        model = Institution
        fields = INSTITUTION_FIELDS
