"""The kinds of history events the write functions append, in words for the pages."""

from django.utils.translation import gettext_lazy

from .pre_examination import REPEATED_NOTICE

EVENT_LABELS = {
    "create": gettext_lazy("Draft created"),
    "save": gettext_lazy("Draft saved"),
    "upload": gettext_lazy("File given"),
    "replace": gettext_lazy("File replaced"),
    "remove": gettext_lazy("File removed"),
    "submit": gettext_lazy("Submitted"),
    "resubmit": gettext_lazy("Submitted again after correction"),
    "pass_pre_examination": gettext_lazy("Pre-examination passed"),
    "request_correction": gettext_lazy("One-time notice issued"),
    "accept": gettext_lazy("Accepted"),
    "route": gettext_lazy("Routed to the departments"),
    "not_accept": gettext_lazy("Not accepted"),
    "withdraw": gettext_lazy("Withdrawn"),
    REPEATED_NOTICE: gettext_lazy(
        "More than one notice for one application (accountability, 004 item 36.4)"
    ),
}
