"""The directory in Open Referral's Human Services Data Specification (HSDS 3.0).

Export: one JSON document ``{"hsds_version": "3.0", "organizations": [...], "services":
[...]}``; each organization is an HSDS ``organization`` (with its location, address, phone and
contact), each service an HSDS ``service`` (with its languages, contact, phone and
``service_at_locations``); both validate against the schemas in ``hsds/schema`` (CC BY-SA 4.0,
see ``hsds/README.md``). What HSDS has no field for travels as HSDS ``attributes`` with a Spona
taxonomy: the institution type, the service's domain, capacity and free places. Identifiers
are the providers' and services' UUIDs; nested objects get UUIDs derived from them, so two
exports of the same directory are equal.

Import: the same document (from Spona or another directory using the same attributes; an
organization without a type attribute comes in as a service provider, a service without a
domain as "community"). The file is checked (size, UTF-8 JSON by content), every object is
validated against the schema, then every row is checked; any error refuses the whole file and
lists the rows at fault. Nothing is written unless everything can be.
"""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import transaction
from django.utils.translation import gettext as _
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import institution_ensure
from spona.policy import require, visible
from spona.providers.access import DIRECTORY_VIEW, HSDS_IMPORT
from spona.providers.models import Domain, Provider, Service

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds" / "schema"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
HSDS_VERSION = "3.0"
MAX_BYTES = 2 * 1024 * 1024
#: the namespace of the UUIDs of nested objects (uuid5 of the owner's UUID and a name)
NAMESPACE = uuid.UUID("6f1f3c1e-7d1a-4b8a-9a55-5b0f6d3c0a15")
TAXONOMY = "spona"
TYPE, DOMAIN, CAPACITY, FREE_PLACES = (
    "institution_type",
    "domain",
    "capacity",
    "free_places",
)


class HsdsError(Exception):
    """The file cannot be imported; ``errors`` lists why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@cache
def validator(name: str, schema_dir: Path = SCHEMA_DIR) -> jsonschema.Draft202012Validator:
    """A validator for one HSDS object (``organization``, ``service``) with its references."""
    resources = [
        (
            SCHEMA_BASE + path.name,
            DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8"))),
        )
        for path in schema_dir.glob("*.json")
        if path.name != "openapi.json"
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = {"$ref": SCHEMA_BASE + f"{name}.json"}
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _id(owner: uuid.UUID, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{owner}/{name}"))


def _attribute(owner: uuid.UUID, entity: str, code: str, value: str, label: str) -> dict[str, Any]:
    term_id = str(uuid.uuid5(NAMESPACE, f"{TAXONOMY}/{code}"))
    return {
        "id": _id(owner, f"attribute/{code}"),
        "link_id": str(owner),
        "link_type": code,
        "link_entity": entity,
        "taxonomy_term_id": term_id,
        "value": value,
        "taxonomy_term": {
            "id": term_id,
            "code": code,
            "name": code,
            "description": label,
            "taxonomy": TAXONOMY,
        },
    }


def _location(
    owner: uuid.UUID, key: str, address: str, municipality: Municipality | None
) -> dict[str, Any]:
    location_id = _id(owner, f"location/{key}")
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": str(owner),
        "name": str(municipality.name_lat) if municipality else "",
    }
    if municipality is not None:
        location["external_identifier"] = municipality.code
        location["external_identifier_type"] = "RZS municipality code"
    if municipality is not None or address:
        location["addresses"] = [
            {
                "id": _id(owner, f"address/{key}"),
                "location_id": location_id,
                "address_1": address,
                "city": municipality.name_lat if municipality else "",
                "region": municipality.district.name_lat if municipality else "",
                "state_province": municipality.district.name_lat if municipality else "",
                "postal_code": "",
                "country": "RS",
                "address_type": "physical",
            }
        ]
    return location


def _organization(provider: Provider) -> dict[str, Any]:
    institution = provider.institution
    owner = provider.hsds_id
    organization: dict[str, Any] = {
        "id": str(owner),
        "name": institution.name,
        "description": provider.description,
        "attributes": [
            _attribute(owner, "organization", TYPE, institution.type, "Spona institution type")
        ],
        "locations": [_location(owner, "seat", institution.address, institution.municipality)],
    }
    if institution.duty_email:
        organization["email"] = institution.duty_email
    if provider.website:
        organization["website"] = provider.website
    if institution.duty_phone:
        organization["phones"] = [
            {
                "id": _id(owner, "phone/duty"),
                "organization_id": str(owner),
                "number": institution.duty_phone,
                "type": "voice",
                "description": "duty line",
            }
        ]
    return organization


def _service(service: Service) -> dict[str, Any]:
    owner, org = service.hsds_id, service.provider.hsds_id
    record: dict[str, Any] = {
        "id": str(owner),
        "organization_id": str(org),
        "name": service.name,
        "description": service.description,
        "status": "active" if service.is_active else "inactive",
        "eligibility_description": service.eligibility,
        "languages": [
            {"id": _id(owner, f"language/{code}"), "service_id": str(owner), "code": code}
            for code in service.language_codes
        ],
        "attributes": [_attribute(owner, "service", DOMAIN, service.domain, "Spona domain")],
    }
    for code, value in [(CAPACITY, service.capacity), (FREE_PLACES, service.free_places)]:
        if value is not None:
            record["attributes"].append(_attribute(owner, "service", code, str(value), code))
    if service.contact_name or service.contact_email or service.contact_phone:
        contact: dict[str, Any] = {"id": _id(owner, "contact"), "service_id": str(owner)}
        if service.contact_name:
            contact["name"] = service.contact_name
        if service.contact_email:
            contact["email"] = service.contact_email
        if service.contact_phone:
            contact["phones"] = [
                {"id": _id(owner, "contact/phone"), "number": service.contact_phone}
            ]
        record["contacts"] = [contact]
    if service.address or service.municipality_id:
        location = _location(owner, "service", service.address, service.municipality)
        location["organization_id"] = str(org)
    else:
        location = {"id": _id(org, "location/seat"), "location_type": "physical"}
    record["service_at_locations"] = [
        {
            "id": _id(owner, "service_at_location"),
            "service_id": str(owner),
            "location_id": location["id"],
            "location": location,
        }
    ]
    return record


def export_document(*, user: User | None, providers: Any = None) -> dict[str, Any]:
    """The whole directory (or ``providers``) as one HSDS document."""
    if user is not None:
        require(user, DIRECTORY_VIEW)
        base = visible(user, Provider)
    else:  # the command line: the operator
        base = Provider.objects.all()
    providers = (providers if providers is not None else base).select_related(
        "institution__municipality__district"
    )
    services = Service.objects.filter(provider__in=providers).select_related(
        "provider", "municipality__district"
    )
    document = {
        "hsds_version": HSDS_VERSION,
        "organizations": [_organization(p) for p in providers.order_by("hsds_id")],
        "services": [_service(s) for s in services.order_by("hsds_id")],
    }
    audit(
        AuditAction.EXPORT,
        user=user,
        details={
            "hsds": len(document["organizations"]),
            "services": len(document["services"]),
        },
    )
    return document


def schema_errors(document: Any, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Every place where ``document`` breaks the HSDS schemas (empty: it validates)."""
    if not isinstance(document, dict):
        return [_("The file is not an HSDS document (a JSON object).")]
    errors = []
    for key, name in [("organizations", "organization"), ("services", "service")]:
        rows = document.get(key, [])
        if not isinstance(rows, list):
            errors.append(_("%(key)s: a list is expected.") % {"key": key})
            continue
        check = validator(name, schema_dir)
        for n, row in enumerate(rows, start=1):
            for error in sorted(check.iter_errors(row), key=lambda e: list(e.absolute_path)):
                where = "/".join(str(p) for p in error.absolute_path)
                errors.append(f"{key} {n}{' ' + where if where else ''}: {error.message}")
    return errors


