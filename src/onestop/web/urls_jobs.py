"""The system administrator's page of background work (web/jobs.py)."""

from django.urls import path

from . import jobs

urlpatterns = [
    path("staff/jobs/", jobs.jobs_page, name="jobs"),
    path("staff/jobs/<uuid:run>/retry/", jobs.retry, name="jobs-retry"),
]
