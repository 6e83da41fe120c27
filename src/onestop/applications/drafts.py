"""Starting, saving and resuming an application, and giving files for its materials."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError as ProfileError

from onestop.accounts import roles
from onestop.accounts.models import Employer, Role
from onestop.catalog import selectors
from onestop.catalog.models import Matter
from onestop.documents import file_names, photo, uploads
from onestop.refusals import Invalid
from onestop.rules import bundles
from onestop.rules import materials as material_rules
from onestop.rules.checklist import UnknownCode, version_for
from onestop.rules.messages import message_zh
from onestop.rules.profile import Profile

from . import filing, prefill
from . import form as one_form
from .access import roles_on
from .models import Application, ApplicationMatter, Status, Upload
from .versions import bundle_version, covered_pks, covered_versions
from .workflow import APPLICANT_SIDE, append_event

EDITABLE = (Status.DRAFT, Status.CORRECTION_REQUESTED)  # corrections are made in place


def matter_codes(region, *, bundle: str | None, matter: str | None) -> list[str]:
    if matter:
        return [matter]
    version = next(v for v in selectors.bundle_versions(region) if v.bundle.code == bundle)
    return bundles.member_codes(version)


def _form_in_force(region, *, bundle: str | None, matter: str | None) -> list[dict]:
    """The one form of the version a new draft is filed under (the bundle's, else the
    matter's), before the draft records its versions."""
    if matter:
        return one_form.of_versions([selectors.matter_version(region, matter)])
    return one_form.of_versions(
        [v for v in selectors.bundle_versions(region) if v.bundle.code == bundle][:1]
    )


# Facts of the rules the one form already asks: taken from the form, so that nobody is asked
# twice (003 第四条 reads the nationality the form gives; the date of birth is the form's, 004
# 附件4 §1, and the age the rules read is counted from it). Where the form gives one, its answer
# is the fact; the page asks no question of its own for it.
FACTS_FROM_THE_FORM = ("nationality", "date_of_birth")


def _with_form_facts(profile: dict | None, form: dict | None) -> dict:
    given = dict(profile or {})
    for name in FACTS_FROM_THE_FORM:
        value = (form or {}).get(name)
        if isinstance(value, str) and value:
            given[name] = value
        elif name in (form or {}):  # emptied on the form: no longer known
            given.pop(name, None)
    return given


def facts_the_form_asks(application: Application) -> set[str]:
    """The facts of FACTS_FROM_THE_FORM the application's form asks (not asked again)."""
    asked = {f["code"] for s in one_form.sections_for(application) for f in s["fields"]}
    return set(FACTS_FROM_THE_FORM) & asked


def _profile(data: dict | None) -> dict:
    try:
        return Profile.model_validate(data or {}).model_dump(mode="json", exclude_none=True)
    except ProfileError as exc:
        raise Invalid(
            [
                {
                    "field": ".".join(["profile", *(str(p) for p in e["loc"])]),
                    "code": "profile." + e["type"],
                    "message_en": e["msg"],
                    "message_zh": message_zh(e),
                }
                for e in exc.errors()
            ]
        ) from exc


def _capture_versions(application: Application, recorded: list[int] | None = None) -> None:
    """Record the catalog version in force of every matter covered and of the bundle
    (re-taken on submission; rows are rewritten only where a version changed). `recorded`:
    the pks of its covered versions, when the caller has read them already."""
    region = application.region
    if application.bundle_id:
        bundle = next(
            v for v in selectors.bundle_versions(region) if v.bundle_id == application.bundle_id
        )
        codes = bundles.member_codes(bundle)
        if bundle.pk != application.bundle_version_id:
            application.bundle_version = bundle
            application.save(update_fields=["bundle_version"])
    else:
        codes = [application.matter.code]
    versions = [selectors.matter_version(region, code) for code in codes]
    if recorded is None:
        recorded = covered_pks(application)
    if recorded == [v.pk if v else None for v in versions]:
        return
    if recorded:
        application.covered.all().delete()
    # In one statement, which sends no post_save for progress answers to see
    # (progress/answers.py): none is wanted. A draft keeps no answer, and a filing's own
    # transition, in the same transaction, moves its answer on.
    ApplicationMatter.objects.bulk_create(
        ApplicationMatter(application=application, position=position, matter_version=version)
        for position, version in enumerate(versions)
    )


@transaction.atomic
def create_draft(
    actor,
    region_code: str,
    *,
    bundle: str | None = None,
    matter: str | None = None,
    employer_code: str | None = None,
    profile: dict | None = None,
    form: dict | None = None,
    as_agent: bool = False,
    language: str = "en",
    earlier: Application | None = None,
) -> Application:
    """A new draft filed by `actor` for themself, for an employee of their employer, or as an
    agent. The bundle or matter must be offered in the region.

    Prefilled (prefill.py): the employer's fields from its account; the person's answers and
    facts from `earlier` (a renewal's last application), else, for a person filing for
    themself, from their newest earlier application. What `form` and `profile` give wins."""
    if not actor.is_authenticated:
        raise PermissionDenied
    try:
        version_for(region_code, bundle=bundle, matter=matter)  # offered in the region
    except UnknownCode as exc:
        raise Invalid(
            [
                {
                    "field": exc.field,
                    "code": exc.code,
                    "message_en": exc.message_en,
                    "message_zh": exc.message_zh,
                }
            ]
        ) from exc
    region = selectors.region(region_code)
    employer = None
    if employer_code:
        employer = Employer.objects.filter(credit_code=employer_code).first()
        if employer is None or not roles.holds(actor, Role.EMPLOYER_HANDLER, employer=employer):
            raise Invalid(
                [
                    {
                        "field": "employer",
                        "code": "application.not_employer_handler",
                        "message_en": "You are not a handler of this employer.",
                        "message_zh": "您不是该用人单位的经办人。",
                    }
                ]
            )
        filing.check_employer(employer)
    if as_agent:
        filing.check_agent_role(actor)
    codes = matter_codes(region, bundle=bundle, matter=matter)
    sections = one_form.asked(_form_in_force(region, bundle=bundle, matter=matter), codes)
    if earlier is None and employer is None and not as_agent:
        earlier = prefill.newest_earlier(actor)
    carried = prefill.carried_form(earlier, sections, employer=employer)
    # An answer the form of today no longer takes is left to be given again, not refused.
    refused = {e["field"].split(".")[1] for e in one_form.check(carried, sections, complete=False)}
    form = {
        **{code: value for code, value in carried.items() if code not in refused},
        **(form or {}),
        **prefill.employer_values(employer, sections),
    }
    try:
        known = _profile(prefill.carried_profile(earlier))
    except Invalid:
        known = {}
    profile = {**known, **(profile or {})}
    errors = one_form.check(form, sections, complete=False)
    if errors:
        raise Invalid(errors)
    # The bundle's version in force is recorded at once (_capture_versions keeps it).
    in_force = next((v for v in selectors.bundle_versions(region) if v.bundle.code == bundle), None)
    application = Application.objects.create(
        region=region,
        bundle=in_force and in_force.bundle,
        bundle_version=in_force,
        matter=Matter.objects.get(code=matter) if matter else None,
        employer=employer,
        applicant=None if (employer or as_agent) else actor,
        agent=actor if as_agent else None,
        created_by=actor,
        form=form or {},
        profile=_profile(_with_form_facts(profile, form)),
        language="zh-hans" if (language or "").lower().startswith("zh") else "en",
    )
    role = Role.EMPLOYER_HANDLER if employer else Role.AGENT if as_agent else Role.APPLICANT
    _capture_versions(application, recorded=[])  # a new row: nothing recorded yet
    append_event(application, actor, role, "create", to_status=Status.DRAFT)
    return application


def _applicant_role(actor, application: Application) -> str:
    found = [r for r in roles_on(actor, application) if r in APPLICANT_SIDE]
    if not found:
        raise PermissionDenied
    return found[0]


@transaction.atomic
def save_draft(
    application: Application, actor, *, form: dict | None = None, profile: dict | None = None
) -> Application:
    """Save what was filled in; nothing given before is lost (fields not sent are kept)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    role = _applicant_role(actor, application)
    if application.status not in EDITABLE:
        raise Invalid(
            [
                {
                    "field": None,
                    "code": "application.not_editable",
                    "message_en": "This application can no longer be changed.",
                    "message_zh": "该申请已不能修改。",
                }
            ]
        )
    sections = one_form.sections_for(application)
    # The employer's fields are its account's, whatever was posted.
    merged_form = {
        **application.form,
        **(form or {}),
        **prefill.employer_values(application.employer, sections),
    }
    errors = one_form.check(merged_form, sections, complete=False)
    if errors:
        raise Invalid(errors)
    application.form = merged_form
    application.profile = _profile(
        _with_form_facts({**application.profile, **(profile or {})}, merged_form)
    )
    application.save(update_fields=["form", "profile", "updated_at"])
    append_event(application, actor, role, "save", data={"fields": sorted((form or {}).keys())})
    return application


def _check_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise Invalid(
            [
                {
                    "field": "file",
                    "code": "application.not_editable",
                    "message_en": "This application can no longer be changed.",
                    "message_zh": "该申请已不能修改。",
                }
            ]
        )


def add_upload(
    application: Application,
    actor,
    *,
    matter_code: str,
    material_code: str,
    uploaded_file,
    replacing: int | None = None,
) -> Upload:
    """A file for one material, stored as documents/uploads.py cleans it (or refused, with
    bilingual reasons); a photo's check findings are kept on it to be shown, never to refuse.
    With `replacing` (a current file of the same material), the new file takes its place: the
    old one is kept, marked replaced, and the history names both (004 item 35).

    Who may give it is checked before a byte is read; scanning and decoding happen outside the
    transaction (they may take seconds, and SQLite's write lock is taken when one begins)."""
    role = _applicant_role(actor, application)
    _check_editable(application)
    if replacing is not None:
        _current_upload(application, replacing, matter_code, material_code)
    materials = {(m["matter"], m["code"]) for m in materials_of(application)}
    if (matter_code, material_code) not in materials:
        raise Invalid(
            [
                {
                    "field": "material",
                    "code": "application.not_a_material",
                    "message_en": "Not a material of this application.",
                    "message_zh": "不是本申请的材料。",
                }
            ]
        )
    if uploaded_file.size > uploads.MAX_BYTES:  # refused before a byte is read
        raise uploads.too_big(uploads.MAX_BYTES)
    given = uploaded_file.read(uploads.MAX_BYTES + 1)
    kept = uploads.clean(given)
    checks = []
    # The photo is checked by the rules of the matter version the application was filed under.
    version = application.covered.get(matter_version__matter__code=matter_code).matter_version
    if photo.is_photo(version, material_code):
        if kept.content_type in photo.PHOTO_TYPES:
            checks = photo.check(
                kept.content,
                rules=photo.rules_of(version),
                taken_on=kept.taken_on,
                uploaded_on=timezone.localdate(),
            )
        else:
            checks = photo.not_an_image()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _check_editable(application)  # it may have been submitted meanwhile
        upload = Upload(
            application=application,
            matter_code=matter_code,
            material_code=material_code,
            original_name=file_names.stored_name(
                uploaded_file.name,
                kept.extension,
                Upload._meta.get_field("original_name").max_length,
            ),
            content_type=kept.content_type,
            size=len(kept.content),
            sha256=hashlib.sha256(kept.content).hexdigest(),
            scanned=kept.scanned,
            scanner=kept.scanner,
            cleaned=kept.cleaned,
            checks=checks,
            uploaded_by=actor,
        )
        upload.file.save("upload", ContentFile(kept.content), save=False)
        upload.save()
        replaced = {}
        if replacing is not None:
            old = _current_upload(application, replacing, matter_code, material_code, lock=True)
            _mark_replaced(old, by=upload)
            replaced = {"replaced": old.pk}
        append_event(
            application,
            actor,
            role,
            "replace" if replacing is not None else "upload",
            data={
                "matter": matter_code,
                "material": material_code,
                "upload": upload.pk,
                **replaced,
                "scanned": upload.scanned,
                "cleaned": upload.cleaned,
                "repaired": kept.repaired,
                "checks": [c["rule"] for c in checks],
            },
        )
    return upload


NOT_CURRENT = {
    "field": "file",
    "code": "application.file_not_current",
    "message_en": "This file has already been replaced or removed.",
    "message_zh": "该文件已被替换或删除。",
}


def _current_upload(
    application: Application,
    upload_id: int,
    matter_code: str | None = None,
    material_code: str | None = None,
    *,
    lock: bool = False,
) -> Upload:
    """A current file of the application (of the material named, when one is): a file replaced
    or removed already, or of another application, is refused alike."""
    found = application.uploads.current().filter(pk=upload_id)
    if matter_code is not None:
        found = found.filter(matter_code=matter_code, material_code=material_code)
    upload = (found.select_for_update() if lock else found).first()
    if upload is None:
        raise Invalid([NOT_CURRENT])
    return upload


def _mark_replaced(upload: Upload, *, by: Upload | None) -> None:
    upload.replaced_at = timezone.now()
    upload.replaced_by = by
    upload.save(update_fields=["replaced_at", "replaced_by"])


@transaction.atomic
def remove_upload(application: Application, actor, upload_id: int) -> Upload:
    """Take a file back before submission or while correcting after a notice: it no longer
    stands for its material, and is kept, marked, for the history (004 item 35)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    role = _applicant_role(actor, application)
    _check_editable(application)
    upload = _current_upload(application, upload_id, lock=True)
    _mark_replaced(upload, by=None)
    append_event(
        application,
        actor,
        role,
        "remove",
        data={"matter": upload.matter_code, "material": upload.material_code, "upload": upload.pk},
    )
    return upload


def materials_of(application: Application, versions: list | None = None) -> list[dict]:
    """The application's checklist materials, each with its matter (uploads are matched to them)
    and whether its bundle exempts it (rules/materials.py: materials_of).

    Evaluated under the catalog versions the application recorded (`versions`, when the caller
    has them already from covered_versions)."""
    profile = Profile.model_validate(application.profile)
    if versions is None:
        versions = covered_versions(application)
    return material_rules.materials_of(versions, profile, bundle_version(application))
