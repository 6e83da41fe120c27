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


def _problems(version) -> list[str]:
    problems = []
    if not version.name_zh or not version.name_en:
        problems.append("the name needs both Chinese and English")
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
        problems += [p.message for p in checker.problems]
        for material in version.materials.all():
            if not material.name_zh or not material.name_en:
                problems.append(f"material {material.code}: name needs Chinese and English")
            if not material.source:
                problems.append(f"material {material.code}: source is missing")
            if material.condition is not None:
                problems += [
                    f"material {material.code}: {e}" for e in condition_errors(material.condition)
                ]
                if not material.condition_zh or not material.condition_en:
                    problems.append(
                        f"material {material.code}: condition needs words in Chinese and English"
                    )
    return problems


@transaction.atomic
def publish(version, acting_user, *, acting_role: str) -> list[str]:
    """Publish a draft under the next number; returns the problems that prevent it, if any."""
    model = type(version)
    version = model.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        return ["only a draft can be published"]
    problems = _problems(version)
    if problems:
        return problems
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
    _record(
        "catalog.published",
        version,
        acting_user,
        acting_role,
        version=number,
        from_status=VersionStatus.DRAFT,
        to_status=VersionStatus.PUBLISHED,
    )
    return []
