"""The events of the step in progress, kept as the columns they were emitted with.

A busy step emits hundreds of events and a run tens of thousands a minute, and most runs never
look at a step's events (the window follows them as they happen, through its listener; a
headless run only keeps the audit). :class:`StepEvents` keeps each event's time, primitive,
kind and details in four lists and builds the :class:`~phoenix_gui.engine.events.Event`
objects when the sequence is first read (``StepResult.events``): no object per event for the
garbage collector to follow and promote while the step runs. The events read back equal the
ones emitted, in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from phoenix_gui.engine.events import Event, Primitive

_new_object = object.__new__
_SET_TIME, _SET_PRIMITIVE, _SET_KIND, _SET_DETAILS = (
    Event.__dict__[name].__set__ for name in ("time", "primitive", "kind", "details")
)


def make_event(time: float, primitive: Primitive, kind: str, details: dict[str, Any]) -> Event:
    """Event(time, primitive, kind, details) without the frozen dataclass's __init__ (one
    object.__setattr__ per field): the slots set through their descriptors, the same object
    at half the cost."""
    event = _new_object(Event)
    _SET_TIME(event, time)
    _SET_PRIMITIVE(event, primitive)
    _SET_KIND(event, kind)
    _SET_DETAILS(event, details)
    return event


class StepEvents(Sequence[Event]):
    """A step's events in emission order, built when first read (see the module)."""

    __slots__ = ("_built", "_details", "_kinds", "_primitives", "_times")

    def __init__(self) -> None:
        self._times: list[float] = []
        self._primitives: list[Primitive] = []
        self._kinds: list[str] = []
        self._details: list[dict[str, Any]] = []
        self._built: list[Event] = []

    def append(self, event: Event) -> None:
        self._times.append(event.time)
        self._primitives.append(event.primitive)
        self._kinds.append(event.kind)
        self._details.append(event.details)

    def extend_columns(
        self,
        times: Sequence[float],
        primitives: Sequence[Primitive],
        kinds: Sequence[str],
        details: Sequence[dict[str, Any]],
    ) -> None:
        """Append the events (time, primitive, kind, details) of these columns, in order."""
        self._times += times
        self._primitives += primitives
        self._kinds += kinds
        self._details += details

    def _events(self) -> list[Event]:
        built = self._built
        if len(built) < len(self._times):
            done = len(built)
            built += map(
                make_event,
                self._times[done:],
                self._primitives[done:],
                self._kinds[done:],
                self._details[done:],
            )
        return built

    def __len__(self) -> int:
        return len(self._times)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        return self._events()[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StepEvents | list | tuple):
            return self._events() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StepEvents({self._events()!r})"
