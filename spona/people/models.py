"""A person known to Spona: a (presumed) victim or a person at risk.

Identifying fields are encrypted at rest. Names are kept in the script they were given
in; a blind index of the folded full name (Cyrillic and Latin fold alike) allows an
exact-match search without decrypting anything.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.codes import new_code
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.institutions.models import Institution, Municipality


def new_person_code() -> str:
    return new_code("P")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Person(VersionedModel):
    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_person_code, editable=False
    )
    given_name = EncryptedTextField(_("given name"), blank=True)
    family_name = EncryptedTextField(_("family name"), blank=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(_("citizenship"), max_length=64, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    settlement = EncryptedTextField(_("settlement"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    registered_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.code

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