def read_upload(content: bytes) -> Any:
    """The JSON document in an uploaded file: refused if too large or not UTF-8 JSON."""
    if len(content) > MAX_BYTES:
        raise HsdsError([_("The file is larger than 2 MB.")])
    if not content.lstrip().startswith((b"{", b"\xef\xbb\xbf{")):
        raise HsdsError([_("The file is not a JSON document.")])
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise HsdsError([_("The file is not a JSON document.")]) from error


@dataclass(frozen=True)
class _Org:
    row: int
    id: uuid.UUID
    name: str
    type: str
    description: str
    website: str
    email: str
    phone: str
    address: str
    municipality: Municipality | None


def _attributes(record: dict[str, Any]) -> dict[str, str]:
    found = {}
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == TAXONOMY and "value" in attribute:
            found[str(term.get("code") or term.get("name"))] = str(attribute["value"])
    return found


def _municipality_of(
    location: dict[str, Any], errors: list[str], where: str
) -> Municipality | None:
    code = location.get("external_identifier")
    if code:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            errors.append(
                _("%(where)s: no municipality has the code %(code)s.")
                % {"where": where, "code": code}
            )
        return municipality
    for address in location.get("addresses") or []:
        city = str(address.get("city", "")).strip()
        found = Municipality.objects.filter(name_lat__iexact=city) | Municipality.objects.filter(
            name_cyr__iexact=city
        )
        if city and found.count() == 1:
            return found.get()
    return None


def _first_address(location: dict[str, Any]) -> str:
    addresses = location.get("addresses") or []
    return str(addresses[0].get("address_1", "")) if addresses else ""


