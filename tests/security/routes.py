"""Every route of the URL configuration, walked recursively, and its path with the parameters
filled from the world for one role and one relation; the OpenAPI document's operations, to
cross-check the API's routes against it."""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from .world import (
    APPLICATION_OF,
    BOOKING_OF,
    CASE_OF,
    NO_RECORD,
    OPINION_OF,
    RELATIONS,
    World,
    pick,
)

PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")

# The record a parameter names, and where the world keeps it.
RECORDS = {
    "number": APPLICATION_OF,
    "public_id": APPLICATION_OF,
    "pk": CASE_OF,
    "case_id": CASE_OF,
    "code": BOOKING_OF,
    "opinion_id": OPINION_OF,
}
# Parameters that name no record of a person: the same value for every cell.
FIXED = {
    "region": "beijing",
    "matter": "residence_permit.issue",
    "hall": "bj_government_service_centre",
    "sequence": "1",  # each application of the world has one notice
    # The admin site's index of an application, and a path it does not have.
    "content_type_id": "1",
    "app_label": "auth",
    "url": "nothing-here/",
    "run": "00000000-0000-4000-8000-000000000000",  # a background run (web/jobs.py): none
    # A service account and an API key (web/keys.py): none in the world.
    "account": "1",
    "key": "1",
    # An event subscription (web/subscriptions.py, api/events.py): none in the world.
    "subscription_id": "1",
    # Links of e-mails: a token nobody was sent (the pages say so, to everyone alike).
    "token": "not-a-token",
    "uidb64": "MQ",
}
ADMIN_OBJECT = ("object_id", "pk", "id")  # the admin's page of one object


@dataclass(frozen=True)
class Route:
    key: str  # the URL name ("web:receipt"), or the route itself where it has none
    route: str  # "staff/applications/<str:number>/receipt/"

    @property
    def parameters(self) -> list[str]:
        return [m["name"] or m["group"] for m in PARAMETER.finditer(self.route)]

    @property
    def admin(self) -> bool:
        return self.key.startswith(("admin:", "admin/"))

    @property
    def record(self) -> dict | None:
        """The table of records the route names (applications, cases, ...), if any; the admin
        site's pages are its own gate's, whatever object they show."""
        if self.admin:
            return None
        return next((RECORDS[p] for p in self.parameters if p in RECORDS), None)

    def relations(self, role: str) -> list[str]:
        """The relations that apply to `role` on this route."""
        if self.record is None:
            return [NO_RECORD]
        return [r for r in RELATIONS if pick(self.record, r, role) is not None]

    def path(self, world: World, role: str, relation: str) -> str:
        """The URL of the route for this role and relation, its parameters from the world."""
        record = pick(self.record, relation, role) if self.record is not None else None
        values = {}
        for name in self.parameters:
            if self.admin and name in ADMIN_OBJECT:
                values[name] = _admin_object(self.key)
            elif name in FIXED:
                values[name] = FIXED[name]
            elif name == "upload_id" and self.record is CASE_OF:
                # A file of the case's own matter, the only files its page serves; where the
                # matter has none (Qingdao's residence permit: its materials are shown at the
                # window), another of the application's files.
                case = world.cases[record]
                uploads = case.application.uploads.order_by("pk")
                own = uploads.filter(matter_code=case.matter_version.matter.code).first()
                values[name] = str((own or uploads.first()).pk)
            elif name in ("number", "public_id", "upload_id"):
                application = world.applications[record]
                values[name] = {
                    "number": application.number,
                    "public_id": str(application.public_id),
                    "upload_id": str(world.uploads[record]),
                }[name]
            elif name == "case_id" and self.record is not CASE_OF:  # a case of the application
                application = world.applications[record]
                values[name] = str(application.cases.order_by("pk").values_list("pk", flat=True)[0])
            elif name in ("pk", "case_id") and self.record is CASE_OF:
                values[name] = str(world.cases[record].pk)
            elif name == "pk":  # a case of the application the route names
                key = next(k for k in (f"{record}.ps", f"{record}.st") if k in world.cases)
                values[name] = str(world.cases[key].pk)
            elif name == "code":
                values[name] = world.bookings[record]
            elif name == "employer_id":  # employer X, whose handler is the world's
                handler = world.people["employer_handler"]
                values[name] = str(handler.assignments.get().employer_id)
            elif name == "opinion_id":
                values[name] = str(world.opinions[record])
            else:
                raise LookupError(
                    f"No value for the parameter {name!r} of {self.key}: "
                    "add it to tests/security/routes.py"
                )

        def value(match):
            return values[match["name"] or match["group"]]

        return "/" + PARAMETER.sub(value, self.route).replace("^", "").replace("$", "")


def _admin_object(key: str) -> str:
    """The first object of the model an admin page is of ("1" when there is none)."""
    for model in admin.site._registry:
        if key.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            first = model._default_manager.order_by("pk").first()
            return str(first.pk) if first else "1"
    return "1"


def walk(patterns=None, prefix: str = "", namespaces: tuple = ()) -> list[Route]:
    """Every URLPattern under every URLResolver, with its full route and namespaced name."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            found += walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else route
            found.append(Route(name, route))
    return found


def bare(route: str) -> str:
    """A route without converters, slashes at its ends, or regex anchors, to compare routes of
    the URL configuration with paths of the OpenAPI document."""
    route = re.sub(r"\{(\w+)\}", r"<\1>", route)
    route = re.sub(r"<(?:[^>:]+:)?(\w+)>", r"<\1>", route)
    return route.replace("^", "").replace("$", "").strip("/")


def openapi_operations(document: dict) -> dict[str, set[str]]:
    """The bare route of every path of an OpenAPI document, with its methods in upper case."""
    return {
        bare(path): {method.upper() for method in operations}
        for path, operations in document["paths"].items()
    }
