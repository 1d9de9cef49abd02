"""Three-valued (Kleene) logic shared by every cloud's policy engine.

Offline analysis cannot know every request key (source IP, request tags, group membership...), so a condition is
TRUE, FALSE or UNKNOWN. Ordering FALSE < UNKNOWN < TRUE makes AND = ``min``, OR = ``max`` and NOT = mirror.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Tri(enum.IntEnum):
    """Kleene truth value: ``min`` is AND, ``max`` is OR."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def negate(self) -> Tri:
        return Tri(2 - self.value)

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.TRUE if value else Tri.FALSE

    @staticmethod
    def all(values: Iterable[Tri]) -> Tri:
        result = Tri.TRUE
        for value in values:
            if value is Tri.FALSE:
                return Tri.FALSE
            result = min(result, value)
        return result

    @staticmethod
    def any(values: Iterable[Tri]) -> Tri:
        result = Tri.FALSE
        for value in values:
            if value is Tri.TRUE:
                return Tri.TRUE
            result = max(result, value)
        return result
