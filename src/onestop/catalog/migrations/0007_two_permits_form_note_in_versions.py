"""002 §4a asks every two-permit application form to carry "One-Stop Service for Both Permits"
in its blank space: the two-permit versions loaded before the note travelled with them get it, so
a form printed for an application filed under them carries it too."""

from django.db import migrations

FORM_NOTE = {"zh": "两证联办", "en": "One-Stop Service for Both Permits", "source": "002 §4a"}


def add_form_note(apps, schema_editor):
    BundleVersion = apps.get_model("catalog", "BundleVersion")
    for version in BundleVersion.objects.filter(bundle__code="two_permits"):
        content = version.content or {}
        if "form_note" not in content:
            # A queryset update: published versions are frozen by the model's save().
            BundleVersion.objects.filter(pk=version.pk).update(
                content={**content, "form_note": FORM_NOTE}
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_form_in_versions")]

    operations = [migrations.RunPython(add_form_note, migrations.RunPython.noop)]
