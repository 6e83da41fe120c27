import uuid

from django.db import migrations, models


def first_tokens(apps, schema_editor):
    Generation = apps.get_model("catalog", "Generation")
    for name in ("catalog", "calendar"):
        Generation.objects.create(name=name, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_two_permits_form_note_in_versions")]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_tokens, migrations.RunPython.noop),
    ]
