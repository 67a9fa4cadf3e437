"""The member registry (Discovery): who is registered, in what state, with which capabilities.

Insertion follows Algorithm 1's "add entity to registry" in O(log n): ids are kept in a sorted
list and placed with :func:`bisect.insort` (a binary search plus one memmove of pointers), so
lookups, range queries and deterministic iteration need no sorting and no unordered sets.
The capability index maps each skill to the sorted ids that advertise it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

import numpy as np

from phoenix_gui.engine.members import LIVE, Member, MemberStatus

_DEPARTED = (MemberStatus.RETIRED, MemberStatus.REMOVED)
# A forgotten generated member's status as one byte (0: none), by its number.
_GONE_CODES = (None, MemberStatus.RETIRED, MemberStatus.REMOVED)
_NUMBERED_MAX = 1 << 24  # numbers beyond this (not generated ones) go to the dict


class Registry:
    """Members by id (latest registration), by ring index, and by capability."""

    def __init__(self, prefix: str = "") -> None:
        self._by_id: dict[str, Member] = {}
        self._sorted_ids: list[str] = []  # ids with a live member, ascending
        self._order: list[Member] = []  # every admitted member, in join order
        self._rejected: list[Member] = []
        self._by_index: dict[int, Member] = {}
        self._capabilities: dict[str, list[str]] = {}
        # Members forgotten by forget_departed (headless runs): id → the status they left in.
        # Generated ids (``{prefix}{n}``) go in ``_gone_numbered``, one byte per number, not a
        # dict entry each: a long headless run forgets a hundred thousand of them.
        self._gone: dict[str, MemberStatus] = {}
        self._prefix = prefix
        self._gone_numbered = np.zeros(0, dtype=np.int8)

    def __setstate__(self, state: dict[str, object]) -> None:
        state.setdefault("_prefix", "")  # states saved before the numbered store
        state.setdefault("_gone_numbered", np.zeros(0, dtype=np.int8))
        self.__dict__.update(state)

    def _number(self, member_id: str) -> int | None:
        """n when ``member_id`` is exactly ``{prefix}{n}`` (a generated member's id)."""
        prefix = self._prefix
        if not prefix or not member_id.startswith(prefix):
            return None
        digits = member_id[len(prefix) :]
        if not (digits.isascii() and digits.isdigit()) or str(int(digits)) != digits:
            return None
        n = int(digits)
        return n if n < _NUMBERED_MAX else None

    def _gone_status(self, member_id: str) -> MemberStatus | None:
        n = self._number(member_id)
        if n is None:
            return self._gone.get(member_id)
        numbered = self._gone_numbered
        return _GONE_CODES[numbered[n]] if n < numbered.size else None

    def _set_gone(self, member_id: str, status: MemberStatus | None) -> None:
        n = self._number(member_id)
        if n is None:
            if status is None:
                self._gone.pop(member_id, None)
            else:
                self._gone[member_id] = status
            return
        numbered = self._gone_numbered
        if n >= numbered.size:
            if status is None:
                return
            grown = np.zeros(max(n + 1, 2 * numbered.size, 64), dtype=np.int8)
            grown[: numbered.size] = numbered
            self._gone_numbered = numbered = grown
        numbered[n] = _GONE_CODES.index(status)

    # -- queries -------------------------------------------------------------------------------

    def get(self, member_id: str) -> Member:
        """The latest member registered under ``member_id``; KeyError if none."""
        try:
            return self._by_id[member_id]
        except KeyError:
            raise KeyError(f"no member {member_id!r}") from None

    def __contains__(self, member_id: object) -> bool:
        if member_id in self._by_id:
            return True
        return isinstance(member_id, str) and self._gone_status(member_id) is not None

    def status_of(self, member_id: str) -> MemberStatus | None:
        """The status of the latest member registered under ``member_id`` (a forgotten one's
        too), None if there never was one."""
        member = self._by_id.get(member_id)
        return member.status if member is not None else self._gone_status(member_id)

    def by_index(self, index: int) -> Member:
        return self._by_index[index]

    def is_live(self, member_id: str) -> bool:
        member = self._by_id.get(member_id)
        return member is not None and member.status in LIVE

    def members(self, include_rejected: bool = False) -> list[Member]:
        """Every admitted member in join order (any status); rejected ones appended if asked."""
        return [*self._order, *self._rejected] if include_rejected else list(self._order)

    def rejected(self) -> list[Member]:
        return list(self._rejected)

    def live_ids(self) -> list[str]:
        """Ids of live members (JOINING … SUSPECT), ascending."""
        return list(self._sorted_ids)

    def live_count(self) -> int:
        """How many members are live (JOINING … SUSPECT): what the membership cap counts."""
        return len(self._sorted_ids)

    def with_status(self, *statuses: MemberStatus) -> list[Member]:
        """Live members with one of ``statuses``, ordered by id."""
        wanted = frozenset(statuses)
        return [m for m in (self._by_id[i] for i in self._sorted_ids) if m.status in wanted]

    def count(self, status: MemberStatus) -> int:
        return sum(1 for i in self._sorted_ids if self._by_id[i].status is status)

    def find_capability(self, skill: str) -> list[Member]:
        """Live members advertising ``skill``, ordered by id."""
        return [self._by_id[i] for i in self._capabilities.get(skill, ())]

    def capability_names(self) -> list[str]:
        return sorted(self._capabilities)

    # -- changes -------------------------------------------------------------------------------

    def register_capabilities(self, member_id: str, skills: Iterable[str]) -> None:
        for skill in skills:
            ids = self._capabilities.setdefault(skill, [])
            pos = bisect.bisect_left(ids, member_id)
            if pos == len(ids) or ids[pos] != member_id:
                ids.insert(pos, member_id)

    def add(self, member: Member) -> None:
        """Add an admitted member (O(log n) search + insert); ValueError if its id is live."""
        if self.is_live(member.id):
            raise ValueError(f"member {member.id!r} is already registered")
        pos = bisect.bisect_left(self._sorted_ids, member.id)
        self._sorted_ids.insert(pos, member.id)
        self._by_id[member.id] = member
        self._set_gone(member.id, None)
        self._order.append(member)
        if member.index >= 0:
            self._by_index[member.index] = member

    def forget_departed(self, keep: Callable[[Member], bool]) -> int:
        """Drop the retired, removed and rejected members (but those ``keep`` holds on to):
        a headless run joins and loses members forever. A forgotten member's id and status
        stay (``in``, :meth:`status_of`), so requests naming it are answered as before.
        Returns how many were forgotten."""
        gone = [m for m in self._order if m.status in _DEPARTED and not keep(m)]
        for member in gone:
            self._set_gone(member.id, member.status)
            if self._by_id.get(member.id) is member:
                del self._by_id[member.id]
            if self._by_index.get(member.index) is member:
                del self._by_index[member.index]
        if gone:
            dropped = {id(m) for m in gone}
            self._order = [m for m in self._order if id(m) not in dropped]
        forgotten = len(gone) + len(self._rejected)
        self._rejected.clear()
        return forgotten

    def reject(self, member: Member) -> None:
        member.status = MemberStatus.REJECTED
        self._rejected.append(member)

    def set_index(self, member: Member, index: int) -> None:
        member.index = index
        self._by_index[index] = member

    def leave(self, member: Member, status: MemberStatus) -> None:
        """Take a member out of the live directory (RETIRED or REMOVED); its row stays."""
        member.status = status
        pos = bisect.bisect_left(self._sorted_ids, member.id)
        if pos < len(self._sorted_ids) and self._sorted_ids[pos] == member.id:
            del self._sorted_ids[pos]
        for skill in member.capabilities:
            ids = self._capabilities.get(skill)
            if ids is None:
                continue
            at = bisect.bisect_left(ids, member.id)
            if at < len(ids) and ids[at] == member.id:
                del ids[at]
            if not ids:
                del self._capabilities[skill]
