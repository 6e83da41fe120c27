"""`check --deploy`: superusers break the separation of administrators (administrators.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def superusers_refused(app_configs, databases=None, **kwargs):
    found = []
    if settings.ONESTOP_SUPERUSER_SIGN_IN:
        found.append(
            checks.Warning(
                "ONESTOP_SUPERUSER_SIGN_IN is on: a superuser holds every permission, so the "
                "system, security and audit administrators are not separated (GB/T 22239-2019 "
                "8.1.4.2 d).",
                hint="Leave ONESTOP_SUPERUSER_SIGN_IN unset in production; give people the "
                "administrator roles instead (`onestop manage make_administrator`).",
                id="onestop.W002",
            )
        )
    for alias in databases or ():
        try:
            count = get_user_model().objects.using(alias).filter(is_superuser=True).count()
        except DatabaseError:
            continue  # not migrated yet: nothing to say about its accounts
        if count:
            found.append(
                checks.Warning(
                    f"{count} superuser account(s) in the database {alias!r}: they cannot sign "
                    "in where ONESTOP_SUPERUSER_SIGN_IN is off.",
                    hint="Remove the superuser flag (the security administrator's page of the "
                    "person) and give an administrator role instead.",
                    id="onestop.W003",
                )
            )
    return found
