"""A small entry for the test of migrations catalog 0003 to 0006, run as its own process.

python -m tests.catalog.migration_entry before   # schema up to catalog 0002, published
                                                 # versions without case steps or photo rules
python -m tests.catalog.migration_entry after    # migrate the rest; print the version's case
                                                 # steps as the engine reads them (JSON)
"""

import json
import os
import sys

BEFORE = ("catalog", "0002_region_window")


def before() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    region = apps.get_model("catalog", "Region").objects.create(
        code="beijing", name_zh="北京", name_en="Beijing", source="test", number_prefix="BJ"
    )
    department = apps.get_model("catalog", "Department").objects.create(
        code="public_security", name_zh="公安", name_en="Public security"
    )
    matter = apps.get_model("catalog", "Matter").objects.create(
        code="stay_permit.issue", department=department
    )
    permanent = apps.get_model("catalog", "Matter").objects.create(
        code="permanent_residence.apply", department=department
    )
    for number, each in enumerate((permanent, matter), 1):
        apps.get_model("catalog", "MatterVersion").objects.create(
            matter=each,
            region=region,
            number=number,
            status="published",
            origin="files",
            valid_from="2025-01-01",
            name_zh="版本",
            name_en="Version",
            content={
                "name": {"zh": "版本", "en": "Version"},
                "flow": [
                    {
                        "code": "handler_review",
                        "name": {"zh": "承办人审查", "en": "Review"},
                        "working_days": 2,
                        "source": "004",
                    }
                ],
            },
        )


def after() -> dict:
    from django.core.management import call_command

    from onestop.cases import steps
    from onestop.catalog.models import MatterVersion

    call_command("migrate", interactive=False, verbosity=0)
    version = MatterVersion.objects.get(matter__code="stay_permit.issue")
    permanent = MatterVersion.objects.get(matter__code="permanent_residence.apply")
    edges = steps.edges(version)
    return {
        "flow": version.content["flow"],
        "steps": list(steps.steps(version)),
        "approve": [list(edges["approve"].roles), edges["approve"].not_by],
        "deliver": list(edges["deliver"].roles),
        "budget": steps.budget(version, "review")[0],
        "photo": "photo" in version.content,
        "photo_materials": [m["material"] for m in permanent.content["photo"]["materials"]],
        "recent_months": permanent.content["photo"]["recent"]["within_months"]["value"],
        "opinions": steps.opinion_rules(version),
        "shared_with": list(steps.shared_with(version, "work_permit")),
        "form": [section["code"] for section in version.content["form"]],
        "phone": next(
            f for s in version.content["form"] for f in s["fields"] if f["code"] == "phone"
        ),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "before":
        before()
    else:
        print(json.dumps(after()))
