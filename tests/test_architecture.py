"""The structure the code keeps: layers without cycles, a policy that knows no app, one
definition of each concept."""

import pytest

from spona import policy
from spona.cases.workflow import PHASE_OF_STATUS
from spona.coordination import defaults
from spona.core import phases
from spona.core.phases import RESPONSE_PHASES, Phase
from tests.architecture import KERNEL, ROOT, app_imports, cycles


def test_no_import_cycle_between_apps() -> None:
    graph = app_imports()
    assert cycles(graph) == []


def test_the_kernel_imports_no_app() -> None:
    graph = app_imports()
    for unit in KERNEL:
        assert graph.get(unit, set()) <= KERNEL, unit


def test_the_policy_entry_point_imports_nothing_of_spona() -> None:
    assert app_imports().get("policy", set()) == set()


def test_no_app_imports_the_composition_root() -> None:
    graph = app_imports()
    offenders = {unit: targets & ROOT for unit, targets in graph.items() if unit not in ROOT}
    assert {unit: found for unit, found in offenders.items() if found} == {}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_permission_has_a_rule() -> None:
    missing = []
    for name, permission in policy.permissions().items():
        try:
            permission.allows(None, None)
        except LookupError:
            missing.append(name)
    assert missing == []


def test_a_permission_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        policy.Permission("case_view")


@pytest.mark.django_db
def test_a_model_without_a_row_scope_is_refused(make_user) -> None:
    from spona.audit.models import AuditEvent

    with pytest.raises(LookupError):
        policy.visible(make_user(), AuditEvent)


def test_one_phase_list_for_navigation_matrix_and_case_workflow() -> None:
    assert defaults.PHASES is RESPONSE_PHASES
    assert set(RESPONSE_PHASES) <= set(Phase)
    assert set(PHASE_OF_STATUS.values()) <= set(RESPONSE_PHASES)
    assert phases.Phase is Phase