def _read_orgs(rows: list[dict[str, Any]], errors: list[str]) -> list[_Org]:
    orgs = []
    for n, row in enumerate(rows, start=1):
        where = _("organization %(n)s") % {"n": n}
        kind = _attributes(row).get(TYPE, InstitutionType.SERVICE_PROVIDER)
        if kind not in InstitutionType.values:
            errors.append(
                _("%(where)s: unknown institution type %(type)s.") % {"where": where, "type": kind}
            )
        locations = row.get("locations") or [{}]
        municipality = _municipality_of(locations[0], errors, where)
        phones = row.get("phones") or []
        org = _Org(
            row=n,
            id=uuid.UUID(row["id"]),
            name=str(row["name"]).strip(),
            type=kind,
            description=str(row.get("description", "")),
            website=str(row.get("website", "")),
            email=str(row.get("email", "")),
            phone=str(phones[0]["number"]) if phones else "",
            address=_first_address(locations[0]),
            municipality=municipality,
        )
        if not org.name:
            errors.append(_("%(where)s: the name is empty.") % {"where": where})
        if Provider.objects.filter(hsds_id=org.id).exists():
            errors.append(_("%(where)s: already in the directory.") % {"where": where})
        existing = Institution.objects.filter(municipality=municipality, type=kind, name=org.name)
        if Provider.objects.filter(institution__in=existing).exists():
            errors.append(
                _("%(where)s: this institution is already in the directory.") % {"where": where}
            )
        orgs.append(org)
    ids = [org.id for org in orgs]
    keys = [(org.municipality, org.type, org.name) for org in orgs]
    for org in orgs:
        if ids.count(org.id) > 1:
            errors.append(_("organization %(n)s: the identifier is used twice.") % {"n": org.row})
        elif keys.count((org.municipality, org.type, org.name)) > 1:
            errors.append(
                _("organization %(n)s: the same institution is in the file twice.") % {"n": org.row}
            )
    return orgs


def _service_fields(row: dict[str, Any], n: int, errors: list[str]) -> dict[str, Any]:
    where = _("service %(n)s") % {"n": n}
    attributes = _attributes(row)
    domain = attributes.get(DOMAIN, Domain.COMMUNITY)
    if domain not in Domain.values:
        errors.append(
            _("%(where)s: unknown domain %(domain)s.") % {"where": where, "domain": domain}
        )
    numbers = {}
    for code in (CAPACITY, FREE_PLACES):
        value = attributes.get(code)
        if value is not None and not value.isdigit():
            errors.append(
                _("%(where)s: %(field)s must be a whole number.") % {"where": where, "field": code}
            )
        numbers[code] = int(value) if value is not None and value.isdigit() else None
    contact = (row.get("contacts") or [{}])[0]
    phones = contact.get("phones") or []
    place = (row.get("service_at_locations") or [{}])[0].get("location") or {}
    municipality = (
        _municipality_of(place, errors, where)
        if place.get("addresses") or place.get("external_identifier")
        else None
    )
    languages = [str(lang.get("code", "")).strip() for lang in row.get("languages") or []]
    hsds_id = uuid.UUID(row["id"])
    fields: dict[str, Any] = {
        "hsds_id": hsds_id,
        "name": str(row["name"]).strip()[:200],
        "description": str(row.get("description", "")),
        "domain": domain,
        "eligibility": str(row.get("eligibility_description", "")),
        "capacity": numbers[CAPACITY],
        "free_places": numbers[FREE_PLACES],
        "languages": ", ".join(code for code in languages if code),
        "contact_name": str(contact.get("name", ""))[:200],
        "contact_email": str(contact.get("email", "")),
        "contact_phone": str(phones[0]["number"])[:40] if phones else "",
        "address": _first_address(place),
        "municipality": municipality,
        "is_active": row.get("status") == "active",
    }
    if Service.objects.filter(hsds_id=hsds_id).exists():
        errors.append(_("%(where)s: already in the directory.") % {"where": where})
    return fields


def _rows(document: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    yield from enumerate(document.get(key) or [], start=1)


@transaction.atomic
def import_document(*, user: User | None, document: Any) -> tuple[int, int]:
    """Add the organizations and services of an HSDS document to the directory, all or
    nothing; returns (providers, services) added. ``user`` ``None``: the command line."""
    if user is not None:
        require(user, HSDS_IMPORT)
    errors = schema_errors(document)
    if errors:
        raise HsdsError(errors)
    orgs = _read_orgs(document.get("organizations") or [], errors)
    by_id = {org.id: org for org in orgs}
    services = []
    for n, row in _rows(document, "services"):
        fields = _service_fields(row, n, errors)
        owner = row.get("organization_id")
        if owner is None or uuid.UUID(owner) not in by_id:
            errors.append(_("service %(n)s: its organization is not in the file.") % {"n": n})
        else:
            services.append((uuid.UUID(owner), fields))
    if errors:
        raise HsdsError(errors)
    providers = {}
    for org in orgs:
        institution = institution_ensure(
            municipality=org.municipality,
            type=org.type,
            name=org.name,
            address=org.address[:200],
            duty_phone=org.phone[:40],
            duty_email=org.email,
        )
        provider = Provider.objects.create(
            institution=institution,
            hsds_id=org.id,
            description=org.description,
            website=org.website,
        )
        audit(AuditAction.CREATE, provider, user=user, details={"hsds_import": True})
        providers[org.id] = provider
    for owner, fields in services:
        service = Service.objects.create(provider=providers[owner], **fields)
        audit(AuditAction.CREATE, service, user=user, details={"hsds_import": True})
    return len(providers), len(services)
