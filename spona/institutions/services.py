"""Writes: reference data loading and institution management."""

import csv
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.locking import save_versioned
from spona.institutions.models import District, Institution, Municipality

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTITUTION_FIELDS = [
    "name",
    "type",
    "municipality",
    "address",
    "duty_phone",
    "duty_email",
    "is_active",
]


@transaction.atomic
def reference_data_load() -> int:
    """Load (or refresh) all districts and municipalities; returns the municipality count."""
    districts = json.loads((DATA_DIR / "sifarnik-okruga.json").read_text(encoding="utf-8"))
    by_code = {}
    for row in districts:
        district, _ = District.objects.update_or_create(
            code=str(row["OkrugSifra"]).zfill(2),
            defaults={"name_cyr": row["OkrugNazivCir"], "name_lat": row["OkrugNazivLat"]},
        )
        by_code[district.code] = district
    path = DATA_DIR / "serbia_municipalities_crosswalk_derived.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        Municipality.objects.update_or_create(
            code=row["opstina_sifra"],
            defaults={
                "name_cyr": row["naziv_cir"],
                "name_lat": row["naziv_lat"],
                "district": by_code[row["okrug_sifra"].zfill(2)],
                "population_2011": int(row["pop2011"]),
                "population_2022": int(row["pop2022"]),
            },
        )
    audit(AuditAction.UPDATE, details={"reference_data": "municipalities", "rows": len(rows)})
    return len(rows)


@transaction.atomic
def institution_ensure(
    *, municipality: Municipality | None, type: str, name: str, **defaults: Any
) -> Institution:
    """The institution of this name and type in this municipality, created if it is new."""
    institution, created = Institution.objects.get_or_create(
        municipality=municipality, type=type, name=name, defaults=defaults
    )
    if created:
        audit(AuditAction.CREATE, institution)
    return institution


@transaction.atomic
def institution_create(**fields: Any) -> Institution:
    institution = Institution.objects.create(**fields)
    audit(AuditAction.CREATE, institution)
    return institution


@transaction.atomic
def institution_update(
    institution: Institution, *, expected_version: int, changed: list[str]
) -> Institution:
    """Save the changed fields of ``institution`` unless someone saved it meanwhile."""
    save_versioned(institution, expected_version=expected_version, fields=INSTITUTION_FIELDS)
    audit(AuditAction.UPDATE, institution, details={"fields": changed})
    return institution
