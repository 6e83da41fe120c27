"""A writer of the catalog and the calendar, run as its own process by the test of what other
processes keep in memory (test_kept_across_processes.py).

python -m tests.catalog.kept_entry publish    # a new published version of Beijing's
                                              # residence_permit.issue, renamed
python -m tests.catalog.kept_entry day_off    # 2026-09-29 a regional day off in Beijing
"""

import sys
from datetime import date


def publish() -> None:
    from django.contrib.auth.models import User

    from onestop.accounts.models import Role
    from onestop.catalog import selectors
    from onestop.catalog.publishing import copy_to_draft, publish

    editor = User.objects.create_user("kept.editor")
    old = selectors.matter_version(selectors.region("beijing"), "residence_permit.issue")
    draft = copy_to_draft(old, editor, acting_role=Role.ADMINISTRATOR)
    draft.name_en = "Residence permit, as newly published"
    draft.save()
    publish(draft, editor, acting_role=Role.ADMINISTRATOR)


def day_off() -> None:
    from onestop.catalog.models import Region
    from onestop.workdays.models import CalendarDay, DayKind

    CalendarDay.objects.create(
        date=date(2026, 9, 29),
        region=Region.objects.get(code="beijing"),
        kind=DayKind.REGIONAL_DAY_OFF,
        name_zh="测试",
        name_en="Test day off",
        source="test",
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    django.setup()
    {"publish": publish, "day_off": day_off}[sys.argv[1]]()
