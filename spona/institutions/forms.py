from spona.accounts.forms import VersionedForm
from spona.institutions.models import Institution


class InstitutionForm(VersionedForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "type",
            "municipality",
            "address",
            "duty_phone",
            "duty_email",
            "is_active",
        ]
