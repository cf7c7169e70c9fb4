"""A person known to Spona: a (presumed) victim or a person at risk.

Identifying fields are encrypted at rest. Names are kept in the script they were given
in; a blind index of the folded full name (Cyrillic and Latin fold alike) allows an
exact-match search without decrypting anything, and hashed blocking keys
(``PersonMatchKey``) find likely duplicates the same way (``spona.people.duplicates``).
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
    #: the address of residence (adresa prebivališta or boravišta): street and house number
    address = EncryptedTextField(_("address"), blank=True)
    #: optional (foreigners, people without documents); validated by ``spona.people.jmbg``
    jmbg = EncryptedTextField(_("JMBG"), blank=True)
    jmbg_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    #: the JMBG disagrees with the recorded date of birth or sex, and the person's own
    #: documents say so: kept, shown as a warning
    jmbg_as_documented = models.BooleanField(_("the person's own documents say so"), default=False)
    parent_name = EncryptedTextField(_("a parent's name"), blank=True)
    parent_name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_surname = EncryptedTextField(_("birth surname"), blank=True)
    previous_surnames = EncryptedTextField(_("previous surnames"), blank=True)
    other_names = EncryptedTextField(_("other names used"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    registered_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: set when this record was found to be a duplicate and merged: the row stays (its
    #: history is kept), but the person is seen only as the one it was merged into
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.code

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def former_surnames(self) -> list[str]:
        """The birth surname and any previous surnames (a married name replaced one)."""
        return _listed(f"{self.birth_surname or ''},{self.previous_surnames or ''}")

    @property
    def aliases(self) -> list[str]:
        """Other names used, one per comma."""
        return _listed(self.other_names or "")

    @property
    def name_variants(self) -> list[str]:
        """Every full name the person is or was known by: the name, the given name with
        each former surname, and each other name used (for exact search)."""
        given = (self.given_name or "").strip()
        variants = [self.full_name]
        variants += [f"{given} {surname}".strip() for surname in self.former_surnames]
        return [v for v in dict.fromkeys([*variants, *self.aliases]) if v]


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("Identity card")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    ASYLUM = "asylum", _("Asylum seeker's or refugee's card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    OTHER = "other", _("Other document")


class IdentityDocument(models.Model):
    """An identity document of a person: its number encrypted, with a blind index of the
    number folded (either script, without spaces or dashes) for exact search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    number = EncryptedTextField(_("document number"))
    number_index = models.CharField(max_length=64, db_index=True, editable=False)
    country = models.CharField(_("issuing country"), max_length=64, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind}"


class PersonNameIndex(models.Model):
    """A blind index of one more name a person is known by (a former surname with the
    given name, another name used), so an exact search finds them by it."""

    pk = models.CompositePrimaryKey("index", "person")
    index = models.CharField(max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.index}"


class PersonMatchKey(models.Model):
    """One blocking key of a person (``spona.people.matching.blocking_keys``), stored only
    as a keyed hash: persons sharing a key are compared, no name leaves encryption.

    The hash is 64 bits (a ``bigint``, not 64 hex characters): the key's kind in the top
    four, 60 bits of an HMAC below (``duplicates.hash_key``: the batch scan blocks by
    kind on this table alone). A million persons have about 25 million keys, and the
    table and its index stay a third of the size. A collision only adds one person to compare. The primary key is (key, person),
    so a look-up by key reads the index alone.
    """

    pk = models.CompositePrimaryKey("key", "person")
    key = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.key}"


class Resolution(models.TextChoices):
    MERGED = "merged", _("merged")
    NOT_DUPLICATE = "not_duplicate", _("not the same person")


class FoundBy(models.TextChoices):
    REGISTRATION = "registration", _("registration check")
    SCAN = "scan", _("scan of all persons")


class DuplicateSuspicion(models.Model):
    """Two stored persons look like one: a suggestion in the duplicate review queue.

    Raised at registration or an edit (``spona.people.services.duplicate_check``) or by
    the scan of everyone stored (``spona.people.scan``); resolved by merging the two
    records (confirmed) or by deciding they are different people (rejected). One row per
    pair, whichever way round: a rejected pair is never suggested again, and a re-scan
    finds an open one already there.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="duplicate_suspicions"
    )
    match = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("likelihood"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_by = models.CharField(
        _("found by"), max_length=16, choices=FoundBy.choices, default=FoundBy.REGISTRATION
    )
    #: what speaks for the match (``matching.explain``'s codes; the selectors word them)
    reasons = models.JSONField(default=list, blank=True)
    #: the scan's cluster of persons linked by likely matches: its smallest person id
    cluster = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "match"], name="duplicate_suspicion_pair")
        ]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.match_id}"
