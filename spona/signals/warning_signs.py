"""The warning signs a reporter may tick on the signal form, fitted to their kind of institution
(a school sees sudden absences and an older "boyfriend" with gifts; health care sees injuries
that do not fit the story): the study found these two sectors referred no one.

The lists are part of the screening catalogue, which the screening app (above this one) owns;
it provides them when it is ready. Without a catalogue there is no checklist.
"""

from collections.abc import Callable

type Choices = list[tuple[str, str]]

_choices: Callable[[str], Choices] | None = None
_texts: Callable[[list[str]], list[str]] | None = None


def provide(*, choices: Callable[[str], Choices], texts: Callable[[list[str]], list[str]]) -> None:
    """Called by the app that keeps the catalogue."""
    global _choices, _texts
    _choices, _texts = choices, texts


def choices_for(institution_type: str) -> Choices:
    """(code, text) of the signs for this type of institution, in the page's language."""
    return _choices(institution_type) if _choices else []


def texts_of(codes: list[str]) -> list[str]:
    """The texts of recorded signs (their codes where the catalogue no longer has them); a
    signal with none (most) does not read the catalogue."""
    return _texts(codes) if _texts and codes else list(codes)
