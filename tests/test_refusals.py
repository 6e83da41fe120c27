"""One refusal: every refusal in src/ names a stable code, every code is documented
(docs/refusal-codes.md), and the API and the pages show the code and both languages."""

import ast
import re
from pathlib import Path

import pytest

from onestop.appointments.models import Booking
from onestop.refusals import NotAllowed, Refused

from .clients import as_, post
from .factories import ApplicationFactory, SlotFactory, person

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "onestop"
DOCS = ROOT / "docs" / "refusal-codes.md"
CODE = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")


# What refuses: Refused and NotAllowed, their subclasses, and the guard's InputRefused; each
# takes its code first.
SUBCLASSES = {"SlotFull", "NeedsApplication", "UnknownCode"}
# Functions that build one coded error item, the code first.
ITEM_BUILDERS = {"_error", "_problem", "_item", "error_body"}


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def is_refusal(call: ast.Call) -> bool:
    name = _name(call)
    return name.endswith("Refused") or name == "NotAllowed" or name in SUBCLASSES


def builds_an_error(call: ast.Call, where: str) -> bool:
    name = _name(call)
    # documents/refusal.py's refusal(code, en, zh); other modules' refusal() answer words.
    documents = name == "refusal" and where.startswith("documents/")
    return is_refusal(call) or name in ITEM_BUILDERS or documents


def _code(node) -> str | None:
    """A code written out: a literal, or an f-string whose parts are a machine's area and its
    reason (workflow/engine.py: f"{self.area}.not_at_this_step"), as "{area}.not_at_this_step"."""
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                expression = value.value
                if not isinstance(expression, ast.Attribute):
                    return None
                parts.append("{" + expression.attr + "}")
            else:
                parts.append(value.value)
        return "".join(parts)
    return _literal(node)


def is_code(code: str | None) -> bool:
    """area.reason in lowercase; a template's {name} stands for a lowercase word."""
    return code is not None and bool(CODE.match(re.sub(r"\{[a-z_]+\}", "x", code)))


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def refusal_calls() -> list[tuple[str, int, ast.Call]]:
    return [
        (where, node.lineno, node)
        for where, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and is_refusal(node)
    ]


def codes_used() -> dict[str, set[str]]:
    """Every literal code in src/ and the modules it is in: the first argument of a refusal or
    of an error item's builder, the "code" of an error item written out, a (code, English,
    Chinese) constant, and the codes the API answers with another status."""
    found: dict[str, set[str]] = {}

    def add(code, where):
        if is_code(code):
            found.setdefault(code, set()).add(where)

    for where, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and builds_an_error(node, where):
                add(_code(node.args[0]), where)
            elif isinstance(node, ast.Dict):
                keys = [_literal(k) for k in node.keys]
                if "code" in keys and "message_en" in keys:
                    add(_literal(node.values[keys.index("code")]), where)
                elif keys and all(isinstance(k, ast.Constant) for k in node.keys):
                    # {status: code}, {status: (code, words)}, {code: status}
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key.value, int):
                            first = value.elts[0] if isinstance(value, ast.Tuple) else value
                            add(_literal(first), where)
                        elif isinstance(value, ast.Constant) and isinstance(value.value, int):
                            add(_literal(key), where)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                elements = node.value.elts
                if len(elements) == 3 and all(_literal(e) is not None for e in elements):
                    add(_literal(elements[0]), where)
    return found


def documented() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_refusal_names_its_code_first():
    wrong = [
        f"{where}:{line}"
        for where, line, call in refusal_calls()
        if not call.args or not is_code(_code(call.args[0]))
    ]
    assert not wrong, f"refusals without an area.reason code written out first: {wrong}"


def test_every_code_is_on_the_documentation_page():
    missing = sorted(set(codes_used()) - documented())
    assert not missing, f"codes missing from docs/refusal-codes.md: {missing}"


def test_the_guard_finds_a_refusal_without_a_code():
    tree = ast.parse(
        'Refused("Too late.", "太晚了。")\nNotAllowed("a.b", "x", "y")\n'
        'Refused(f"{self.area}.late", "x", "y")\nRefused(f"{late}", "x", "y")'
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and is_refusal(n)]
    codes = [_code(c.args[0]) for c in calls]
    assert codes == ["Too late.", "a.b", "{area}.late", None]
    assert [is_code(c) for c in codes] == [False, True, True, False]


