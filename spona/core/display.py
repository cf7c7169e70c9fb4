"""Choice labels (``get_FOO_display()``) looked up in a dict built once per field.

Django builds the dict of a field's choices anew at every call, flattening and hashing each
choice: on the case page a timeline event's kind cost about 600 Python calls, and the labels
of statuses, kinds and roles were a tenth of the page. For the fields of Spona's models whose
choices are fixed with the model (a list, not a callable), ``faster_choice_labels()`` (run
when the apps are ready) puts in place of Django's method one that reads a dict built once;
the labels are translated once per language (a label is a fixed message, so its translation
changes only with the catalogues: dropped when a test changes the languages or the catalogues'
folders), and a value outside the choices is shown as itself, as Django does."""

from collections.abc import Callable
from functools import cache, partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

from spona.core.caching import forget_when_catalogues_change

#: per field (one dict each): language -> value -> its label in that language
_TRANSLATED: list[dict[str | None, dict[Any, Any]]] = []


@cache
def _labeller(field: Field[Any, Any]) -> Callable[..., Any]:
    """The label of a value of ``field``, from its dict of labels (one per field)."""
    labels = dict(make_hashable(field.flatchoices))
    translated: dict[str | None, dict[Any, Any]] = {}
    _TRANSLATED.append(translated)

    def label(value: Any, language: str | None = None) -> Any:
        if language is None:
            language = get_language()
        shown = translated.get(language)
        if shown is None:
            shown = translated[language] = {
                key: force_str(label, strings_only=True) for key, label in labels.items()
            }
        try:
            return shown[value]
        except (KeyError, TypeError):  # outside the choices, or a value that needs hashing
            return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return label


def label_of(model: type[Model], name: str) -> Callable[..., Any]:
    """``get_FOO_display()`` of the model's choice field ``name`` for a value read without
    its model instance (a row of ``values_list``): the same label, from the same dict; called
    with ``language`` (the current one, asked once by a caller that labels many values), in
    that language, not asking the current language for each value."""
    return _labeller(model._meta.get_field(name))


def _display(field: Field[Any, Any]) -> Callable[[Model], Any]:
    label = _labeller(field)

    def display(self: Model) -> Any:
        return label(getattr(self, field.attname))

    return display


def _forget_translated() -> None:
    for translated in _TRANSLATED:
        translated.clear()


forget_when_catalogues_change(_forget_translated)


def faster_choice_labels() -> None:
    """Replace Django's ``get_FOO_display`` of every choice field of Spona's models whose
    choices are a fixed list (a model's own ``get_FOO_display`` is left alone)."""
    for model in apps.get_models():
        if not model.__module__.startswith("spona."):
            continue
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if isinstance(field.choices, list | tuple) and isinstance(
                model.__dict__.get(name), partialmethod
            ):
                setattr(model, name, _display(field))
