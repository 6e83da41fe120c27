from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowCount(models.Model):
    """How often something happened in a fixed window that began with its first occurrence.

    `name` is the caller's key (throttle.py's are HMAC digests: the table holds no address and
    no number). A row whose window has ended counts as nothing and starts again from one at the
    next occurrence (windows.py); rows ended long ago are deleted by `windows.purge`."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    hits = models.PositiveIntegerField(_("hits"))
    # Unix time in whole seconds: compared as a number alike on SQLite and PostgreSQL.
    window_ends_unix = models.BigIntegerField(_("window ends (Unix time)"), db_index=True)

    class Meta:
        verbose_name = _("count in a window")
        verbose_name_plural = _("counts in a window")

    def __str__(self):
        return self.name
