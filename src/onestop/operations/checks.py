"""`check --deploy`: backups must be signed with a key kept away from the machine they protect."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def backup_keys_from_the_environment(app_configs, **kwargs):
    if settings.ONESTOP_BACKUP_KEYS or settings.ONESTOP_BACKUP_KEYS_FILE:
        return []
    return [
        checks.Warning(
            "ONESTOP_BACKUP_KEYS is not set: backups are signed with a key made in "
            "ONESTOP_VAR_DIR/backup_key, on the machine whose backups it vouches for.",
            hint="Set ONESTOP_BACKUP_KEYS (or ONESTOP_BACKUP_KEYS_FILE) from a secret store "
            "(`onestop manage new_backup_key`), and keep it where the restoring machine gets it.",
            id="onestop.W020",
        )
    ]
