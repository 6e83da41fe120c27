"""The shape of conditions in the catalog: JSON-Logic over the applicant profile.

This module only checks that a condition is well formed (known operators, known facts) so that a
catalog file with a typo is refused at load time. Evaluating conditions is the rules package's job.
Profile facts are those of API-CONTRACT.md (listed once, facts.py), plus the derived `age` and
the `matter` applied for.
"""

from .facts import DERIVED_FACTS
from .facts import FACTS as PROFILE_FACT_LABELS

PROFILE_FACTS = frozenset(PROFILE_FACT_LABELS)
FACTS = PROFILE_FACTS | DERIVED_FACTS  # what a condition may name

# operator -> (min operands, max operands); None = unbounded
OPERATORS = {
    "and": (1, None),
    "or": (1, None),
    "!": (1, 1),
    "==": (2, 2),
    "!=": (2, 2),
    ">": (2, 2),
    ">=": (2, 2),
    "<": (2, 2),
    "<=": (2, 3),  # JSON Logic's between: {"<=": [18, {"var": "age"}, 70]}
    "in": (2, 2),
    "all": (2, 2),
    "some": (2, 2),
    "last": (2, 2),
    "length": (1, 1),
}
ITERATORS = {"all", "some"}


def condition_errors(expression, *, inside_iterator: bool = False) -> list[str]:
    """Every problem of a condition expression, as sentences; [] when it is well formed."""
    if isinstance(expression, (str, int, float, bool)) or expression is None:
        return []
    if isinstance(expression, list):
        return [
            e
            for item in expression
            for e in condition_errors(item, inside_iterator=inside_iterator)
        ]
    if not isinstance(expression, dict) or len(expression) != 1:
        return [f"an operation must be a mapping with exactly one operator, not {expression!r}"]
    ((operator, operands),) = expression.items()
    if operator == "var":
        if operands == "" and inside_iterator:
            return []
        if operands not in FACTS:
            return [f"unknown fact {operands!r} (known: age, matter and the profile fields)"]
        return []
    if operator not in OPERATORS:
        return [f"unknown operator {operator!r} (known: {', '.join(sorted(OPERATORS))}, var)"]
    if not isinstance(operands, list):
        operands = [operands]
    low, high = OPERATORS[operator]
    if len(operands) < low or (high is not None and len(operands) > high):
        allowed = str(low) if high == low else f"{low}+" if high is None else f"{low}-{high}"
        return [f"operator {operator!r} takes {allowed} operands, got {len(operands)}"]
    if operator in ITERATORS:
        return condition_errors(operands[0], inside_iterator=inside_iterator) + condition_errors(
            operands[1], inside_iterator=True
        )
    return condition_errors(operands, inside_iterator=inside_iterator)


def facts_used(expression) -> set[str]:
    """The facts a condition reads (what a checklist must ask for)."""
    if isinstance(expression, list):
        return set().union(*(facts_used(e) for e in expression)) if expression else set()
    if isinstance(expression, dict):
        ((operator, operands),) = expression.items()
        if operator == "var":
            return {operands} if operands else set()
        return facts_used(operands)
    return set()
