"""CTDC's public file as a reference dataset: all rows or none, counts equal to the file's."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from spona.cases.models import Case
from spona.cli import _translate
from spona.statistics.models import CTDC_COLUMNS, CtdcRecord, ReferenceDataset
from spona.statistics.selectors import ctdc_latest, ctdc_totals

CTDC_FILE = Path("spona/statistics/data/ctdc/CTDC_VPsynthetic_condensed.csv")

pytestmark = pytest.mark.django_db


def _file_totals() -> tuple[int, dict[str, Counter[str]]]:
    with CTDC_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return len(rows), {column: Counter(row[column] for row in rows) for column in CTDC_COLUMNS}


def test_importing_the_ctdc_file_gives_the_files_own_counts():
    call_command("import_ctdc", str(CTDC_FILE))
    rows, totals = _file_totals()
    dataset = ctdc_latest()
    assert dataset is not None
    assert rows == 21195 == dataset.rows == CtdcRecord.objects.filter(dataset=dataset).count()
    for column in CTDC_COLUMNS:
        assert ctdc_totals(dataset, column) == totals[column], column
    # the numbers the study's comparison uses, as the file has them
    assert ctdc_totals(dataset, "gender")["Female"] == 9589
    assert ctdc_totals(dataset, "isSexualExploit")["1"] == 2775
    assert "CTDC" in dataset.title
    assert "terms-use" in dataset.licence
    assert Case.objects.count() == 0  # reference data never becomes a case


def test_the_same_file_is_not_loaded_twice():
    call_command("import_ctdc", str(CTDC_FILE))
    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("import_ctdc", str(CTDC_FILE))
    assert ReferenceDataset.objects.count() == 1


def test_one_bad_row_loads_nothing_and_names_the_row(tmp_path, capsys):
    lines = CTDC_FILE.read_text(encoding="utf-8").splitlines()
    bad = lines[:30]
    bad[12] = bad[12].replace(",Male,", ",Woman,", 1)  # the gender column
    bad[20] = "2019,Female,Adult"  # too few values
    path = tmp_path / "ctdc.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_ctdc", str(path))
    err = capsys.readouterr().err
    assert "line 13, gender: 'Woman' is not a CTDC value" in err
    assert "line 21: 3 values, not 16" in err
    assert ReferenceDataset.objects.count() == 0
    assert CtdcRecord.objects.count() == 0


def test_a_file_that_is_not_ctdcs_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nx,1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_ctdc", str(path))
    assert ReferenceDataset.objects.count() == 0


def test_spona_import_ctdc_is_the_command():
    assert _translate(["import", "ctdc", "f.csv"]) == ["import_ctdc", "f.csv"]


def test_the_dashboard_sets_the_global_reference_apart(client):
    from spona.accounts.models import Role
    from tests.factories import UserFactory

    call_command("import_ctdc", str(CTDC_FILE))
    client.force_login(UserFactory(role=Role.ANALYST))
    page = client.get("/statistics/").content.decode()
    assert 'id="reference"' in page
    assert "CTDC" in page
    assert "21195" in page or "21.195" in page
    assert "54,5" in page or "54.5" in page  # women and girls: 9589 of 17584 recorded
