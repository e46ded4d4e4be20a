"""What decides who may see a child (its id, class and school), and the children a list may hold: the two shapes
in which the access policy (bot/domain/roles.py) answers, for one child and for a query
(bot/storage/scopes.children_within turns a filter into SQL)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChildScope:
    """The facts about a child that decide who may see it."""

    child_id: int
    class_id: int
    school_id: int


@dataclass(frozen=True)
class ChildFilter:
    """Which children a list may hold: every school's (the county's figures), all of some schools', or those of
    some classes and some named children."""

    everyone: bool = False
    school_ids: frozenset[int] = frozenset()
    class_ids: frozenset[int] = frozenset()
    child_ids: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.school_ids or self.class_ids or self.child_ids)

    def includes(self, child: ChildScope) -> bool:
        return (
            self.everyone
            or child.school_id in self.school_ids
            or child.class_id in self.class_ids
            or child.child_id in self.child_ids
        )

    def includes_class(self, class_id: int, school_id: int) -> bool:
        """Whether the whole class is in the scope (a class figure, a class to register into)."""
        return self.everyone or school_id in self.school_ids or class_id in self.class_ids

    def includes_school(self, school_id: int) -> bool:
        """Whether the whole school is in the scope (the school's figures)."""
        return self.everyone or school_id in self.school_ids

    def whole_schools(self) -> frozenset[int] | None:
        """The schools wholly in the scope, or None for every school."""
        return None if self.everyone else self.school_ids
