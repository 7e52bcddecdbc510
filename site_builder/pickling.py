"""Fast pickling for the frozen dataclasses that the cache keeps and fingerprints digest."""

from __future__ import annotations

import copyreg
from dataclasses import fields
from operator import attrgetter


def pickle_by_fields(*classes: type) -> None:
    """Pickle these frozen dataclasses as their class and field values.

    The default for slotted dataclasses looks up the fields for every object pickled or
    unpickled, which was most of the time a cached build spent reading the cache and
    fingerprinting pages. Unpickling calls the class, so the result is the same object.
    """
    for cls in classes:
        names = [field.name for field in fields(cls) if field.init]
        getter = attrgetter(*names) if len(names) > 1 else (lambda obj, name=names[0]: (getattr(obj, name),))
        copyreg.pickle(cls, lambda obj, cls=cls, getter=getter: (cls, getter(obj)))
