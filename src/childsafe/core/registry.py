"""Extension points: a small abstract class per point, implementations with a unique name and built-in examples.

Built-in implementations register through the same mechanism as outside plugins (package entry points in the
group ``childsafe.<point>``), so one contract test per point covers both.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import ClassVar, Generic, TypeVar


class Extension:
    """Base for an implementation of an extension point."""

    name: ClassVar[str]
    description: ClassVar[str] = ""


E = TypeVar("E", bound=Extension)


class Registry(Generic[E]):
    """Holds the implementations of one extension point, by unique name."""

    def __init__(self, point: str) -> None:
        self.point = point
        self._items: dict[str, type[E]] = {}
        self._loaded_entry_points = False

    def register(self, cls: type[E]) -> type[E]:
        name = getattr(cls, "name", None)
        if not name or not isinstance(name, str):
            raise TypeError(f"{cls.__qualname__} must define a string `name` to join {self.point}")
        existing = self._items.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"{self.point}: the name {name!r} is taken by {existing.__qualname__}")
        self._items[name] = cls
        return cls

    def _load_entry_points(self) -> None:
        if self._loaded_entry_points:
            return
        self._loaded_entry_points = True
        for ep in entry_points(group=f"childsafe.{self.point}"):
            self.register(ep.load())

    def get(self, name: str) -> type[E]:
        self._load_entry_points()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"unknown {self.point} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._items)

    def __iter__(self) -> Iterator[type[E]]:
        self._load_entry_points()
        return iter([self._items[n] for n in sorted(self._items)])
