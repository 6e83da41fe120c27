"""Pages of pre-examiners and window clerks."""

from django.urls import path

from . import window

urlpatterns = [
    path("staff/pre-examination/", window.queue, name="pre-examination-queue"),
    path(
        "staff/pre-examination/export/",
        window.queue_export,
        name="pre-examination-queue-export",
    ),
    path("staff/window/", window.lookup, name="window-lookup"),
    path(
        "staff/applications/<str:number>/pre-examination/",
        window.pre_examination_page,
        name="pre-examination",
    ),
    path("staff/applications/<str:number>/window/", window.window_page, name="window"),
    path(
        "staff/applications/<str:number>/files/<int:upload_id>/",
        window.upload_file,
        name="application-file",
    ),
    path("staff/applications/<str:number>/receipt/", window.receipt, name="receipt"),
    path(
        "staff/applications/<str:number>/notices/<int:sequence>/",
        window.notice,
        name="notice",
    ),
]
