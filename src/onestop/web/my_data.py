"""A person's copy of their own data (PIPL Art. 45), as one JSON file."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

from onestop.applications.personal_data import export_for

from .privacy import private


@login_required
@private
def my_data(request):
    body = json.dumps(export_for(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="onestop-my-data-{day}.json"'
    return response
