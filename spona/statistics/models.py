"""Reference datasets: public data from outside Spona (CTDC's case data), kept apart; and the
ledger of differentially private releases (``PrivacyRelease``: the epsilon each spent).

A reference record is never a Spona case: it lives in its own table, belongs to a labelled
dataset (source, licence, file hash) and is shown only beside Spona's own numbers, labelled.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: CTDC's columns in the victim–perpetrator file, in its order (the model's fields too).
CTDC_COLUMNS = (
    "yearRegister",
    "gender",
    "majorityStatus",
    "isForcedLabour",
    "isSexualExploit",
    "UN_COO_Region",
    "UN_COE_Region",
    "IP_Exploiter",
    "IP_Gender",
    "IP_ageBroad",
    "IP_citizen_UNRegion",
    "IP_Relation",
    "IP_PayMoney",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
)


class ReferenceDataset(models.Model):
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("terms of use"), max_length=300)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(_("records"))
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")

    def __str__(self) -> str:
        return self.title


class CtdcRecord(models.Model):
    """One row of a CTDC file, as published (blank: not recorded; ";" joins several values)."""

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="ctdc")
    row = models.PositiveIntegerField()  # the line's number in the file (header = 1)
    yearRegister = models.CharField(max_length=32, blank=True)  # noqa: N815 - CTDC's names
    gender = models.CharField(max_length=32, blank=True)
    majorityStatus = models.CharField(max_length=16, blank=True)  # noqa: N815
    isForcedLabour = models.CharField(max_length=1, blank=True)  # noqa: N815
    isSexualExploit = models.CharField(max_length=1, blank=True)  # noqa: N815
    UN_COO_Region = models.CharField(max_length=64, blank=True)
    UN_COE_Region = models.CharField(max_length=64, blank=True)
    IP_Exploiter = models.CharField(max_length=1, blank=True)
    IP_Gender = models.CharField(max_length=32, blank=True)
    IP_ageBroad = models.CharField(max_length=64, blank=True)
    IP_citizen_UNRegion = models.CharField(max_length=128, blank=True)
    IP_Relation = models.CharField(max_length=128, blank=True)
    IP_PayMoney = models.CharField(max_length=16, blank=True)
    IP_RecruiterBroker = models.CharField(max_length=1, blank=True)
    IP_TransactionProcess = models.CharField(max_length=1, blank=True)
    IP_ControlAbuseKidnap = models.CharField(max_length=1, blank=True)

    class Meta:
        ordering = ["dataset", "row"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "row"], name="ctdc_record_row"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.row}"


class Snapshot(models.Model):
    """One refresh of the summary counts (``services.summary_refresh``): the dashboards and
    the export read the newest instead of grouping every case on each request."""

    made_at = models.DateTimeField()
    cases = models.PositiveIntegerField()
    seconds = models.FloatField()  # how long the refresh took

    class Meta:
        get_latest_by = "pk"

    def __str__(self) -> str:
        return f"{self.made_at:%Y-%m-%d %H:%M} ({self.cases})"


class CaseCount(models.Model):
    """How many cases opened in a month or on a day (local time) have one value of one of the
    dashboard's case breakdowns (``dimension``: status, form, sex, age, citizenship): for the
    whole country (``national``, cases without a municipality included) per month and per
    day, for a municipality per month. A month's row (``whole_month``) has its first day."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="case_counts")
    national = models.BooleanField()
    municipality = models.ForeignKey(
        "institutions.Municipality", null=True, blank=True, on_delete=models.CASCADE
    )
    whole_month = models.BooleanField()
    day = models.DateField()
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=32)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "national", "municipality", "whole_month", "day"])
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.n}"


class HtcdsCount(models.Model):
    """How many victims' cases have one combination of the HTCDS export's columns (level 0,
    in the order of ``htcds.COLUMNS``): what the k-anonymity search starts from."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="htcds_counts")
    gender = models.CharField(max_length=32)
    age = models.CharField(max_length=16)
    citizenship = models.CharField(max_length=16)
    year = models.CharField(max_length=8)
    exploitation = models.CharField(max_length=200)
    control = models.CharField(max_length=200)
    n = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.gender}/{self.age}/{self.citizenship}/{self.year}: {self.n}"


class PrivacyRelease(models.Model):
    """One differentially private release: the privacy loss (epsilon) it spent of its
    dataset's yearly budget (``settings.DP_BUDGET``). Kept for ever: the budget's ledger."""

    dataset = models.CharField(_("dataset"), max_length=64)
    year = models.PositiveIntegerField(_("budget year"))
    epsilon = models.DecimalField(_("epsilon"), max_digits=9, decimal_places=4)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(max_length=16)
    released_at = models.DateTimeField(_("released at"), auto_now_add=True)
    cells = models.PositiveIntegerField(_("cells"))

    class Meta:
        ordering = ["-released_at", "-pk"]
        verbose_name = _("differentially private release")
        verbose_name_plural = _("differentially private releases")
        indexes = [models.Index(fields=["dataset", "year"], name="privacy_release_budget")]

    def __str__(self) -> str:
        return f"{self.dataset} {self.year} ε={self.epsilon}"
