"""Writes on catalog versions made by people: copy a published version into a draft, publish it.

The loader publishes what the files say; these functions serve the admin, with the same checks.
Each write is an audit entry in its transaction (GB/T 22239-2019 8.1.4.3 a: the rules in force
change only by a recorded act): who, in which administrator role, which version of which matter
or bundle in which region, its number and status. `acting_role` comes from the caller (the
admin site knows the administrator's role; the catalog sits below the accounts).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from onestop.audit.chain import append
from onestop.refusals import Invalid, Refused

from . import content, generations
from .conditions import condition_errors
from .models import MatterVersion, SourceDocument, VersionOrigin, VersionStatus
from .schema import Checker


def _record(action: str, written, acting_user, acting_role: str, **detail) -> None:
    """The audit entry of a version `written`: `detail` names its number and status."""
    if isinstance(written, MatterVersion):
        object_type, subject = "matter_version", {"matter": written.matter.code}
    else:
        object_type, subject = "bundle_version", {"bundle": written.bundle.code}
    append(
        action,
        actor=acting_user,
        actor_role=acting_role,
        object_type=object_type,
        object_ref=str(written.pk),
        region=written.region.code,
        detail={**subject, **detail},
    )


@transaction.atomic
def copy_to_draft(version, acting_user, *, acting_role: str):
    """A draft copy of `version` (with its materials), ready to edit; the original is untouched."""
    model = type(version)
    draft = model.objects.get(pk=version.pk)
    draft.pk = None
    draft.number = None
    draft.status = VersionStatus.DRAFT
    draft.origin = VersionOrigin.ADMIN
    draft.published_at = None
    draft.content_hash = ""
    draft.valid_from = max(version.valid_from, timezone.localdate())
    draft.note = f"Draft copied from version {version.number} by {acting_user.get_username()}"
    draft.save()
    if isinstance(version, MatterVersion):
        for material in version.materials.all():
            material.pk = None
            material.version = draft
            material.save()
    _record(
        "catalog.draft_copied",
        draft,
        acting_user,
        acting_role,
        version=version.number,
        to_status=VersionStatus.DRAFT,
    )
    return draft


def _problem(code: str, field: str, message_en: str, message_zh: str) -> dict:
    return {"field": field, "code": code, "message_en": message_en, "message_zh": message_zh}


def _problems(version) -> list[dict]:
    problems = []
    build = content.matter_content if isinstance(version, MatterVersion) else content.bundle_content
    try:
        build(version.content, "content")  # what the rules will read (content.py)
    except content.ContentInvalid as exc:
        problems += [
            _problem("catalog.content_invalid", "content", m, f"内容有误：{m}")
            for m in exc.messages
        ]
    if not version.name_zh or not version.name_en:
        problems.append(
            _problem(
                "catalog.name_untranslated",
                "name",
                "the name needs both Chinese and English",
                "名称须有中文和英文",
            )
        )
    if "form" in version.content:
        # The one form asks and checks what applications under the version fill in
        # (applications/form.py): checked as the loader checks its file.
        checker = Checker(set(SourceDocument.objects.values_list("code", flat=True)))
        checker.form(version.content["form"], "form", None)
        problems += [
            _problem("catalog.form_invalid", "form", p.message, f"申请表有误：{p.message}")
            for p in checker.problems
        ]
    if isinstance(version, MatterVersion):
        # The case steps move every case routed under the version (cases/workflow.py), the photo
        # rules check its photos (documents/photo.py): checked as the loader checks their files.
        checker = Checker(set(SourceDocument.objects.values_list("code", flat=True)))
        if "case_steps" in version.content:
            checker.case_steps(version.content["case_steps"], "case_steps", None)
        else:
            checker.add(None, "case_steps: missing")
        if "photo" in version.content:
            checker.photo(version.content["photo"], "photo", None)
        problems += [
            _problem(
                "catalog.case_steps_invalid", "case_steps", p.message, f"办理步骤有误：{p.message}"
            )
            for p in checker.problems
        ]
        for material in version.materials.all():
            code = material.code
            if not material.name_zh or not material.name_en:
                problems.append(
                    _problem(
                        "catalog.material_untranslated",
                        code,
                        f"material {code}: name needs Chinese and English",
                        f"材料{code}：名称须有中文和英文",
                    )
                )
            if not material.source:
                problems.append(
                    _problem(
                        "catalog.material_source_missing",
                        code,
                        f"material {code}: source is missing",
                        f"材料{code}：缺少依据来源",
                    )
                )
            if material.condition is not None:
                # The evaluator's findings are about the expression itself, in its own terms.
                problems += [
                    _problem(
                        "catalog.condition_invalid",
                        code,
                        f"material {code}: {e}",
                        f"材料{code}的适用条件有误：{e}",
                    )
                    for e in condition_errors(material.condition)
                ]
                if not material.condition_zh or not material.condition_en:
                    problems.append(
                        _problem(
                            "catalog.condition_untranslated",
                            code,
                            f"material {code}: condition needs words in Chinese and English",
                            f"材料{code}：适用条件须有中文和英文说明",
                        )
                    )
    return problems


@transaction.atomic
def publish(version, acting_user, *, acting_role: str):
    """Publish a draft under the next number, and answer the published version; Refused when it
    is not a draft, Invalid with every problem when something prevents it."""
    model = type(version)
    version = model.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Refused("catalog.not_a_draft", "Only a draft can be published.", "只有草稿可以发布。")
    problems = _problems(version)
    if problems:
        raise Invalid(problems)
    identity = (
        {"matter": version.matter}
        if isinstance(version, MatterVersion)
        else {"bundle": version.bundle}
    )
    number = (
        model.objects.filter(**identity, region=version.region).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    model.objects.filter(pk=version.pk).update(
        number=number,
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
        note=(version.note + f"\nPublished by {acting_user.get_username()}").strip(),
    )
    generations.bump(generations.CATALOG)  # update() sends no signal
    _record(
        "catalog.published",
        version,
        acting_user,
        acting_role,
        version=number,
        from_status=VersionStatus.DRAFT,
        to_status=VersionStatus.PUBLISHED,
    )
    return model.objects.get(pk=version.pk)
