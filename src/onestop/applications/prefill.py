"""What a new form holds before anyone types, so that nothing known is asked again: the
employer's name and credit code from its account (shown read-only), the person's facts from
their newest earlier application, and one passport file for every matter that needs it
(rules/window.one_document)."""

from django.db.models import Q

from onestop.rules import window

from . import read_along
from .models import Application, Upload

# The form's fields the employer's account gives (never retyped, never changed on the form).
EMPLOYER_FIELDS = {"employer_name": "name_zh", "employer_credit_code": "credit_code"}
# The form's sections about the person, carried from their earlier application.
PERSON_SECTIONS = ("applicant", "passport", "current_document", "dependents")
# Fields about the post, carried only to an application of the same employer.
POST_FIELDS = ("position", "job_title")
# Facts of the profile that belong to one application, not to the person: never carried.
NOT_CARRIED = (
    "application_date",
    "requested_validity_days",
    "document_lost_or_damaged",
    "stay_reason",
)


def employer_values(employer, sections: list[dict]) -> dict:
    """The employer's fields the form asks, from the employer's account."""
    if employer is None:
        return {}
    asked = {f["code"] for s in sections for f in s["fields"]}
    return {
        code: getattr(employer, attribute)
        for code, attribute in EMPLOYER_FIELDS.items()
        if code in asked
    }


def newest_earlier(actor) -> Application | None:
    """The newest application the person filed for themself (submitted: a draft left half done
    is no source of facts)."""
    return (
        Application.objects.filter(applicant=actor, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )


def carried_form(earlier: Application | None, sections: list[dict], *, employer=None) -> dict:
    """The person's answers of `earlier` that the new form asks."""
    if earlier is None:
        return {}
    carried = {f["code"] for s in sections if s["code"] in PERSON_SECTIONS for f in s["fields"]}
    asked = {f["code"] for s in sections for f in s["fields"]}
    if employer is not None and earlier.employer_id == employer.pk:
        carried |= set(POST_FIELDS) & asked
    return {
        code: value
        for code, value in (earlier.form or {}).items()
        if code in carried and value not in (None, "", [])
    }


def carried_profile(earlier: Application | None) -> dict:
    """The person's facts of `earlier`, without those of that application alone."""
    if earlier is None:
        return {}
    return {k: v for k, v in (earlier.profile or {}).items() if k not in NOT_CARRIED}


def files_by_material(application: Application, matter_codes: list[str]) -> dict:
    """The files given for each (matter, material): a file of a material that is one document
    for every matter (rules/window.one_document) is listed under that material of every matter
    of the application. Replaced and removed files are not among them."""
    shared = window.one_document(application.region)
    given: dict[tuple[str, str], list[Upload]] = {}
    for upload in application.uploads.current():
        for key in _listed_under(upload.matter_code, upload.material_code, matter_codes, shared):
            given.setdefault(key, []).append(upload)
    return given


def materials_given(application: Application, matter_codes: list[str]) -> set[tuple[str, str]]:
    """The (matter, material) pairs files_by_material lists, read as their codes alone: what
    the gates' completeness check asks, on every filing, pre-examination and acceptance."""
    shared = window.one_document(application.region)
    codes = read_along.take(application, read_along.GIVEN)
    if codes is None:
        codes = application.uploads.current().values_list("matter_code", "material_code")
    return {
        key
        for matter, material in codes
        for key in _listed_under(matter, material, matter_codes, shared)
    }


def _listed_under(matter: str, material: str, matter_codes: list[str], shared) -> list:
    """The (matter, material) keys a file given under `matter` stands for: every matter's, for
    a material that is one document for all (`shared`)."""
    matters = matter_codes if material in shared else [matter]
    return [(each, material) for each in matters]


def uploads_for_matter(application: Application, matter_code: str):
    """The files one matter's department sees: those given for its materials, and the files of
    a material that is one document for every matter (rules/window.one_document) given under
    another matter of the application; not the replaced or removed ones."""
    shared = window.one_document(application.region)
    return application.uploads.current().filter(
        Q(matter_code=matter_code) | Q(material_code__in=shared)
    )
