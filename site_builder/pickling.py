"""Fast pickling for the frozen dataclasses that the cache keeps and fingerprints digest."""

from __future__ import annotations

import copyreg
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter


def pickle_by_fields(*classes: type) -> None:
    """Pickle these frozen dataclasses as their class and field values.

    The default for slotted dataclasses looks up the fields for every object pickled or
    unpickled, which was most of the time a cached build spent reading the cache and
    fingerprinting pages. Unpickling calls the class, so the result is the same object.
    """
    for cls in classes:
        copyreg.pickle(cls, _reducer(cls, [field.name for field in fields(cls) if field.init]))


def _reducer(cls: type, names: list[str]) -> Callable[[object], tuple[type, tuple]]:
    """Return the function that reduces an object of the class to the class and these fields' values."""
    getter = attrgetter(*names)
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple of it
        return lambda obj: (cls, (getter(obj),))
    return lambda obj: (cls, getter(obj))
