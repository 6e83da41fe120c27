"""`check --deploy`: personal data must not be encrypted with a key kept beside it."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def data_keys_from_the_environment(app_configs, **kwargs):
    if getattr(settings, "ONESTOP_DATA_KEYS_FROM_ENVIRONMENT", False):
        return []
    return [
        checks.Warning(
            "ONESTOP_DATA_KEYS is not set: personal data is encrypted with a key kept in "
            "ONESTOP_VAR_DIR, next to the database it protects.",
            hint="Set ONESTOP_DATA_KEYS from a secret store (`onestop manage new_data_key`).",
            id="onestop.W001",
        )
    ]
