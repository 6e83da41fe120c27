"""POST /checklist — thin: rules.checklist decides."""

from typing import Annotated, Any

from ninja import Router, Schema
from pydantic import ConfigDict, WithJsonSchema

from onestop.rules.checklist import checklist
from onestop.rules.profile import Profile

from .bounds import ONE_SUBJECT, PROFILE_SCHEMA, BundleCode, MatterCode, RegionCode, RouteCode
from .errors import with_errors

router = Router(tags=["checklist"])


class ChecklistIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=ONE_SUBJECT)

    region: RegionCode
    matter: MatterCode | None = None
    bundle: BundleCode | None = None
    profile: Annotated[Profile, WithJsonSchema(PROFILE_SCHEMA)] = Profile()


class Sentence(Schema):
    en: str
    zh: str


class MaterialOut(Schema):
    code: str
    name_zh: str
    name_en: str
    applies: bool | None
    because: Sentence
    original_or_copy: str | None
    copies: int | None
    source: str
    route: RouteCode | None = None
    matters: list[MatterCode] | None = None
    exempt: bool | None = None


class RouteOut(Schema):
    """A permanent-residence route (API-CONTRACT.md: in the order of 001)."""

    code: RouteCode
    eligible: bool | None
    name: dict[str, Any]
    reasons: list[dict[str, Any]]
    time_limit: dict[str, Any] | None
    notification: dict[str, Any] | None


class ChecklistOut(Schema):
    region: RegionCode
    matter: MatterCode | None = None
    bundle: BundleCode | None = None
    catalog_version: int
    eligible: bool | None
    missing_facts: list[str]
    reasons: list[dict[str, Any]]
    materials: list[MaterialOut]
    time_limit: dict[str, Any] | None
    pre_examination_working_days: int | None = None
    appointment_required: bool | None
    appointment: dict[str, Any] | None = None
    pre_examination: dict[str, Any] | None = None
    interview: dict[str, Any] | None = None
    fees: list[dict[str, Any]] | None = None
    routes: list[RouteOut] | None = None
    matters: list[dict[str, Any]] | None = None
    validity: dict[str, Any] | None = None


@router.post(
    "/checklist",
    response=with_errors({200: ChecklistOut}, 400, 404, 422),
    summary="What this person must do",
)
def post_checklist(request, body: ChecklistIn):
    """Eligibility, materials, time limit, appointment, interview and fees for one matter or one
    bundle, each with a bilingual reason and its source. Facts the rules need but the profile
    lacks are listed in `missing_facts`, and what depends on them is `null`."""
    return checklist(body.region, body.profile, matter=body.matter, bundle=body.bundle)
