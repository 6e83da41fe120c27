"""Matter versions loaded before the opinions' rules and the shared results travelled with their
case steps get what cases/steps.py read from national/case_steps.yaml until then, so a pending
case asks opinions and shares its result as before. Only tables without them are touched."""

from django.db import migrations

OPINIONS = {"working_days": None, "pauses_clock": False, "source": "003 第十八条"}
SHARED_RESULTS = [
    {
        "from": "work_permit",
        "to": ["residence_permit", "social_insurance", "social_security_card"],
        "source": "003 第六条; 003 第十九条",
    }
]


def add_opinions_and_shared_results(apps, schema_editor):
    MatterVersion = apps.get_model("catalog", "MatterVersion")
    for version in MatterVersion.objects.all():
        content = version.content or {}
        table = content.get("case_steps")
        if not isinstance(table, dict):
            continue
        added = {
            **({} if "opinions" in table else {"opinions": OPINIONS}),
            **({} if "shared_results" in table else {"shared_results": SHARED_RESULTS}),
        }
        if added:
            # A queryset update: published versions are frozen by the model's save().
            MatterVersion.objects.filter(pk=version.pk).update(
                content={**content, "case_steps": {**table, **added}}
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_photo_rules_in_versions")]

    operations = [
        migrations.RunPython(add_opinions_and_shared_results, migrations.RunPython.noop)
    ]
