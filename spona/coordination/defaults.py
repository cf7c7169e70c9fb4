"""The default mandate matrix, from the study's recommendations (DESIGN.md).

L = leads, C = contributes, I = is informed, - = no role. The notes say what the role means.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.core.phases import RESPONSE_PHASES
from spona.institutions.models import InstitutionType as T

CODES = {"L": "leads", "C": "contributes", "I": "informed", "-": "none"}
PHASES = RESPONSE_PHASES

#: institution type -> one (role, note) per phase, in the order of PHASES
DEFAULT_MATRIX: dict[T, list[tuple[str, Promise | str]]] = {
    T.LOCAL_GOVERNMENT: [
        ("L", _("funds campaigns and the local action plan")),
        ("I", ""),
        ("C", _("financial support")),
        ("L", _("housing support; brings the partners together")),
    ],
    T.SOCIAL_WELFARE: [
        ("C", _("screens its own beneficiaries")),
        ("L", _("with the police; formal identification of children")),
        ("L", _("coordinates the protection of each victim")),
        ("C", _("housing, with the local self-government")),
    ],
    T.POLICE: [("C", ""), ("L", _("first responders")), ("C", _("safety")), ("I", "")],
    T.NATIONAL_CENTRE: [
        ("I", ""),
        ("L", _("formal identification of adults")),
        ("L", _("national coordination of services")),
        ("C", ""),
    ],
    T.SCHOOL: [
        ("C", _("recognises the recruitment of children")),
        ("C", _("raises signals")),
        ("I", ""),
        ("C", _("education")),
    ],
    T.HEALTH: [
        ("C", _("recognises the signs")),
        ("C", _("raises signals")),
        ("C", _("health care")),
        ("C", _("health and psychological support")),
    ],
    T.EMPLOYMENT: [
        ("C", _("programmes for groups at risk")),
        ("C", ""),
        ("I", ""),
        ("L", _("for the employment goal: training and jobs")),
    ],
    T.PROSECUTOR: [
        ("I", ""),
        ("C", ""),
        ("C", _("criminal proceedings; the victim as a witness")),
        ("I", ""),
    ],
    T.COURT: [
        ("I", ""),
        ("C", ""),
        ("C", _("criminal proceedings; the victim as a witness")),
        ("I", ""),
    ],
    T.NGO: [
        ("L", _("outreach: door-to-door, street, social networks")),
        ("C", ""),
        ("C", _("shelter and psychological support")),
        ("C", ""),
    ],
    T.SERVICE_PROVIDER: [("I", ""), ("C", ""), ("C", _("safe accommodation")), ("C", "")],
    T.EMPLOYER: [
        ("I", ""),
        ("-", ""),
        ("-", ""),
        ("C", _("jobs and training: corporate social responsibility")),
    ],
}
