"""The staff page of background work (/staff/jobs/), the system administrator's (GB/T
22239-2019 8.1.5.1 系统管理): the runs of the queue newest first, filtered by state, 50 a page;
each worker's last beat; the periodic jobs of schedule.yaml with their last ticks; and a Retry
on a failed run (jobs/steering.py, audited there).

Thin: jobs/listing.py reads, jobs/steering.py writes. Refused (403) to everyone else, other
administrators and supervisors included: least privilege. Reading the page is not recorded as a
read: it shows task names, codes, times, hosts and exception classes, never a person's data
(the failed run's message and traceback are left out for that reason, jobs/listing.py), and
audit/reads.py records reads of personal data and of the Django admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts.models import Role
from onestop.jobs import listing, steering
from onestop.jobs.engine import stale_after

from .refusals import said
from .staff_gate import signed_in_holding

PAGE_SIZE = 50
STATE_NAMES = {
    "queued": pgettext_lazy("run", "Queued"),
    "running": pgettext_lazy("run", "Running"),
    "failed": pgettext_lazy("run", "Failed"),
    "successful": pgettext_lazy("run", "Successful"),
    listing.RETRIED: pgettext_lazy("run", "Retries"),
}
STATUS_NAMES = {
    "READY": pgettext_lazy("run", "Queued"),
    "RUNNING": pgettext_lazy("run", "Running"),
    "FAILED": pgettext_lazy("run", "Failed"),
    "SUCCESSFUL": pgettext_lazy("run", "Successful"),
}


@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def jobs_page(request, held):
    state = request.GET.get("state", "")
    state = state if state in listing.STATES else ""
    now, regions = timezone.now(), listing.region_names()
    page = Paginator(listing.runs(state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/staff/jobs.html",
        {
            "state": state,
            "states": [{"value": k, "name": v} for k, v in STATE_NAMES.items()],
            "page": page,
            "runs": [listing.run_of(r, now, regions) for r in page.object_list],
            "status_names": STATUS_NAMES,
            "workers": listing.workers(now),
            "stale_seconds": int(stale_after().total_seconds()),
            "periodic": listing.periodic_jobs(),
        },
    )


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def retry(request, run, held):
    """Retry a failed run; the page again, with what was done or why not."""
    try:
        steering.retry(run, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(request, _("The run is queued again."))
    return redirect("web:jobs")
