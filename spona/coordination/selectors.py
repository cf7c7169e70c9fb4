"""Reading the mandate matrix of a municipality: the study's default, with its own choices."""

from dataclasses import dataclass

from spona.coordination.defaults import CODES, DEFAULT_MATRIX, PHASES
from spona.coordination.models import Mandate, MandateRole
from spona.core.collation import serbian_sorted
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.ops.reference import Kept, changed
from spona.policy import per_request


@dataclass(frozen=True)
class Cell:
    role: str  # MandateRole value
    note: str
    local: bool  # the municipality changed the default

    @property
    def role_label(self) -> str:
        return str(MandateRole(self.role).label)


#: How long a process keeps a municipality's own choices at most; saving or deleting one has
#: every process read them anew at once (``forget_choices``, ``spona.ops.reference``).
CHOICES_SECONDS = 60

_KEPT: Kept[dict[tuple[str, str], tuple[str, str]]] = Kept(CHOICES_SECONDS)


def _choices(municipality_pk: int) -> dict[tuple[str, str], tuple[str, str]]:
    """The municipality's own cells, (type, phase) -> (role, note): read on every page that asks
    who triages signals, so kept by each process (the matrix is public reference data)."""
    return _KEPT.get(municipality_pk, lambda: _read_choices(municipality_pk))


def _read_choices(municipality_pk: int) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (m.institution_type, m.phase): (m.role, m.note)
        for m in Mandate.objects.filter(municipality=municipality_pk)
    }


def forget_choices(sender: object, instance: Mandate, **kwargs: object) -> None:
    """A ``post_save`` and ``post_delete`` receiver: every process reads the choices anew."""
    changed()


def _local(municipality: Municipality | None) -> dict[tuple[str, str], tuple[str, str]]:
    return _choices(municipality.pk) if municipality is not None else {}


def _cell(
    local: dict[tuple[str, str], tuple[str, str]], kind: InstitutionType, index: int
) -> tuple[str, object, bool]:
    """(role, note, chosen here) of ``kind``'s cell in the ``index``-th phase: the
    municipality's own choice (``local``), else the default, its note not yet translated."""
    own = local.get((kind.value, PHASES[index]))
    if own:
        return own[0], own[1], True
    code, note = DEFAULT_MATRIX[kind][index]
    return CODES[code], note, False


@per_request
def matrix(municipality: Municipality | None) -> dict[str, list[Cell]]:
    """Institution type -> one cell per phase (prevention, identification, protection, integration)."""
    local = _local(municipality)
    return {
        kind.value: [
            Cell(role, str(note), own)
            for role, note, own in (_cell(local, kind, index) for index in range(len(PHASES)))
        ]
        for kind in DEFAULT_MATRIX
    }


@per_request
def with_role(municipality: Municipality | None, phase: str, role: str) -> list[str]:
    """The institution types that have ``role`` in ``phase`` here (the matrix drives
    suggestions: who leads the next step, whom to invite, who is informed). The roles of
    :func:`matrix`'s cells, read without building the cells (their notes translated: about
    1,000 Python calls on every page that asks who triages signals)."""
    index, local = PHASES.index(phase), _local(municipality)
    return [kind.value for kind in DEFAULT_MATRIX if _cell(local, kind, index)[0] == role]


def duty_contacts(municipality: Municipality | None) -> dict[str, list[Institution]]:
    """Each type's active institutions here (and the national ones), with their duty lines."""
    institutions = Institution.objects.filter(is_active=True)
    if municipality is not None:
        institutions = institutions.filter(municipality=municipality) | institutions.filter(
            municipality__isnull=True
        )
    contacts: dict[str, list[Institution]] = {kind.value: [] for kind in InstitutionType}
    for institution in serbian_sorted(institutions, str):
        contacts[institution.type].append(institution)
    return contacts
