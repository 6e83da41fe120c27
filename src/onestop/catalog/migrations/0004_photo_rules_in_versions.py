"""Matter versions loaded before the photo's rules travelled with them get the rules the photo
check read from national/photo.yaml until then, so a draft filed under them is checked as before.
Only versions of matters with a photo material and without `photo` are touched."""

from django.db import migrations

RULES = {
    "proportions": {
        "width_mm": {
            "value": 33,
            "source": "000 §六 二寸; 001 二(一) 1 2英寸; reading: 33 × 48 mm, visa "
            "photo rules (MFA 2016)",
        },
        "height_mm": {
            "value": 48,
            "source": "000 §六 二寸; 001 二(一) 1 2英寸; reading: 33 × 48 mm, visa "
            "photo rules (MFA 2016)",
        },
        "tolerance": {
            "value": 0.1,
            "source": "reading: ±10 % takes in the 3:4 online visa photo (COVA)",
        },
    },
    "resolution": {
        "min_width_px": {
            "value": 354,
            "source": "reading: at least 354 × 472 px, the online visa photo (COVA)",
        },
        "min_height_px": {
            "value": 472,
            "source": "reading: at least 354 × 472 px, the online visa photo (COVA)",
        },
    },
    "background": {
        "band": {"top": 0.05, "sides": 0.08, "sides_down_to": 0.6},
        "min_mean_lightness": {
            "value": 200,
            "source": "000 §六 白底; 001 二(一) 1 白色或淡蓝色背景; reading: light and even",
        },
        "max_spread": {
            "value": 20,
            "source": "000 §六 白底; 001 二(一) 1 白色或淡蓝色背景; reading: light and even",
        },
    },
    "recent": {
        "within_months": {
            "value": 6,
            "source": "000 §六 近期; 002 §5 (2) recently-taken; reading: 6 months, "
            "visa photo rules (MFA 2016)",
        }
    },
}
MATERIALS = {
    "permanent_residence.apply": [
        {"material": "photos", "source": "001 二(一) 1; 001 二(二) 1; 001 二(四) 1; 001 二(五) 1"},
        {"material": "doctorate_photos", "source": "001 二(三)(一) 1"},
        {"material": "four_years_photos", "source": "001 二(三)(二) 1"},
        {"material": "spouse_photos", "source": "001 二(六) 1"},
        {"material": "child_photos", "source": "001 二(六) 子女 1"},
    ]
}


def add_photo_rules(apps, schema_editor):
    MatterVersion = apps.get_model("catalog", "MatterVersion")
    for version in MatterVersion.objects.filter(matter__code__in=list(MATERIALS)):
        content = version.content or {}
        if "photo" not in content:
            photo = {**RULES, "materials": MATERIALS[version.matter.code]}
            # A queryset update: published versions are frozen by the model's save().
            MatterVersion.objects.filter(pk=version.pk).update(content={**content, "photo": photo})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_case_steps_in_versions")]

    operations = [migrations.RunPython(add_photo_rules, migrations.RunPython.noop)]
