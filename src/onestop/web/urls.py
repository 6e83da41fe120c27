from django.urls import include, path

from . import checklist, inbox, my_data, progress, staff, statistics, views, workplaces

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<slug:region>/", views.region_matters, name="region"),
    path("regions/<slug:region>/halls/", views.region_halls, name="halls"),
    path("regions/<slug:region>/matters/<str:matter>/", views.matter_guide, name="guide"),
    path("sources/", views.sources, name="sources"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("checklist/", checklist.choose, name="checklist"),
    path("checklist/questions/", checklist.questions, name="checklist-questions"),
    path("checklist/result/", checklist.result, name="checklist-result"),
    path("staff/", workplaces.staff_home, name="staff-home"),
    path("staff/calendar/", staff.calendar_month, name="staff-calendar"),
    path("progress/", progress.progress, name="progress"),
    path("my/data/", my_data.my_data, name="my-data"),
    path("my/messages/", inbox.my_messages, name="my-messages"),
    path("", include("onestop.web.urls_applicant")),
    path("", include("onestop.web.urls_booking")),
    path("", include("onestop.web.urls_window")),
    path("", include("onestop.web.urls_handover")),
    path("", include("onestop.web.urls_department")),
    path("", include("onestop.web.urls_documents")),
    path("", include("onestop.web.urls_jobs")),
    path("", include("onestop.web.urls_subscriptions")),
    path("", include("onestop.web.urls_keys")),
    path("", include("onestop.web.urls_accounts")),
    path("", include("onestop.web.urls_satisfaction")),
]
