"""A small entry for the test of migration catalog 0002, run as its own process.

python -m tests.catalog.migration_entry before   # schema up to catalog 0001, one published
                                                 # matter version without case steps
python -m tests.catalog.migration_entry after    # migrate the rest; print the version's case
                                                 # steps as the engine reads them (JSON)
"""

import json
import os
import sys

BEFORE = ("catalog", "0001_initial")


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
    apps.get_model("catalog", "MatterVersion").objects.create(
        matter=matter,
        region=region,
        number=1,
        status="published",
        origin="files",
        valid_from="2025-01-01",
        name_zh="停留证件",
        name_en="Stay permit",
        content={"flow": [{"code": "handler_review", "working_days": 2, "source": "004"}]},
    )


def after() -> dict:
    from django.core.management import call_command

    from onestop.cases import steps
    from onestop.catalog.models import MatterVersion

    call_command("migrate", interactive=False, verbosity=0)
    version = MatterVersion.objects.get()
    edges = steps.edges(version)
    return {
        "flow": version.content["flow"],
        "steps": list(steps.steps(version)),
        "approve": [list(edges["approve"].roles), edges["approve"].not_by],
        "deliver": list(edges["deliver"].roles),
        "budget": steps.budget(version, "review")[0],
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "before":
        before()
    else:
        print(json.dumps(after()))
