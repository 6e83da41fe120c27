"""Rules have one reader (STYLE.md): outside catalog/ and rules/, no module reads a catalog
version's `content` with string keys; they ask catalog/content.py or a rule of rules/."""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "onestop"
READERS = ("catalog", "rules")


def _content_key_reads(tree: ast.AST) -> list[int]:
    """Lines of `<x>.content[...]`, `<x>.content.get(...)` and of a name bound to
    `<x>.content` read with `[...]` or `.get(...)`."""
    bound = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "content"
        ):
            bound |= {t.id for t in node.targets if isinstance(t, ast.Name)}

    def is_content(node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "content") or (
            isinstance(node, ast.Name) and node.id in bound
        )

    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and is_content(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and is_content(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            lines.append(node.lineno)
    return lines


def test_only_catalog_and_rules_read_content_with_string_keys():
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        if relative.parts[0] in READERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{relative}:{line}" for line in _content_key_reads(tree)]
    assert found == []


def test_the_walk_finds_every_way_of_reading_content():
    tree = ast.parse(
        "a = version.content['fees']\n"
        "b = version.content.get('fees')\n"
        "content = version.content\n"
        "c = content.get('name')\n"
        "d = content['name']\n"
        "e = upload.content[:64]\n"  # the bytes of a file are no catalog content
    )
    assert sorted(_content_key_reads(tree)) == [1, 2, 4, 5]
