"""The one evaluator of the catalog's conditions (JSON-Logic, catalog/conditions.py).

Three-valued (Kleene) logic: a condition is True, False, or None when a fact it needs is
missing — then the answer names the missing facts instead of guessing. `and` is False as soon as
one part is False and `or` True as soon as one part is True, whatever is unknown, so a determined
answer never changes when more facts are given.
"""

import operator
from typing import Any, NamedTuple

from .profile import ASKED_AS


class Result(NamedTuple):
    value: Any  # None = unknown
    missing: frozenset[str] = frozenset()


_NO_ITEM = object()
_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def evaluate(expression, facts: dict, item=_NO_ITEM) -> Result:
    if isinstance(expression, list):
        results = [evaluate(e, facts, item) for e in expression]
        return _all_known(results) or Result([r.value for r in results])
    if not isinstance(expression, dict):
        return Result(expression)
    ((op, operands),) = expression.items()
    if op == "var":
        if operands == "" and item is not _NO_ITEM:
            return Result(item)
        value = facts.get(operands)
        if value is None:
            return Result(None, frozenset({ASKED_AS.get(operands, operands)}))
        return Result(value)
    if not isinstance(operands, list):
        operands = [operands]
    if op == "and":
        return _and([evaluate(e, facts, item) for e in operands])
    if op == "or":
        return _or([evaluate(e, facts, item) for e in operands])
    if op == "!":
        inner = evaluate(operands[0], facts, item)
        return inner if inner.value is None else Result(not inner.value)
    if op in ("all", "some"):
        items = evaluate(operands[0], facts, item)
        if items.value is None:
            return items
        if not isinstance(items.value, list) or not items.value:
            return Result(False)
        results = [evaluate(operands[1], facts, each) for each in items.value]
        return _and(results) if op == "all" else _or(results)
    values = [evaluate(e, facts, item) for e in operands]
    unknown = _all_known(values)
    if unknown:
        return unknown
    args = [v.value for v in values]
    try:
        if op in _COMPARE:
            if op == "<=" and len(args) == 3:
                return Result(args[0] <= args[1] <= args[2])
            return Result(_COMPARE[op](args[0], args[1]))
        if op == "in":
            return Result(args[0] in args[1])
        if op == "last":
            return Result(list(args[0])[-int(args[1]) :] if args[1] else [])
        if op == "length":
            return Result(len(args[0]))
    except TypeError:
        return Result(False)  # a value of the wrong kind does not meet the condition
    raise ValueError(f"unknown operator {op!r}")


def _all_known(results: list[Result]) -> Result | None:
    """None when every result is known; else the unknown result naming every missing fact."""
    missing = frozenset().union(*(r.missing for r in results if r.value is None))
    return Result(None, missing) if any(r.value is None for r in results) else None


def _and(results: list[Result]) -> Result:
    if any(r.value is not None and not r.value for r in results):
        return Result(False)
    return _all_known(results) or Result(True)


def _or(results: list[Result]) -> Result:
    if any(r.value is not None and r.value for r in results):
        return Result(True)
    return _all_known(results) or Result(False)


def holds(condition, facts: dict) -> Result:
    """A catalog condition (None = always) as True / False / None with the facts it lacks."""
    if condition is None:
        return Result(True)
    result = evaluate(condition, facts)
    return result if result.value is None else Result(bool(result.value))


def all_of(results: list[Result]) -> Result:
    """Kleene `and` of results already evaluated."""
    if any(r.value is False for r in results):
        return Result(False)
    missing = frozenset().union(*(r.missing for r in results))
    return Result(None, missing) if any(r.value is None for r in results) else Result(True)


def any_of(results: list[Result]) -> Result:
    """Kleene `or` of results already evaluated."""
    if any(r.value is True for r in results):
        return Result(True)
    missing = frozenset().union(*(r.missing for r in results))
    return Result(None, missing) if any(r.value is None for r in results) else Result(False)


def first(entries, facts: dict):
    """The first entry whose `when` holds, and how far the reading got: it stops at an entry it
    cannot decide (that one might hold), answering None with the facts it lacks."""
    for entry in entries or []:
        result = holds(entry.when, facts)
        if result.value is None:
            return None, result
        if result.value:
            return entry, result
    return None, Result(False)
