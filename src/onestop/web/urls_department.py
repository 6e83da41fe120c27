"""Pages of department handlers and leaders, and of supervisors."""

from django.urls import path

from . import department

urlpatterns = [
    path("staff/cases/", department.case_queue, name="staff-cases"),
    path("staff/cases/<int:pk>/", department.case_page, name="staff-case"),
    path(
        "staff/cases/<int:pk>/files/<int:upload_id>/",
        department.case_file_download,
        name="staff-case-file",
    ),
    path("staff/supervision/", department.supervision, name="supervision"),
]
