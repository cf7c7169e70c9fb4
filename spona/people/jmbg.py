"""The JMBG (јединствени матични број грађана, unique master citizen number).

Thirteen digits ``DDMMYYYRRBBBK``: the day, month and last three digits of the year of
birth (``9xx`` is 19xx, ``0xx`` is 20xx), ``RR`` the political region of birth (or of
first registration), ``BBB`` a serial number (000–499 for men, 500–999 for women) and
``K`` a check digit. Writing the digits ``abcdefghijkl``::

    m = 11 - ((7(a+g) + 6(b+h) + 5(c+i) + 4(d+j) + 3(e+k) + 2(f+l)) mod 11)

``K`` is ``m`` when ``m`` is 1 to 9, and 0 when ``m`` is 10 or 11. Source: the Wikipedia
article "Unique Master Citizen Number", sections "Composition" and "Checksum calculation"
(https://en.wikipedia.org/wiki/Unique_Master_Citizen_Number); its worked example,
0101100710006, checks in the tests.

The number is optional everywhere: foreigners and people without documents have none.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LENGTH = 13
_WEIGHTS = (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_SEPARATORS = str.maketrans("", "", " .-\u00a0")


@dataclass(frozen=True)
class Jmbg:
    number: str
    date_of_birth: date
    #: "male" or "female", as ``spona.people.models.Sex``
    sex: str
    region: str


def normalise(text: str) -> str:
    """The digits as typed, without spaces, dots or dashes between groups."""
    return text.strip().translate(_SEPARATORS)


def check_digit(first_twelve: str) -> int:
    total = sum(w * int(d) for w, d in zip(_WEIGHTS, first_twelve, strict=True))
    m = 11 - total % 11
    return 0 if m > 9 else m


def _year(digits: str) -> int | None:
    if digits[0] == "9":
        return 1000 + int(digits)
    if digits[0] == "0":
        return 2000 + int(digits)
    return None


def validate(text: str, *, today: date | None = None) -> Jmbg:
    """The JMBG ``text`` read into its date of birth, sex and region; ``ValidationError``
    (with a message saying what is wrong) if it cannot be one."""
    number = normalise(text)
    if len(number) != LENGTH or not number.isascii() or not number.isdigit():
        raise ValidationError(_("A JMBG has exactly 13 digits."), code="jmbg_length")
    if check_digit(number[:12]) != int(number[12]):
        raise ValidationError(
            _("This JMBG is not valid: its check digit does not match (a digit may be mistyped)."),
            code="jmbg_checksum",
        )
    year = _year(number[4:7])
    try:
        if year is None:
            raise ValueError(number[4:7])
        born = date(year, int(number[2:4]), int(number[0:2]))
    except ValueError:
        raise ValidationError(
            _("This JMBG is not valid: its first seven digits are not a possible date of birth."),
            code="jmbg_date",
        ) from None
    if born > (today or timezone.localdate()):
        raise ValidationError(
            _("This JMBG is not valid: its date of birth is in the future."), code="jmbg_date"
        )
    sex = "male" if int(number[9:12]) < 500 else "female"
    return Jmbg(number=number, date_of_birth=born, sex=sex, region=number[7:9])


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except ValidationError:
        return False
    return True


def conflicts(read: Jmbg, date_of_birth: str, sex: str) -> list[str]:
    """How a JMBG disagrees with the recorded date of birth (ISO) and sex, in words."""
    found = []
    if date_of_birth and date_of_birth != read.date_of_birth.isoformat():
        found.append(
            str(_("The JMBG gives the date of birth %(date)s, not the one recorded."))
            % {"date": read.date_of_birth.isoformat()}
        )
    if sex in ("female", "male") and sex != read.sex:
        found.append(
            str(_("The JMBG is a woman's, but the sex recorded is male."))
            if read.sex == "female"
            else str(_("The JMBG is a man's, but the sex recorded is female."))
        )
    return found


def stored_conflicts(number: str, date_of_birth: str, sex: str) -> list[str]:
    """The conflicts of a stored JMBG (kept because the person's documents say so)."""
    try:
        read = validate(number)
    except ValidationError:
        return []
    return conflicts(read, date_of_birth, sex)
