"""What a well-formed catalog entry is: every value sourced, every text bilingual, every code known.

Each check appends `Problem`s instead of raising, so one run reports every mistake of every file
at once, each with the file and line it sits on.
"""

import re
from dataclasses import dataclass

from .conditions import condition_errors
from .yaml_source import Located

MATTER_CODES = (
    "work_permit.issue",
    "work_permit.change",
    "work_permit.extend",
    "residence_permit.issue",
    "residence_permit.renew",
    "residence_permit.reissue",
    "residence_permit.change",
    "stay_permit.issue",
    "stay_permit.renew",
    "stay_permit.reissue",
    "permanent_residence.apply",
    "social_insurance.register",
    "social_security_card.apply",
    "title_evaluation.apply",
)
BUNDLE_CODES = ("foreigner_work", "two_permits")
ROUTE_CODES = (
    "zgc_high_level_talent",
    "zgc_points",
    "zgc_chinese_origin",
    "salary_and_tax",
    "beijing_high_level_talent",
    "family_member",
)

# The implementation-list fields (004 items 1-37) and the guide fields of 000 / 002 / 003,
# in the order a service guide shows them. Items 18, 20, 23 and 25 are structured keys.
FIELDS = {
    "matter_type": ("事项类型", "Type of matter", "004 item 1"),
    "basic_code": ("基本编码", "Basic code", "004 item 2"),
    "implementation_code": ("实施编码", "Implementation code", "004 item 3"),
    "sub_item_name": ("子项名称", "Sub-item", "004 item 4"),
    "authority": ("实施主体", "Deciding authority", "004 item 5"),
    "authority_nature": ("实施主体性质", "Nature of the authority", "004 item 6"),
    "handling_office": ("承办机构", "Handling office", "004 item 7"),
    "joint_offices": ("联办机构", "Joint offices", "004 item 8"),
    "location": ("办理地点", "Where to apply", "004 item 9"),
    "office_hours": ("办理时间", "Office hours", "004 item 10"),
    "consultation_phone": ("咨询电话", "Enquiries phone", "004 item 11"),
    "supervision_phone": ("监督电话", "Supervision phone", "004 item 11"),
    "legal_basis": ("设定依据", "Legal basis", "004 item 12"),
    "eligible_persons": ("实施对象", "Who may apply", "004 item 13"),
    "levels": ("行使层级", "Administrative levels", "004 item 14"),
    "competence": ("权限划分", "Division of competence", "004 item 15"),
    "exercise_content": ("行使内容", "What the authority does", "004 item 16"),
    "cross_region_scope": ("通办范围", "Cross-region handling", "004 item 17"),
    "conditions": ("实施条件", "Conditions", "004 item 19"),
    "special_steps": ("特殊环节", "Special steps (incl. intermediaries)", "004 item 21"),
    "review_standards": ("审查方式及标准", "How applications are reviewed", "004 item 22"),
    "quantity_limit": ("数量限制", "Quantity limit", "004 item 24"),
    "result_name": ("结果名称", "Result", "004 item 26"),
    "result_type": ("结果文书类型", "Kind of result", "000 §八"),
    "result_validity": ("有效时间", "Validity of the result", "000 §八"),
    "result_sample": ("结果样本", "Specimen of the result", "004 item 27"),
    "case_type": ("办件类型", "Kind of case", "004 item 28"),
    "handling_form": ("办理形式", "How it is handled", "004 item 29"),
    "appointment": ("预约办理", "Appointments", "004 item 30"),
    "online_payment": ("网上支付", "Online payment", "004 item 31"),
    "delivery": ("物流快递", "Delivery of the result", "004 item 32"),
    "operating_system": ("运行系统", "Operating system", "004 item 33"),
    "channels": ("办理渠道", "Channels", "003 第十条"),
    "online_flow": ("线上办理流程", "Applying online, step by step", "000 §十一"),
    "progress_query": ("办理进程查询", "Checking progress", "000 §十二"),
    "consultation": ("咨询方式", "Enquiries", "000 §十五"),
    "complaints": ("投诉监督", "Complaints", "000 §十六"),
    "faq": ("常见问题", "Questions and answers", "004 item 34"),
    "duties": ("责任事项", "Duties of the authority", "004 item 35"),
    "accountability": ("追责情形", "Accountability", "004 item 36"),
    "integrity_risks": ("廉政风险点", "Integrity risk points", "004 annex"),
    "notes": ("备注", "Notes", "004 item 37"),
}
# The actions of a department case (cases/workflow.py gives each its effect on the case) and the
# roles that may take them; national/case_steps.yaml says from which step, to which, and by whom.
CASE_ACTIONS = (
    "review",
    "propose_refusal",
    "approve",
    "reject",
    "send_back",
    "produce",
    "deliver",
    "pause",
    "resume",
    # An authority outside the city decides at an `outside` step; its staff record what it decided.
    "record_approval",
    "record_refusal",
)
# The actions every table has; the others only a table with an `outside` step.
OUTSIDE_ACTIONS = ("record_approval", "record_refusal")
CASE_ROLES = ("department_handler", "department_leader", "window_clerk")
ORIGINAL_OR_COPY = ("original", "copy", "original_and_copy", "copy_with_original_for_check")
FEE_PER = ("person", "card")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# The one form (forms/application_form.yaml): the kinds of field and the checks a text field may
# name (applications/form.py TYPES and CHECKS read them).
FORM_FIELD_TYPES = ("text", "date", "choice", "bool", "email", "list")
FORM_CHECKS = ("icao_9303_td3",)
MATTER_FAMILIES = tuple(sorted({code.split(".")[0] for code in MATTER_CODES}))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Checker:
    """Collects problems while walking catalog entries."""

    def __init__(self, documents: set[str]):
        self.documents = documents
        self.problems: list[Problem] = []

    def add(self, node, message: str, context: Located | None = None) -> None:
        anchor = node if isinstance(node, Located) else context
        file, line = (anchor.file, anchor.line) if isinstance(anchor, Located) else ("?", 0)
        self.problems.append(Problem(file, line, message))

    # -- building blocks -------------------------------------------------------------------

    def mapping(
        self, node, what: str, context, allowed: set[str], required: set[str] = frozenset()
    ):
        if not isinstance(node, dict):
            self.add(context, f"{what} must be a mapping, not {type(node).__name__}", context)
            return False
        for key in node:
            if key not in allowed:
                self.add(
                    node, f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
                )
        for key in sorted(required - set(node) - {"source"}):  # source(): its own message
            self.add(node, f"{what}: missing {key!r}")
        return True

    def source(self, node, what: str) -> None:
        value = node.get("source") if isinstance(node, dict) else None
        if not value:
            self.add(node, f'{what}: missing source (e.g. "004 item 18")')
            return
        if not isinstance(value, str):
            self.add(node, f"{what}: source must be text, not {value!r}")
            return
        for part in value.split(";"):
            document = part.strip().split(" ")[0]
            if document not in self.documents:
                self.add(
                    node,
                    f"{what}: source {part.strip()!r} does not start with a known document "
                    f"({', '.join(sorted(self.documents))})",
                )

    def translated(self, node, what: str, context=None) -> None:
        """zh and en both present and non-empty."""
        if not isinstance(node, dict):
            self.add(context, f"{what} must be a mapping with zh and en", context)
            return
        for language, label in (("zh", "Chinese"), ("en", "English")):
            value = node.get(language)
            if not isinstance(value, str) or not value.strip():
                self.add(node, f"{what}: missing {label} translation ({language})")

    def text(self, node, what: str, context, extra: set[str] = frozenset(), sourced=True) -> None:
        keys = {"zh", "en", "source"} | extra if sourced else {"zh", "en"} | extra
        if self.mapping(node, what, context, keys):
            self.translated(node, what, context)
            if sourced:
                self.source(node, what)

    def requirements(self, node, what: str, context) -> None:
        """Conditions that must all hold, each with its words and source."""
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list", context)
            return
        for index, requirement in enumerate(node, 1):
            r_what = f"{what} #{index}"
            if self.mapping(
                requirement, r_what, context, {"when", "zh", "en", "source"}, {"when", "zh", "en"}
            ):
                self.translated(requirement, r_what, context)
                self.source(requirement, r_what)
                for error in condition_errors(requirement.get("when")):
                    self.add(requirement, f"{r_what}: {error}")

    def validity(self, node, what: str, context) -> None:
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list", context)
            return
        for index, entry in enumerate(node, 1):
            e_what = f"{what} #{index}"
            if self.mapping(entry, e_what, context, {"when", "zh", "en", "source"}, {"zh", "en"}):
                self.translated(entry, e_what, context)
                self.source(entry, e_what)
                for error in condition_errors(entry.get("when")):
                    self.add(entry, f"{e_what}: {error}")

    def condition(self, node, what: str, context) -> None:
        if self.mapping(node, what, context, {"when", "zh", "en", "source"}, {"when"}):
            self.translated(node, what, context)
            for error in condition_errors(node.get("when")):
                self.add(node, f"{what}: {error}")

    def code(self, node, value, what: str, choices=None) -> None:
        if not isinstance(value, str) or not CODE_RE.match(value.replace(".", "_")):
            self.add(node, f"{what}: code {value!r} must be snake_case text")
        elif choices is not None and value not in choices:
            self.add(node, f"{what}: unknown code {value!r} (known: {', '.join(choices)})")

    def positive_int(self, node, key: str, what: str, allow_zero=False) -> None:
        value = node.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < (0 if allow_zero else 1)
        ):
            least = "" if allow_zero else " above 0"
            self.add(node, f"{what}: {key} must be a whole number{least}, not {value!r}")

    # -- sourced field values -----------------------------------------------------------------

    def field(self, node, key: str, context) -> None:
        what = f"field {key!r}"
        if key not in FIELDS:
            self.add(context, f"unknown field {key!r} (known: see docs/catalog-format.md)", context)
            return
        if not isinstance(node, dict):
            self.add(context, f"{what} must be a mapping with a source", context)
            return
        if "items" in node:
            if self.mapping(node, what, context, {"items", "source"}):
                self.source(node, what)
                items = node["items"]
                if not isinstance(items, list) or not items:
                    self.add(node, f"{what}: items must be a non-empty list")
                    return
                for index, item in enumerate(items, 1):
                    item_what = f"{what} item {index}"
                    if self.mapping(item, item_what, node, {"zh", "en", "source", "title"}):
                        self.translated(item, item_what, node)
                        if "source" in item:
                            self.source(item, item_what)
        elif "value" in node:
            if self.mapping(node, what, context, {"value", "source"}):
                self.source(node, what)
        elif "blank" in node:
            if self.mapping(node, what, context, {"blank", "source"}):
                self.source(node, what)
                if node["blank"] is not True:
                    self.add(node, f"{what}: blank must be true")
        else:
            self.text(node, what, context)

    # -- structured parts of a matter ----------------------------------------------------------

    def materials(self, node, what: str, context) -> None:
        if not isinstance(node, list):
            self.add(context, f"{what} must be a list", context)
            return
        seen: set[str] = set()
        allowed = {
            "code",
            "name",
            "original_or_copy",
            "copies",
            "format",
            "channel",
            "signature",
            "electronic",
            "condition",
            "source",
            "note",
        }
        for index, material in enumerate(node, 1):
            m_what = f"{what} #{index}"
            if not self.mapping(material, m_what, context, allowed, {"code", "name", "source"}):
                continue
            code = material.get("code")
            self.code(material, code, m_what)
            if code in seen:
                self.add(material, f"{m_what}: code {code!r} appears twice")
            seen.add(code)
            m_what = f"material {code!r}"
            self.text(material.get("name"), f"{m_what} name", material, sourced=False)
            self.source(material, m_what)
            if (
                "original_or_copy" in material
                and material["original_or_copy"] not in ORIGINAL_OR_COPY
            ):
                self.add(
                    material,
                    f"{m_what}: original_or_copy must be one of {', '.join(ORIGINAL_OR_COPY)}",
                )
            if "copies" in material:
                self.positive_int(material, "copies", m_what)
            for key in ("format", "channel", "signature", "note"):
                if key in material:
                    self.text(material[key], f"{m_what} {key}", material, sourced=False)
            if "electronic" in material and not isinstance(material["electronic"], bool):
                self.add(material, f"{m_what}: electronic must be true or false")
            if "condition" in material:
                self.condition(material["condition"], f"{m_what} condition", material)

    def limits(self, node, what: str, context, key="working_days") -> None:
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list", context)
            return
        for index, entry in enumerate(node, 1):
            e_what = f"{what} #{index}"
            allowed = {key, "when", "zh", "en", "source"}
            if not self.mapping(entry, e_what, context, allowed, {key, "source"}):
                continue
            if key == "working_days":
                self.positive_int(entry, key, e_what)
            elif not isinstance(entry.get(key), bool):
                self.add(entry, f"{e_what}: {key} must be true or false")
            self.source(entry, e_what)
            if "when" in entry:
                self.translated(entry, e_what, context)
                for error in condition_errors(entry["when"]):
                    self.add(entry, f"{e_what}: {error}")
            elif index != len(node):
                self.add(
                    entry,
                    f"{e_what}: only the last entry may go without `when` (it is the default)",
                )

    def time_limits(self, node, what: str, context) -> None:
        if self.mapping(node, what, context, {"statutory", "promised"}):
            if not node:
                self.add(node, f"{what}: give statutory or promised, or leave time_limits out")
            for kind in ("statutory", "promised"):
                if kind in node:
                    self.limits(node[kind], f"{what} {kind}", node)

    def flow(self, node, what: str, context) -> None:
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list", context)
            return
        seen: set[str] = set()
        for index, step in enumerate(node, 1):
            s_what = f"{what} step #{index}"
            allowed = {
                "code",
                "name",
                "working_days",
                "counted_in_promise",
                "when",
                "note",
                "source",
            }
            if not self.mapping(step, s_what, context, allowed, {"code", "name", "source"}):
                continue
            self.code(step, step.get("code"), s_what)
            if step.get("code") in seen:
                self.add(step, f"{s_what}: code {step.get('code')!r} appears twice")
            seen.add(step.get("code"))
            self.text(step.get("name"), f"{s_what} name", step, sourced=False)
            self.source(step, s_what)
            if "working_days" in step:
                self.positive_int(step, "working_days", s_what)
            if "note" in step:
                self.text(step["note"], f"{s_what} note", step, sourced=False)
            if "when" in step:
                for error in condition_errors(step["when"]):
                    self.add(step, f"{s_what}: {error}")

    def fees(self, node, what: str, context) -> None:
        if not self.mapping(
            node,
            what,
            context,
            {"charged", "basis", "items", "source", "zh", "en"},
            {"charged", "source"},
        ):
            return
        self.source(node, what)
        if not isinstance(node.get("charged"), bool):
            self.add(node, f"{what}: charged must be true or false")
        if "zh" in node or "en" in node:
            self.translated(node, what, context)
        if "basis" in node:
            self.text(node["basis"], f"{what} basis", node, sourced=False)
        items = node.get("items", [])
        if node.get("charged") and not items:
            self.add(node, f"{what}: charged fees need items with amounts")
        if not isinstance(items, list):
            self.add(node, f"{what}: items must be a list")
            return
        for index, item in enumerate(items, 1):
            i_what = f"{what} item #{index}"
            allowed = {"code", "zh", "en", "amount_cny", "per", "when", "source"}
            if not self.mapping(item, i_what, node, allowed, {"code", "amount_cny", "per"}):
                continue
            self.code(item, item.get("code"), i_what)
            self.translated(item, i_what, node)
            self.positive_int(item, "amount_cny", i_what, allow_zero=True)
            if item.get("per") not in FEE_PER:
                self.add(item, f"{i_what}: per must be one of {', '.join(FEE_PER)}")
            if "source" in item:
                self.source(item, i_what)
            if "when" in item:
                for error in condition_errors(item["when"]):
                    self.add(item, f"{i_what}: {error}")

    def interview(self, node, what: str, context) -> None:
        if self.mapping(
            node,
            what,
            context,
            {"required", "agent_allowed", "zh", "en", "source"},
            {"required", "source"},
        ):
            self.source(node, what)
            if not isinstance(node.get("required"), bool):
                self.add(node, f"{what}: required must be true or false")
            if "zh" in node or "en" in node:
                self.translated(node, what, context)
            if "agent_allowed" in node:
                self.condition(node["agent_allowed"], f"{what} agent_allowed", node)

    def routes(self, node, what: str, context) -> None:
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list", context)
            return
        for index, route in enumerate(node, 1):
            r_what = f"{what} #{index}"
            allowed = {
                "code",
                "name",
                "eligibility",
                "requirements",
                "materials",
                "time_limits",
                "notification",
                "source",
            }
            if not self.mapping(
                route, r_what, context, allowed, {"code", "name", "requirements", "source"}
            ):
                continue
            self.code(route, route.get("code"), r_what, ROUTE_CODES)
            r_what = f"route {route.get('code')!r}"
            self.text(route.get("name"), f"{r_what} name", route, sourced=False)
            self.source(route, r_what)
            if "eligibility" in route:
                self.text(route["eligibility"], f"{r_what} eligibility", route, sourced=False)
            self.requirements(route.get("requirements"), f"{r_what} requirements", route)
            if "materials" in route:
                self.materials(route["materials"], f"{r_what} materials", route)
            if "time_limits" in route:
                self.time_limits(route["time_limits"], f"{r_what} time_limits", route)
            if "notification" in route:
                self.text(route["notification"], f"{r_what} notification", route)

    def fields(self, node, context) -> None:
        if self.mapping(node, "fields", context, set(FIELDS)):
            for key, value in node.items():
                if key in FIELDS:
                    self.field(value, key, node)

    # -- whole entries ------------------------------------------------------------------------

    MATTER_PARTS = {
        "fields",
        "time_limits",
        "materials",
        "flow",
        "fees",
        "interview",
        "routes",
        "name",
        "eligibility",
        "appointment",
        "validity",
        "validity_days",
        "case_steps",
        "photo",
        "form",
    }

    def case_steps(self, node, what: str, context) -> None:
        """A case's steps and the actions that move it, the rules of opinions between
        departments and the results they share (national/case_steps.yaml)."""
        if not self.mapping(
            node,
            what,
            context,
            {"steps", "ends", "actions", "opinions", "shared_results"},
            {"steps", "ends", "actions"},
        ):
            return
        if "opinions" in node:
            self.opinions(node["opinions"], f"{what} opinions", node)
        if "shared_results" in node:
            self.shared_results(node["shared_results"], f"{what} shared_results", node)
        for key in ("steps", "ends", "actions"):
            if not isinstance(node.get(key), list) or not node.get(key):
                self.add(node, f"{what}: {key} must be a non-empty list", context)
                return
        codes = []
        for step in node["steps"]:
            if self.mapping(
                step,
                f"{what} step",
                node,
                {"code", "name", "budget_from_flow", "outside", "waits_for", "source"},
                {"code", "name", "source"},
            ):
                self.code(step, step.get("code"), f"{what} step")
                self.text(
                    step.get("name"), f"{what} step {step.get('code')!r}", step, sourced=False
                )
                self.source(step, f"{what} step {step.get('code')!r}")
                codes.append(step.get("code"))
                if "outside" in step:
                    self.outside_step(step["outside"], f"{what} step {step.get('code')!r}", step)
        for step in node["steps"]:
            if isinstance(step, dict) and "waits_for" in step:
                self.waits_for(step["waits_for"], f"{what} step {step.get('code')!r}", codes)
        for end in node["ends"]:
            self.code(node, end, f"{what} end")
        reached = set(codes) | set(node["ends"])
        seen = set()
        for action in node["actions"]:
            a_what = f"{what} action {action.get('code') if isinstance(action, dict) else ''!r}"
            if not self.mapping(
                action,
                a_what,
                node,
                {"code", "from", "to", "roles", "not_by", "needs_reasons", "source"},
                {"code", "from", "roles", "source"},
            ):
                continue
            self.code(action, action.get("code"), a_what, CASE_ACTIONS)
            if action.get("code") in seen:
                self.add(action, f"{a_what} is given twice")
            seen.add(action.get("code"))
            self.source(action, a_what)
            leaves = action.get("from")
            if not isinstance(leaves, list) or not leaves or set(leaves) - set(codes):
                self.add(action, f"{a_what}: from must list steps of {', '.join(codes)}")
            if "to" in action and action["to"] not in reached:
                self.add(action, f"{a_what}: to {action['to']!r} is neither a step nor an end")
            roles = action.get("roles")
            if not isinstance(roles, list) or not roles or set(roles) - set(CASE_ROLES):
                self.add(action, f"{a_what}: roles must list some of {', '.join(CASE_ROLES)}")
            if "not_by" in action and action["not_by"] not in codes:
                self.add(action, f"{a_what}: not_by {action['not_by']!r} is not a step")
            if not isinstance(action.get("needs_reasons", False), bool):
                self.add(action, f"{a_what}: needs_reasons must be true or false")
        outside = any(isinstance(s, dict) and "outside" in s for s in node["steps"])
        needed = set(CASE_ACTIONS) if outside else set(CASE_ACTIONS) - set(OUTSIDE_ACTIONS)
        for missing in sorted(needed - seen):
            self.add(node, f"{what}: no action {missing!r}", context)

    def outside_step(self, node, what: str, context) -> None:
        """A step decided by an authority outside the city: who, and what the applicant is told
        to expect, since no working-day clock of ours runs there (001 办理时限: 等通知)."""
        if not self.mapping(
            node, f"{what} outside", context, {"authority", "expected"}, {"authority", "expected"}
        ):
            return
        self.text(node.get("authority"), f"{what} outside authority", node, sourced=False)
        self.text(node.get("expected"), f"{what} outside expected", node, sourced=False)

    def waits_for(self, node, what: str, codes: list) -> None:
        """A step at which a case waits for an action on another case of the same application
        (003 第十五条), and the step it starts at then."""
        keys = {"family", "action", "then", "source"}
        if not self.mapping(node, f"{what} waits_for", node, keys, keys):
            return
        self.source(node, f"{what} waits_for")
        self.code(node, node.get("family"), f"{what} waits_for", MATTER_FAMILIES)
        self.code(node, node.get("action"), f"{what} waits_for", CASE_ACTIONS)
        if node.get("then") not in codes:
            self.add(node, f"{what} waits_for: then {node.get('then')!r} is not a step")

    def opinions(self, node, what: str, context) -> None:
        """Whether an opinion asked of another department has a due date and stops the clock."""
        keys = {"working_days", "pauses_clock", "source"}
        if not self.mapping(node, what, context, keys, keys):
            return
        self.source(node, what)
        if node.get("working_days") is not None:
            self.positive_int(node, "working_days", what)
        if not isinstance(node.get("pauses_clock"), bool):
            self.add(node, f"{what}: pauses_clock must be true or false", context)

    def shared_results(self, node, what: str, context) -> None:
        """Which matter families receive the result of another family's case."""
        if not isinstance(node, list):
            self.add(node, f"{what} must be a list", context)
            return
        families = MATTER_FAMILIES
        for rule in node:
            if not self.mapping(
                rule, f"{what} entry", node, {"from", "to", "source"}, {"from", "to", "source"}
            ):
                continue
            r_what = f"{what} from {rule.get('from')!r}"
            self.source(rule, r_what)
            self.code(rule, rule.get("from"), r_what, families)
            if not isinstance(rule.get("to"), list) or not rule.get("to"):
                self.add(rule, f"{r_what}: to must be a non-empty list")
                continue
            for family in rule["to"]:
                self.code(rule, family, r_what, families)

    def form(self, node, what: str, context) -> None:
        """The one form's sections (forms/application_form.yaml): each with its title, source,
        the families that ask it (all when none) and its fields."""
        if not isinstance(node, list) or not node:
            self.add(context, f"{what} must be a non-empty list of sections", context)
            return
        seen: set[str] = set()
        for section in node:
            s_what = f"{what} section {section.get('code') if isinstance(section, dict) else ''!r}"
            if not self.mapping(
                section,
                s_what,
                node,
                {"code", "title", "source", "families", "fields"},
                {"code", "title", "source", "fields"},
            ):
                continue
            self.code(section, section.get("code"), s_what)
            self.text(section.get("title"), f"{s_what} title", section, sourced=False)
            self.source(section, s_what)
            for family in section.get("families") or []:
                self.code(section, family, s_what, MATTER_FAMILIES)
            self.form_fields(section.get("fields"), s_what, section, seen)

    def form_fields(self, node, what: str, context, seen: set[str]) -> None:
        if not isinstance(node, list) or not node:
            self.add(context, f"{what}: fields must be a non-empty list", context)
            return
        allowed = {"code", "zh", "en", "type", "required", "pattern", "choices", "fields"}
        allowed |= {"check", "multiline", "help", "must_be_true", "source"}
        for field in node:
            f_what = f"{what} field {field.get('code') if isinstance(field, dict) else ''!r}"
            if not self.mapping(field, f_what, context, allowed, {"code", "zh", "en", "type"}):
                continue
            self.code(field, field.get("code"), f_what)
            if field.get("code") in seen:
                self.add(field, f"{f_what} is given twice")
            seen.add(field.get("code"))
            self.translated(field, f_what, context)
            kind = field.get("type")
            self.code(field, kind, f"{f_what} type", FORM_FIELD_TYPES)
            for flag in ("required", "multiline", "must_be_true"):
                if not isinstance(field.get(flag, False), bool):
                    self.add(field, f"{f_what}: {flag} must be true or false")
            if "pattern" in field:
                try:
                    re.compile(field["pattern"])
                except (re.error, TypeError):
                    self.add(field, f"{f_what}: pattern {field['pattern']!r} is not a pattern")
            if "check" in field:
                self.code(field, field["check"], f"{f_what} check", FORM_CHECKS)
            if "help" in field:
                self.text(field["help"], f"{f_what} help", field, sourced=False)
            if kind == "choice":
                choices = field.get("choices")
                if not isinstance(choices, dict) or not choices:
                    self.add(field, f"{f_what}: choices must be a non-empty mapping")
                else:
                    for key, words in choices.items():
                        self.text(words, f"{f_what} choice {key!r}", field, sourced=False)
            elif "choices" in field:
                self.add(field, f"{f_what}: only a choice has choices")
            if kind == "list":
                self.form_fields(field.get("fields"), f_what, field, set())
            elif "fields" in field:
                self.add(field, f"{f_what}: only a list has fields")

    PHOTO_RULES = {"proportions", "resolution", "background", "recent"}

    def photo(self, node, what: str, context) -> None:
        """The photo's rules (national/photo.yaml, or a matter's `photo` override): its
        materials and each reading with its value and source."""
        if not self.mapping(node, what, context, self.PHOTO_RULES | {"materials"}, {"materials"}):
            return
        missing = self.PHOTO_RULES - set(node)
        if missing:
            self.add(node, f"{what}: missing {', '.join(sorted(missing))}", context)
        for material in node.get("materials") or []:
            if self.mapping(
                material,
                f"{what} material",
                node,
                {"matter", "material", "source"},
                {"material", "source"},
            ):
                self.source(material, f"{what} material {material.get('material')!r}")
                if "matter" in material:
                    self.code(material, material["matter"], f"{what} material", MATTER_CODES)

    def matter_parts(self, node, what: str) -> None:
        """The parts shared by a baseline matter and a regional override."""
        if "form" in node:
            self.form(node["form"], f"{what} form", node)
        if "photo" in node:
            self.photo(node["photo"], f"{what} photo", node)
        if "case_steps" in node:
            self.case_steps(node["case_steps"], f"{what} case_steps", node)
        if "name" in node:
            self.text(node["name"], f"{what} name", node)
        if "fields" in node:
            self.fields(node["fields"], node)
        if "time_limits" in node:
            self.time_limits(node["time_limits"], f"{what} time_limits", node)
        if "materials" in node:
            self.materials(node["materials"], f"{what} materials", node)
        if "flow" in node:
            self.flow(node["flow"], f"{what} flow", node)
        if "fees" in node:
            self.fees(node["fees"], f"{what} fees", node)
        if "interview" in node:
            self.interview(node["interview"], f"{what} interview", node)
        if "routes" in node:
            self.routes(node["routes"], f"{what} routes", node)
        if "eligibility" in node:
            self.requirements(node["eligibility"], f"{what} eligibility", node)
        if "appointment" in node:
            self.limits(node["appointment"], f"{what} appointment", node, key="required")
        if "validity" in node:
            self.validity(node["validity"], f"{what} validity", node)
        if "validity_days" in node:
            days = node["validity_days"]
            if self.mapping(
                days,
                f"{what} validity_days",
                node,
                {"min", "max", "source"},
                {"min", "max", "source"},
            ):
                self.source(days, f"{what} validity_days")
                self.positive_int(days, "min", f"{what} validity_days")
                self.positive_int(days, "max", f"{what} validity_days")

    def matter(self, node, departments: set[str], context) -> None:
        allowed = self.MATTER_PARTS | {"code", "department"}
        if not self.mapping(node, "matter", context, allowed, {"code", "name", "department"}):
            return
        self.code(node, node.get("code"), "matter", MATTER_CODES)
        if node.get("department") not in departments:
            self.add(
                node, f"matter {node.get('code')!r}: unknown department {node.get('department')!r}"
            )
        self.matter_parts(node, f"matter {node.get('code')!r}")

    BUNDLE_PARTS = {
        "name",
        "matters",
        "fields",
        "time_limits",
        "pre_examination",
        "appointment",
        "routing_working_days",
        "flow",
        "eligibility",
        "exempt_materials",
        "deliver_together",
        "appointment_after",
        "form",
        "form_note",
    }

    def bundle_parts(self, node, what: str) -> None:
        if "form" in node:
            self.form(node["form"], f"{what} form", node)
        if "form_note" in node:
            self.text(node["form_note"], f"{what} form_note", node)
        if "name" in node:
            self.text(node["name"], f"{what} name", node)
        if "matters" in node:
            members = node["matters"]
            if not isinstance(members, list) or not members:
                self.add(node, f"{what}: matters must be a non-empty list")
            else:
                for member in members:
                    if self.mapping(
                        member,
                        f"{what} member",
                        node,
                        {"code", "optional", "source"},
                        {"code", "source"},
                    ):
                        self.code(member, member.get("code"), f"{what} member", MATTER_CODES)
                        self.source(member, f"{what} member {member.get('code')!r}")
        if "fields" in node:
            self.fields(node["fields"], node)
        if "time_limits" in node:
            self.time_limits(node["time_limits"], f"{what} time_limits", node)
        if "pre_examination" in node:
            self.limits(node["pre_examination"], f"{what} pre_examination", node)
        if "appointment" in node:
            self.limits(node["appointment"], f"{what} appointment", node, key="required")
        if "routing_working_days" in node:
            value = node["routing_working_days"]
            if self.mapping(
                value, f"{what} routing_working_days", node, {"value", "source"}, {"value"}
            ):
                self.source(value, f"{what} routing_working_days")
        if "flow" in node:
            self.flow(node["flow"], f"{what} flow", node)
        if "eligibility" in node:
            self.requirements(node["eligibility"], f"{what} eligibility", node)
        if "appointment_after" in node:
            value = node["appointment_after"]
            if self.mapping(
                value, f"{what} appointment_after", node, {"status", "source"}, {"status", "source"}
            ):
                self.source(value, f"{what} appointment_after")
        if "deliver_together" in node:
            value = node["deliver_together"]
            if self.mapping(
                value, f"{what} deliver_together", node, {"value", "source"}, {"value"}
            ):
                self.source(value, f"{what} deliver_together")
        for exempt in node.get("exempt_materials", []) or []:
            e_what = f"{what} exempt material"
            if self.mapping(
                exempt,
                e_what,
                node,
                {"matter", "material", "zh", "en", "source"},
                {"matter", "material", "zh", "en"},
            ):
                self.translated(exempt, e_what, node)
                self.source(exempt, e_what)
                self.code(exempt, exempt.get("matter"), e_what, MATTER_CODES)

    def bundle(self, node, context) -> None:
        if not self.mapping(
            node, "bundle", context, self.BUNDLE_PARTS | {"code"}, {"code", "name", "matters"}
        ):
            return
        self.code(node, node.get("code"), "bundle", BUNDLE_CODES)
        self.bundle_parts(node, f"bundle {node.get('code')!r}")

    def inherits(self, node, what: str, context) -> None:
        """The parts of other regions' documents a region applies as its own, each named with
        what it gives and why the region applies it (docs/adr/0007-region-rule-sets.md)."""
        if not isinstance(node, list):
            self.add(context, f"{what} must be a list of {{source, what, why}}", context)
            return
        for entry in node:
            if self.mapping(
                entry, what, node, {"source", "what", "why"}, {"source", "what", "why"}
            ):
                self.source(entry, what)
                self.text(
                    entry.get("what"), f"{what} {entry.get('source')!r} what", entry, sourced=False
                )
                if not isinstance(entry.get("why"), str) or not entry["why"].strip():
                    self.add(entry, f"{what} {entry.get('source')!r}: why must be text")

    def without(self, node, what: str, context) -> None:
        """The parts of the national baseline a region does not apply: a matter's part
        ("interview") or one of its fields ("fields.conditions")."""
        if not isinstance(node, list) or not all(isinstance(key, str) for key in node):
            self.add(context, f"{what} must be a list of part names", context)
            return
        for key in node:
            part, _, field = key.partition(".")
            if part not in self.MATTER_PARTS or (field and part != "fields"):
                self.add(context, f"{what}: {key!r} is not a part of a matter", context)

    def window(self, node, what: str, context) -> None:
        """A region's window rules; any key may be left to the national default."""
        keys = {
            "receipt_validity_days",
            "receipt_covers_due",
            "legal_stay_note",
            "notice_legal_basis",
            "application_number",
            "acceptance_number",
            "one_document",
        }
        if not self.mapping(node, what, context, keys):
            return
        if "receipt_validity_days" in node:
            days = node["receipt_validity_days"]
            k_what = f"{what} receipt_validity_days"
            if self.mapping(days, k_what, node, {"value", "source"}, {"value", "source"}):
                self.source(days, k_what)
                self.positive_int(days, "value", k_what)
        if "receipt_covers_due" in node:
            cover = node["receipt_covers_due"]
            k_what = f"{what} receipt_covers_due"
            keys = {"delivery_working_days", "source"}
            if self.mapping(cover, k_what, node, keys, keys):
                self.source(cover, k_what)
                days = cover.get("delivery_working_days")
                if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                    self.add(cover, f"{k_what}: delivery_working_days must be a whole number >= 0")
        if "legal_stay_note" in node:
            self.text(node["legal_stay_note"], f"{what} legal_stay_note", node)
        if "notice_legal_basis" in node:
            basis, k_what = node["notice_legal_basis"], f"{what} notice_legal_basis"
            if self.mapping(basis, k_what, node, {"source"}, {"source"}):
                self.source(basis, k_what)
        if "one_document" in node:
            shared, k_what = node["one_document"], f"{what} one_document"
            keys = {"materials", "source"}
            if self.mapping(shared, k_what, node, keys, keys):
                self.source(shared, k_what)
                materials = shared.get("materials")
                if not isinstance(materials, list) or not materials:
                    self.add(shared, f"{k_what}: materials must be a list of material codes")
                else:
                    for code in materials:
                        self.code(shared, code, "material")
        for key in ("application_number", "acceptance_number"):
            if key in node:
                k_what = f"{what} {key}"
                if self.mapping(
                    node[key], k_what, node, {"format", "source"}, {"format", "source"}
                ):
                    self.source(node[key], k_what)
                    if not isinstance(node[key].get("format"), str):
                        self.add(node[key], f"{k_what}: format must be text")

    HALL_KEYS = {
        "adjusted_working_day_hours",
        "code",
        "name",
        "address",
        "phone",
        "hours",
        "hours_group",
        "hours_note",
        "notes",
        "one_stop_counter",
        "matters",
        "source",
    }
    DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

    def hall(self, node, region: str, context) -> None:
        if not self.mapping(node, "hall", context, self.HALL_KEYS, {"code", "name", "source"}):
            return
        what = f"hall {node.get('code')!r}"
        self.code(node, node.get("code"), "hall")
        self.text(node.get("name"), f"{what} name", node, sourced=False)
        self.source(node, what)
        if "address" in node:
            self.text(node["address"], f"{what} address", node, sourced=False)
        if "phone" in node and not isinstance(node["phone"], str):
            self.add(node, f"{what}: phone must be text (quote it)")
        for key in ("hours_note", "notes"):
            if key in node:
                self.text(node[key], f"{what} {key}", node)
        for session in node.get("hours", []) or []:
            if not self.mapping(
                session,
                f"{what} hours",
                node,
                {"days", "opens", "closes"},
                {"days", "opens", "closes"},
            ):
                continue
            days = session.get("days")
            if not isinstance(days, list) or not days or any(d not in self.DAYS for d in days):
                self.add(session, f"{what}: days must be a list of {', '.join(self.DAYS)}")
            opens, closes = str(session.get("opens")), str(session.get("closes"))
            if not (self.TIME_RE.match(opens) and self.TIME_RE.match(closes)):
                self.add(session, f'{what}: opens/closes must be quoted "HH:MM" times')
            elif opens >= closes:
                self.add(session, f"{what}: opens {opens} is not before closes {closes}")
        adjusted = node.get("adjusted_working_day_hours")
        if adjusted is not None and self.mapping(
            adjusted, f"{what} adjusted_working_day_hours", node, {"weekday", "source"}, {"weekday"}
        ):
            self.source(adjusted, f"{what} adjusted_working_day_hours")
            if adjusted.get("weekday") not in self.DAYS[:5]:
                self.add(adjusted, f"{what}: weekday must be one of mon, tue, wed, thu, fri")
        for code in node.get("matters", []) or []:
            if code not in MATTER_CODES:
                self.add(node, f"{what}: unknown matter {code!r}")
