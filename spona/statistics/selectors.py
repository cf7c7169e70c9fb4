"""Reads of the statistics app: its own tables (the reference datasets), and the HTCDS
release of the cases."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.policy import require
from spona.statistics import privacy
from spona.statistics.access import HTCDS_EXPORT
from spona.statistics.anonymity import Release
from spona.statistics.export import release
from spona.statistics.models import CTDC_COLUMNS, CtdcRecord, PrivacyRelease, ReferenceDataset
from spona.statistics.services import privacy_budget, privacy_spent
from spona.statistics.summary import export_counts


def ctdc_latest() -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(ctdc__isnull=False).distinct().first()


def ctdc_totals(dataset: ReferenceDataset, column: str) -> Counter[str]:
    """How many records of the dataset have each value of ``column`` (as published)."""
    if column not in CTDC_COLUMNS:
        raise ValueError(f"not a CTDC column: {column}")
    grouped = (
        CtdcRecord.objects.filter(dataset=dataset).values(column).annotate(n=Count("pk")).order_by()
    )
    return Counter({row[column]: row["n"] for row in grouped})


@dataclass(frozen=True)
class ReferenceShare:
    label: str
    share: float | None  # percent of the records where the attribute is recorded


@dataclass(frozen=True)
class ReferenceSummary:
    dataset: ReferenceDataset
    shares: list[ReferenceShare]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def ctdc_summary() -> ReferenceSummary | None:
    """A few global shares from the latest CTDC dataset, to set beside Spona's own."""
    dataset = ctdc_latest()
    if dataset is None:
        return None
    gender = ctdc_totals(dataset, "gender")
    majority = ctdc_totals(dataset, "majorityStatus")
    labour = ctdc_totals(dataset, "isForcedLabour")["1"]
    sexual = ctdc_totals(dataset, "isSexualExploit")["1"]
    recorded_gender = sum(n for value, n in gender.items() if value)
    recorded_age = sum(n for value, n in majority.items() if value)
    return ReferenceSummary(
        dataset,
        [
            ReferenceShare(_("Women and girls"), _percent(gender["Female"], recorded_gender)),
            ReferenceShare(_("Children"), _percent(majority["Minor"], recorded_age)),
            ReferenceShare(_("Sexual exploitation"), _percent(sexual, dataset.rows)),
            ReferenceShare(_("Forced labour"), _percent(labour, dataset.rows)),
        ],
    )


def htcds_release(*, user: User) -> Release:
    """The k-anonymous HTCDS release of all cases (``export``; as of the newest summary
    snapshot), its report audited."""
    require(user, HTCDS_EXPORT)
    counts, as_of = export_counts()
    result = release(counts)
    report = {**result.report(), "counted_at": as_of.isoformat() if as_of else None}
    audit(AuditAction.EXPORT, details={"htcds_export": report}, user=user)
    return result


@dataclass(frozen=True)
class PrivacyBudget:
    dataset: str
    year: int
    budget: Decimal
    spent: Decimal
    releases: list[PrivacyRelease]

    @property
    def left(self) -> Decimal:
        return max(self.budget - self.spent, Decimal(0))


def privacy_budget_state(*, user: User) -> PrivacyBudget:
    """This year's privacy budget of the cases' dataset: what its releases spent, and them."""
    require(user, HTCDS_EXPORT)
    year = timezone.localdate().year
    return PrivacyBudget(
        dataset=privacy.DATASET,
        year=year,
        budget=privacy_budget(),
        spent=privacy_spent(privacy.DATASET, year),
        releases=list(
            PrivacyRelease.objects.filter(dataset=privacy.DATASET, year=year).select_related(
                "released_by"
            )
        ),
    )
