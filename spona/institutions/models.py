"""Reference data (districts, municipalities) and the institutions that work in them."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spona.core.locking import VersionedModel
from spona.core.translit import to_latin


def localised(cyrillic: str, latin: str) -> str:
    """A name written in both scripts, in the active language's (Cyrillic for ``sr``)."""
    return cyrillic if get_language() == "sr" else latin


class District(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name_cyr = models.CharField(_("name (Cyrillic)"), max_length=100)
    name_lat = models.CharField(_("name (Latin)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return localised(self.name_cyr, self.name_lat)


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=5, unique=True)
    name_cyr = models.CharField(_("name (Cyrillic)"), max_length=100)
    name_lat = models.CharField(_("name (Latin)"), max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities")
    population_2011 = models.PositiveIntegerField(_("population 2011"), null=True)
    population_2022 = models.PositiveIntegerField(_("population 2022"), null=True)

    class Meta:
        ordering = ["name_lat"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return localised(self.name_cyr, self.name_lat)


class InstitutionType(models.TextChoices):
    SOCIAL_WELFARE = "social_welfare", _("Social welfare centre")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health institution")
    EMPLOYMENT = "employment", _("National Employment Service branch")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    COURT = "court", _("Court")
    NGO = "ngo", _("Non-governmental organisation")
    LOCAL_GOVERNMENT = "local_government", _("Local self-government")
    SERVICE_PROVIDER = "service_provider", _("Shelter or service provider")
    EMPLOYER = "employer", _("Employer")
    NATIONAL_CENTRE = "national_centre", _("Centre for Human Trafficking Victims Protection")


def name_shown(name: str, language: str | None = None) -> str:
    """An institution's name in the page's script: names are kept as written (Cyrillic, as the
    register has them) and shown in Latin on Latin and English pages (transliterated only
    then). ``language``: the current one, asked once by a caller that shows many names."""
    if language is None:
        language = get_language()
    return name if language == "sr" else to_latin(name)


class Institution(VersionedModel):
    """An institution of a municipality, or a national one (``municipality`` empty)."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=InstitutionType.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    duty_phone = models.CharField(_("duty phone"), max_length=40, blank=True)
    duty_email = models.EmailField(_("duty e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["municipality__name_lat", "type", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "type", "name"], name="unique_institution"
            )
        ]

    def __str__(self) -> str:
        return name_shown(self.name)
