"""Pages of department handlers and leaders, and of supervisors."""

from django.urls import path

from . import department, opinions, supervision

urlpatterns = [
    path("staff/cases/", department.case_queue, name="staff-cases"),
    path("staff/cases/export/", department.case_queue_export, name="staff-cases-export"),
    path("staff/cases/<int:pk>/", department.case_page, name="staff-case"),
    path(
        "staff/cases/<int:pk>/files/<int:upload_id>/",
        department.case_file_download,
        name="staff-case-file",
    ),
    path("staff/supervision/", supervision.supervision, name="supervision"),
    path("staff/supervision/cases/", supervision.supervision_cases, name="supervision-cases"),
    path("staff/supervision/export/", supervision.supervision_export, name="supervision-export"),
    path(
        "staff/supervision/cases/export/",
        supervision.supervision_cases_export,
        name="supervision-cases-export",
    ),
    path("staff/opinions/", opinions.opinion_list, name="staff-opinions"),
    path("staff/opinions/<int:opinion_id>/", opinions.opinion_page, name="staff-opinion"),
]
