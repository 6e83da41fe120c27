"""The person's inbox: every e-mail and SMS sent to them about their applications and bookings
(progress/inbox.py decides which), newest first, paged."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from onestop.applications.access import own_applications
from onestop.progress.inbox import erased, erased_after_days, messages_for

from .privacy import private

PER_PAGE = 20


@private
@login_required
def my_messages(request):
    """?application= narrows to one of the person's applications; another's is a 404, the
    same as one that does not exist."""
    application = None
    if request.GET.get("application"):
        try:
            application = (
                own_applications(request.user)
                .filter(public_id=request.GET["application"])
                .only("pk", "number", "public_id")
                .first()
            )
        except ValidationError as exc:
            raise Http404 from exc
        if application is None:
            raise Http404
    page = Paginator(messages_for(request.user, application=application), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/applicant/messages.html",
        {
            "application": application,
            "page": page,
            "messages_shown": [(m, erased(m)) for m in page],
            "erased_after_days": erased_after_days(),
        },
    )
