"""Pages of department handlers and leaders, and of supervisors."""

from django.urls import path

from . import department

urlpatterns = [
    path("staff/cases/", department.case_queue, name="staff-cases"),
    path("staff/cases/<int:pk>/", department.case_page, name="staff-case"),
    path("staff/supervision/", department.supervision, name="supervision"),
]