def test_a_refusal_takes_exactly_a_code_and_both_languages():
    with pytest.raises(TypeError):
        Refused("Too late.", "太晚了。")
    with pytest.raises(TypeError):
        NotAllowed("Not you.", "不是您。")
    refused = Refused("booking.slot_full", "Full.", "已满。", field="slot")
    said = (refused.code, refused.message_en, refused.message_zh, refused.field)
    assert said == ("booking.slot_full", "Full.", "已满。", "slot")
    assert refused.messages == ["Full."]  # still a ValidationError, in English


# Through the API: the body names the code of the refusal, in each error item.


@pytest.mark.django_db
def test_the_api_answers_a_full_slot_with_its_code():
    slot = SlotFactory(capacity=1)
    bodies = []
    for name in ("first.booker", "second.booker"):
        booker = person(name)
        application = ApplicationFactory(
            submitted=True, filed_by=booker, matter="residence_permit.issue"
        )
        body = {"slot": slot.pk, "matter": "residence_permit.issue"}
        bodies.append(
            post(as_(booker), "/api/v1/appointments", {**body, "application": application.number})
        )
    made, full = bodies
    assert made.status_code == 201 and full.status_code == 409
    assert full.json()["errors"] == [
        {
            "field": "slot",
            "code": "booking.slot_full",
            "message_en": "This slot is full; choose another.",
            "message_zh": "该时段已约满，请选择其他时段。",
        }
    ]
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_api_answers_a_step_out_of_turn_with_its_code():
    application = ApplicationFactory(submitted=True, matter="residence_permit.issue")
    response = post(
        as_(application.created_by), f"/api/v1/applications/{application.number}/resubmit", {}
    )
    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert error["code"] == "application.not_at_this_step"
    assert error["message_en"].startswith("Cannot resubmit an application that is submitted")
    assert "不能执行此操作" in error["message_zh"]


@pytest.mark.django_db
def test_the_api_answers_a_role_that_may_not_with_its_code():
    application = ApplicationFactory(submitted=True, matter="residence_permit.issue")
    response = post(
        as_(application.created_by),
        f"/api/v1/applications/{application.number}/pre-examination",
        {"decision": "pass"},
    )
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {
            "field": None,
            "code": "application.role_not_allowed",
            "message_en": "Your roles do not allow this on this application.",
            "message_zh": "您的角色无权对此申请执行此操作。",
        }
    ]


@pytest.mark.django_db
def test_the_api_gives_each_invalid_item_its_code():
    response = post(
        as_(person("applicant.codes")),
        "/api/v1/applications",
        {"region": "beijing", "matter": "residence_permit.issue", "form": {"nowhere": "x"}},
    )
    assert response.status_code == 422
    assert {"field": "form.nowhere", "code": "form.unknown_field"}.items() <= (
        response.json()["errors"][0].items()
    )


# Through the pages: the domain's words, in both languages, the active one first.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("en", "This slot is full; choose another.", "该时段已约满，请选择其他时段。"),
        ("zh-hans", "该时段已约满，请选择其他时段。", "This slot is full; choose another."),
    ],
)
def test_a_page_shows_the_refusal_in_both_languages_the_active_one_first(language, first, second):
    slot = SlotFactory(hall="bj_entry_exit_reception", capacity=1)
    pages = []
    for name in ("first.on.page", "second.on.page"):
        booker = person(name)
        application = ApplicationFactory(
            submitted=True, filed_by=booker, matter="residence_permit.issue"
        )
        client = as_(booker)
        client.cookies["django_language"] = language
        pages.append(
            client.post(
                "/my/appointments/new/?hall=bj_entry_exit_reception"
                f"&application={application.public_id}",
                {"slot": slot.pk},
                headers={"accept-language": language},
            )
        )
    page = pages[1].content.decode()
    assert pages[1].status_code == 400
    assert first in page and second in page
    assert page.index(first) < page.index(second)
