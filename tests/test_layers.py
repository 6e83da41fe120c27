"""Layers that point one way (docs/architecture.md): every import in src/onestop, those inside
functions included, walked with ast.

A package imports only the packages of the layers below its own, or of its own layer as long as
no cycle forms; an import that is not at the top of its module has a comment on its line or
just above it saying why (STYLE.md, "Imports point down, at the top of the module").
"""

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "onestop"

# The small modules every layer may use: in the bottom layer, and left out of the diagram.
SHARED = (
    "refusals",
    "plain_text",
    "crypto_suite",
    "data_keys",
    "file_modes",
    "locale_build",
    "prepared",
    "settings",
)
# Top to bottom; a package or top-level module of src/onestop belongs to exactly one layer.
LAYERS = (
    # Entry: the URL map, the processes' entry points, pages and API, and what wraps every
    # request; operations' commands back up and restore the whole.
    ("urls", "wsgi", "cli", "web", "api", "unavailable", "request_size", "operations"),
    # Composing domain: where an application stands, what supervisors see, the printed papers,
    # the ratings of finished cases and their follow-ups. Registration: a person's own account,
    # its links sent through the outbox.
    ("progress", "supervision", "paperwork", "jobs", "satisfaction", "registration"),
    # Domain, arrows in this direction only: acceptance creates cases; a booking is for an
    # application.
    ("cases",),
    ("appointments",),
    ("applications",),
    # Files and document checks: uploads, PDF cleaning, images, passports, photos, the PDF
    # primitives. What they need of an application comes in as arguments.
    ("documents",),
    ("rules",),
    # Bottom: data, calendar, people, the audit log, the outbox, shared counters, and the
    # modules every layer may use.
    (
        "catalog",
        "workdays",
        "accounts",
        "audit",
        "notifications",
        # The event journal and its subscriptions: recorded by applications' and cases' history,
        # read by the API; it needs only accounts, audit and the outbox.
        "events",
        "counters",
        "idempotency",
        "workflow",
        *SHARED,
        "__init__",
    ),
)
LAYER_OF = {package: depth for depth, layer in enumerate(LAYERS) for package in layer}


@dataclass(frozen=True)
class Import:
    file: str  # relative to src/onestop
    line: int
    importer: str  # the package (or top-level module) the file belongs to
    imported: str | None  # the package of onestop it imports; None for any other library
    at_top: bool  # a statement of the module's own body, not inside a function, if or try
    commented: bool  # a comment on its lines, or on the nearest line above its block


def package_of(relative: Path) -> str:
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _module_name(relative: Path) -> list[str]:
    parts = ["onestop", *relative.with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _targets(node, relative: Path) -> list[str]:
    """The absolute modules an import statement names (for `from onestop import x`, onestop.x)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = _module_name(relative)
        if relative.name != "__init__.py":
            package = package[:-1]
        base = package[: len(package) - node.level + 1]
        module = ".".join([*base, node.module] if node.module else base)
    else:
        module = node.module or ""
    if module == "onestop":
        return [f"onestop.{alias.name}" for alias in node.names]
    return [module]


def _comment_lines(text: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return {token.start[0] for token in tokens if token.type == tokenize.COMMENT}


def imports(root: Path = SOURCE) -> list[Import]:
    """Every import statement under `root`, the package it imports and where it stands."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        comments = _comment_lines(text)
        lines = text.splitlines()
        at_top = {id(node) for node in tree.body}
        statements = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        import_lines = {
            line for n in statements for line in range(n.lineno, (n.end_lineno or n.lineno) + 1)
        }
        for node in statements:
            own = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            above = node.lineno - 1
            # An import block (imports and blank lines between them) says why once, above it.
            while above > 0 and (above in import_lines or not lines[above - 1].strip()):
                above -= 1
            commented = bool(own & comments) or above in comments
            for target in _targets(node, relative):
                parts = target.split(".")
                imported = parts[1] if parts[0] == "onestop" and len(parts) > 1 else None
                found.append(
                    Import(
                        str(relative),
                        node.lineno,
                        package_of(relative),
                        imported,
                        id(node) in at_top,
                        commented,
                    )
                )
    return found


def edges(found: list[Import]) -> dict[tuple[str, str], Import]:
    """importer -> imported package, each with one import that makes it."""
    between = {}
    for i in found:
        if i.imported is not None and i.imported != i.importer:
            between.setdefault((i.importer, i.imported), i)
    return between


def cycles(between) -> list[list[str]]:
    """The groups of packages that import each other, directly or through others (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for importer, imported in between:
        graph.setdefault(importer, set()).add(imported)
        graph.setdefault(imported, set())
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(package: str) -> None:
        index[package] = low[package] = len(index)
        stack.append(package)
        on_stack.add(package)
        for other in sorted(graph[package]):
            if other not in index:
                visit(other)
                low[package] = min(low[package], low[other])
            elif other in on_stack:
                low[package] = min(low[package], index[other])
        if low[package] == index[package]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == package:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for package in sorted(graph):
        if package not in index:
            visit(package)
    return groups


def _where(i: Import) -> str:
    return f"{i.file}:{i.line}"


def test_every_package_has_its_layer():
    packages = {package_of(p.relative_to(SOURCE)) for p in SOURCE.rglob("*.py")}
    assert sorted(packages - set(LAYER_OF)) == [], "place the new package in LAYERS"


def test_no_cycle_between_packages():
    between = edges(imports())
    found = cycles(between)
    described = [
        [f"{a} -> {b} ({_where(between[a, b])})" for a in group for b in group if (a, b) in between]
        for group in found
    ]
    assert described == []


def test_no_package_imports_a_higher_layer():
    upward = [
        f"{i.importer} -> {i.imported} ({_where(i)})"
        for i in imports()
        if i.imported in LAYER_OF
        and i.importer in LAYER_OF
        and LAYER_OF[i.imported] < LAYER_OF[i.importer]
    ]
    assert upward == []


def test_an_import_not_at_the_top_says_why():
    # Migrations are history, never edited once landed; theirs import what the schema was then.
    unexplained = [
        _where(i)
        for i in imports()
        if not i.at_top and not i.commented and "migrations" not in Path(i.file).parts
    ]
    assert unexplained == []


def test_the_walk_finds_imports_inside_functions(tmp_path):
    """The walk itself: a lazy import counts, `from onestop import x` names x, a relative import
    resolves, and a reason above a block of imports covers the block."""
    package = tmp_path / "audit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "reads.py").write_text(
        "from . import chain\n"
        "from onestop import refusals\n\n\n"
        "def roles():\n"
        "    # here: applications imports audit\n"
        "    from onestop.applications import access\n\n"
        "    from onestop.cases import queues\n"
        "    import json\n"
    )
    found = {(i.line, i.imported, i.at_top, i.commented) for i in imports(tmp_path)}
    assert found == {
        (1, "audit", True, False),
        (2, "refusals", True, False),
        (7, "applications", False, True),
        (9, "cases", False, True),
        (10, None, False, True),
    }
    assert cycles({("audit", "cases"): None, ("cases", "audit"): None}) == [["audit", "cases"]]


if __name__ == "__main__":
    # The diagram of docs/architecture.md: `python tests/test_layers.py`. The small modules every
    # layer may use (refusals, plain_text ...) are left out of it.
    print("flowchart TD")
    for importer, imported in sorted(edges(imports())):
        if imported not in SHARED:
            print(f"    {importer} --> {imported}")
