"""Choice labels (``get_FOO_display()``) looked up in a dict built once per field.

Django builds the dict of a field's choices anew at every call, flattening and hashing each
choice: on the case page a timeline event's kind cost about 600 Python calls, and the labels
of statuses, kinds and roles were a tenth of the page. For the fields of Spona's models whose
choices are fixed with the model (a list, not a callable), ``faster_choice_labels()`` (run
when the apps are ready) puts in place of Django's method one that reads a dict built once;
the label is still translated at each call, and a value outside the choices is shown as
itself, as Django does."""

from collections.abc import Callable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field: Field[Any, Any]) -> Callable[[Model], Any]:
    labels = dict(make_hashable(field.flatchoices))

    def display(self: Model) -> Any:
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return display


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
