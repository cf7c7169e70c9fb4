"""The demo data and the ``spona`` command."""

import pytest
from django.core.management import call_command

from spona.accounts.models import Role, User
from spona.cli import _translate
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import reference_data_load
from spona.people.models import Person
from spona.workspace.demo import DEMO_MUNICIPALITIES, demo_load

pytestmark = pytest.mark.django_db


def test_reference_data_has_every_municipality_with_both_scripts_and_population() -> None:
    assert reference_data_load() == 161
    pirot = Municipality.objects.get(code="70939")
    assert (pirot.name_cyr, pirot.name_lat, pirot.district.name_lat) == (
        "Пирот",
        "Pirot",
        "Pirotski okrug",
    )
    total = sum(m.population_2022 for m in Municipality.objects.all())
    assert total == 6_647_003


def test_demo_covers_every_role_and_every_institution_type_and_is_safe_to_run_twice() -> None:
    demo_load()
    counts = (User.objects.count(), Institution.objects.count(), Person.objects.count())
    demo_load()
    assert (User.objects.count(), Institution.objects.count(), Person.objects.count()) == counts
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    for code in DEMO_MUNICIPALITIES:
        types = set(
            Institution.objects.filter(municipality__code=code).values_list("type", flat=True)
        )
        assert types == set(InstitutionType) - {InstitutionType.NATIONAL_CENTRE}
    assert (
        Institution.objects.filter(type=InstitutionType.NATIONAL_CENTRE, municipality=None).count()
        == 1
    )


def test_demo_command_prints_the_sign_ins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    assert "pirot.casemanager" in out
    assert "spona-demo-2026" in out


def test_totp_command_prints_a_demo_users_code(capsys: pytest.CaptureFixture[str]) -> None:
    demo_load()
    call_command("totp", "pirot.police")
    assert capsys.readouterr().out.strip().isdigit()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["worker", "--no-reload"], ["worker", "--no-reload"]),
        (["audit", "verify"], ["audit_verify"]),
        (["keys", "rotate"], ["keys_rotate"]),
        (["reference", "load"], ["reference_load"]),
        (["createadmin", "ana"], ["createadmin", "ana"]),
        (["migrate"], ["migrate"]),
        (["demo"], ["demo"]),
    ],
)
def test_spona_command_maps_to_management_commands(argv: list[str], expected: list[str]) -> None:
    assert _translate(argv) == expected


def test_createadmin_makes_a_system_administrator(monkeypatch) -> None:
    monkeypatch.setenv("SPONA_ADMIN_PASSWORD", "a long enough passphrase 42")
    call_command("createadmin", "root.admin")
    admin = User.objects.get(username="root.admin")
    assert admin.role == Role.SYSTEM_ADMIN
    assert admin.institution is None
